/**
 * Which web origins may use the service from a browser: the public URL's,
 * and any configured in ROOMS_ALLOWED_ORIGINS (an app that embeds rooms on
 * its own site). Browsers send Origin with WebSocket handshakes and with
 * cross-site POSTs but do not apply CORS to WebSockets, so the server checks
 * it itself. Requests without an Origin (chat apps' backends, bots) are not
 * browsers acting for another site, and pass.
 */
const LOOPBACK_ALIASES = ['localhost', '127.0.0.1', '[::1]'];

export type OriginCheck = (origin: string | undefined) => boolean;

/** `publicUrl` is read on each check: with port 0 it is known only once the server listens. */
export function originCheck(publicUrl: () => string, extras: readonly string[]): OriginCheck {
	const configured = new Set(extras.map((origin) => new URL(origin).origin));
	return (origin) => {
		if (origin === undefined) return true;
		if (configured.has(origin)) return true;
		const own = new URL(publicUrl());
		if (origin === own.origin) return true;
		// The default public URL is localhost: its loopback spellings are the same place.
		if (!LOOPBACK_ALIASES.includes(own.hostname)) return false;
		return LOOPBACK_ALIASES.some((host) => origin === `${own.protocol}//${host}${own.port ? `:${own.port}` : ''}`);
	};
}
