/**
 * Every key of the end-to-end encryption is derived with HKDF-SHA-256 from a
 * secret and a label of its own ("rooms-e2ee <purpose>"), so that one secret
 * never serves two purposes.
 */
import { type Bytes, concatBytes, utf8, type Key } from './bytes.js';

const LABEL = 'rooms-e2ee ';

/** `length` bytes derived from `secret` for `purpose`; `context` binds them to more (ids, a generation). */
export async function derive(secret: Uint8Array<ArrayBuffer>, purpose: string, length: number, context: Uint8Array = new Uint8Array(),
	salt: Uint8Array<ArrayBuffer> = new Uint8Array()): Promise<Bytes> {
	const base = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
	const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: concatBytes(utf8(LABEL + purpose), context) }, base, length * 8);
	return new Uint8Array(bits);
}

/** An AES-GCM key (non-extractable) derived for `purpose`. */
export async function deriveAesKey(secret: Uint8Array<ArrayBuffer>, purpose: string, context?: Uint8Array, salt?: Uint8Array<ArrayBuffer>): Promise<Key> {
	const material = await derive(secret, purpose, 16, context, salt);
	return crypto.subtle.importKey('raw', material, 'AES-GCM', false, ['encrypt', 'decrypt']);
}
