/**
 * The fragment of invite and host links (`#host=…&name=…&k=…`): browsers never
 * send it to the server, so the host key and an end-to-end encrypted room's
 * key travel in it.
 */

/** The link with the room's end-to-end key in its fragment; without a key, the link unchanged. */
export function withRoomSecret(link: string, secret: string | undefined): string {
	if (secret === undefined) return link;
	const url = new URL(link);
	const fragment = new URLSearchParams(url.hash.slice(1));
	fragment.set('k', secret);
	url.hash = fragment.toString();
	return url.toString();
}

/** The `k` of a link's fragment (`#…`), if it has one. */
export function roomSecretOf(hash: string): string | undefined {
	return new URLSearchParams(hash.replace(/^#/, '')).get('k') ?? undefined;
}
