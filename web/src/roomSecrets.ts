/**
 * The secret of each end-to-end encrypted room this tab is in, from the
 * link's `#k=`. Kept in sessionStorage: a reload keeps working, closing the
 * tab forgets it. Never in a URL path or query, never sent to the server.
 */
import { withRoomSecret } from '../../shared/links.js';

const PREFIX = 'rooms.e2ee.';

export function rememberRoomSecret(code: string, secret: string): void {
	sessionStorage.setItem(PREFIX + code, secret);
}

export function storedRoomSecret(code: string): string | undefined {
	return sessionStorage.getItem(PREFIX + code) ?? undefined;
}

/** A room's link as this tab can hand it on: with the key, when the room has one here. */
export function shareableLink(link: string, code: string): string {
	return withRoomSecret(link, storedRoomSecret(code));
}

/** Whether this browser can encrypt media frames (RTCRtpScriptTransform: Chromium 141+, Firefox 117+, Safari 15.4+). */
export function canEncryptFrames(): boolean {
	return typeof RTCRtpScriptTransform === 'function';
}
