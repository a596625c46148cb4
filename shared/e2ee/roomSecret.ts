/**
 * The room secret: 16 random bytes that travel only in the link's fragment
 * (`#k=…`, base64url), which browsers never send to the server. Everyone who
 * holds the full link holds it; the server never does. It proves who belongs
 * (identity proofs are keyed with it) and salts the pairwise keys.
 */
import { type Bytes, fromBase64Url, randomBytes, toBase64Url, type Key } from './bytes.js';
import { derive } from './hkdf.js';

export const ROOM_SECRET_BYTES = 16;

/** Why a piece of end-to-end encryption input was refused; the screens say it in words. */
export type E2eeErrorCode = 'bad-secret' | 'bad-key-message' | 'box-too-large';

export class E2eeError extends Error {
	constructor(readonly code: E2eeErrorCode, message: string) {
		super(message);
		this.name = 'E2eeError';
	}
}

/** A new secret, as it goes in the link: made on the person's device, never by the server. */
export function newRoomSecret(): string {
	return toBase64Url(randomBytes(ROOM_SECRET_BYTES));
}

/** The secret's bytes from the link's `k`; a `k` that is not exactly 16 bytes of base64url is refused. */
export function parseRoomSecret(k: string): Bytes {
	const bytes = fromBase64Url(k);
	if (!bytes || bytes.length !== ROOM_SECRET_BYTES || toBase64Url(bytes) !== k) {
		throw new E2eeError('bad-secret', 'the link\'s key is not 16 bytes of base64url');
	}
	return bytes;
}

/** The key that signs identity proofs: an HMAC-SHA-256 key only link holders can make. */
export async function proofKey(secret: Bytes): Promise<Key> {
	const material = await derive(secret, 'auth', 32);
	return crypto.subtle.importKey('raw', material, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}
