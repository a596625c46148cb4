/**
 * Boxes: what people send each other through the server's relay
 * (`e2ee.send`) and in encrypted chat. AES-GCM with a fresh random 12-byte IV
 * in front; the associated data binds a box to its purpose and people, so a
 * box cannot be replayed as another kind or to someone else.
 */
import { type Bytes, concatBytes, randomBytes, type Key } from './bytes.js';
import { LIMITS } from '../limits.js';
import { E2eeError } from './roomSecret.js';

/** The relay takes at most this many bytes in one box. */
export const MAX_BOX_BYTES = LIMITS.maxBoxBytes;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export async function seal(key: Key, plaintext: Uint8Array<ArrayBuffer>, associatedData: Uint8Array<ArrayBuffer>, maxBytes: number = MAX_BOX_BYTES): Promise<Bytes> {
	if (plaintext.length + IV_BYTES + TAG_BYTES > maxBytes) throw new E2eeError('box-too-large', `a box holds at most ${maxBytes} bytes`);
	const iv = randomBytes(IV_BYTES);
	const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData }, key, plaintext);
	return concatBytes(iv, new Uint8Array(sealed));
}

/** The box's contents, or undefined when it is not authentic under this key and associated data. */
export async function open(key: Key, box: Uint8Array, associatedData: Uint8Array<ArrayBuffer>, maxBytes: number = MAX_BOX_BYTES): Promise<Bytes | undefined> {
	if (box.length < IV_BYTES + TAG_BYTES || box.length > maxBytes) return undefined;
	try {
		const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: box.slice(0, IV_BYTES), additionalData: associatedData }, key, box.slice(IV_BYTES));
		return new Uint8Array(plain);
	} catch {
		return undefined;
	}
}
