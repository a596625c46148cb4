/**
 * The host key of each room this browser hosts, kept in localStorage so a
 * reload (or coming back through the plain invite link) keeps the host's
 * rights. Never in a URL path or query. Forgotten when the room ends, or when
 * the server says the key no longer opens the room (a link reset).
 */
const PREFIX = 'rooms.host.';

export function rememberHostKey(code: string, hostKey: string): void {
	localStorage.setItem(PREFIX + code, hostKey);
}

export function storedHostKey(code: string): string | undefined {
	return localStorage.getItem(PREFIX + code) ?? undefined;
}

export function forgetHostKey(code: string): void {
	localStorage.removeItem(PREFIX + code);
}

/** The host key and code of a host link (`…/r/<code>#host=…`), as a room's reset hands it out. */
export function rememberHostLink(hostUrl: string): void {
	const url = new URL(hostUrl);
	const hostKey = new URLSearchParams(url.hash.slice(1)).get('host');
	const code = url.pathname.split('/').pop();
	if (hostKey && code) rememberHostKey(code, hostKey);
}
