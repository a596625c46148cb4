/**
 * Byte strings for the end-to-end encryption code: base64url without padding
 * (the room secret in the link, proofs and boxes on the wire), joining, and
 * the big-endian 32-bit generation numbers in frames and key messages.
 * WebCrypto takes `Uint8Array<ArrayBuffer>`: every function here makes one.
 */
export type Bytes = Uint8Array<ArrayBuffer>;
/** WebCrypto's key, named so under both the DOM's types and Node's. */
export type Key = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of a base64url text, or undefined when it is not one (other characters, or an impossible length). */
export function fromBase64Url(text: string): Bytes | undefined {
	if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
	const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
	return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export function concatBytes(...parts: Uint8Array[]): Bytes {
	const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
	let offset = 0;
	for (const part of parts) {
		joined.set(part, offset);
		offset += part.length;
	}
	return joined;
}

export function utf8(text: string): Bytes {
	return new Uint8Array(new TextEncoder().encode(text));
}

export function uint32(value: number): Bytes {
	const bytes = new Uint8Array(4);
	new DataView(bytes.buffer).setUint32(0, value);
	return bytes;
}

export function readUint32(bytes: Uint8Array, offset: number): number {
	return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
}

export function randomBytes(length: number): Bytes {
	return crypto.getRandomValues(new Uint8Array(length));
}
