/**
 * A person's identity for one visit: an ECDH P-256 key pair whose private half
 * cannot leave the browser (non-extractable). `room.join` carries the public
 * key and a proof, an HMAC under the room secret's proof key over the public
 * key and the participant id: only link holders can make one, and it binds
 * the key to that seat, so the server cannot slip in a key of its own.
 */
import { type Bytes, concatBytes, fromBase64Url, toBase64Url, utf8, type Key } from './bytes.js';
import { deriveAesKey } from './hkdf.js';

const CURVE = { name: 'ECDH', namedCurve: 'P-256' } as const;
/** An uncompressed P-256 point: 0x04, then x and y. */
export const PUBLIC_KEY_BYTES = 65;

export interface Identity {
	readonly privateKey: Key;
	/** The raw public key, as sent in `room.join`. */
	readonly publicKey: Bytes;
}

export async function newIdentity(): Promise<Identity> {
	const pair = await crypto.subtle.generateKey(CURVE, false, ['deriveBits']);
	return { privateKey: pair.privateKey, publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)) };
}

function proven(publicKey: Uint8Array, participantId: string): Bytes {
	return concatBytes(publicKey, utf8(participantId));
}

/** The proof for `room.join` (base64url). */
export async function identityProof(proofKey: Key, publicKey: Uint8Array, participantId: string): Promise<string> {
	return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', proofKey, proven(publicKey, participantId))));
}

/** Whether someone's public key and proof were made by a link holder for that seat (a constant-time check). */
export async function verifyIdentity(proofKey: Key, publicKey: Uint8Array, participantId: string, proof: string): Promise<boolean> {
	const signature = fromBase64Url(proof);
	if (!signature || publicKey.length !== PUBLIC_KEY_BYTES) return false;
	return crypto.subtle.verify('HMAC', proofKey, signature, proven(publicKey, participantId));
}

/**
 * The AES-GCM key two people share, the same from either side: ECDH of one's
 * private key and the other's public key, through HKDF salted with the room
 * secret and bound to both participant ids. Boxes between the two use it.
 */
export async function pairwiseKey(own: Identity, ownId: string, theirPublicKey: Uint8Array<ArrayBuffer>, theirId: string, roomSecret: Bytes): Promise<Key> {
	const theirs = await crypto.subtle.importKey('raw', theirPublicKey, CURVE, false, []);
	const shared = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: theirs }, own.privateKey, 256));
	const ids = [ownId, theirId].sort();
	return deriveAesKey(shared, 'pairwise', utf8(`${ids[0]}\n${ids[1]}`), roomSecret);
}
