/**
 * One encoded media frame, encrypted in the browser's transform worker before
 * the packetizer and decrypted after the depacketizer. The SFU still reads
 * what it needs, left in clear and authenticated: a VP8 key frame's first 10
 * bytes (the key-frame bit and the picture size), a delta frame's first 3,
 * an Opus frame's first byte (its TOC). The VP8 payload descriptor (picture
 * id, temporal layer) is the packetizer's, outside the frame, so simulcast
 * and layer switching work unchanged.
 *
 *   [clear prefix][ciphertext + 16-byte tag][12-byte IV][generation, 4 bytes][format]
 *
 * Empty frames pass untouched (Firefox hands the receiver some).
 */
import { type Bytes, concatBytes, randomBytes, readUint32, uint32 } from './bytes.js';
import type { SenderKey } from './senderKey.js';

export type FrameKind = 'audio' | 'video';

/** The last byte of an encrypted frame: this format. */
export const FRAME_FORMAT = 0xe1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const TRAILER_BYTES = IV_BYTES + 4 + 1;
/** What encryption adds to a frame. */
export const FRAME_OVERHEAD_BYTES = TAG_BYTES + TRAILER_BYTES;

/** How many of a frame's first bytes stay clear: VP8's key-frame bit is the lowest of the first byte, 0 for a key frame. */
export function clearPrefixBytes(frame: Uint8Array, kind: FrameKind): number {
	if (kind === 'audio') return Math.min(1, frame.length);
	return Math.min((frame[0]! & 1) === 0 ? 10 : 3, frame.length);
}

export async function encryptFrame(frame: Uint8Array, kind: FrameKind, key: SenderKey): Promise<Bytes> {
	if (frame.length === 0) return new Uint8Array(0);
	const clear = frame.slice(0, clearPrefixBytes(frame, kind));
	const iv = randomBytes(IV_BYTES);
	const tail = concatBytes(uint32(key.generation), Uint8Array.of(FRAME_FORMAT));
	const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: concatBytes(clear, tail) }, key.frameKey, frame.slice(clear.length));
	return concatBytes(clear, new Uint8Array(sealed), iv, tail);
}

/** Why a frame was dropped: counted, never passed on (a decoder fed ciphertext makes noise). */
export type FrameDropReason = 'no-trailer' | 'unknown-generation' | 'not-authentic';

export type OpenedFrame = { ok: true; frame: Bytes } | { ok: false; reason: FrameDropReason; generation?: number };

/** The generation an encrypted frame names, or undefined when it has no trailer of this format. */
export function frameGeneration(frame: Uint8Array): number | undefined {
	if (frame.length < FRAME_OVERHEAD_BYTES || frame[frame.length - 1] !== FRAME_FORMAT) return undefined;
	return readUint32(frame, frame.length - 5);
}

/** The clear frame, with the sender's key of the generation the frame names (`keyOf`), or why it was dropped. */
export async function decryptFrame(frame: Uint8Array, kind: FrameKind, keyOf: (generation: number) => SenderKey | undefined): Promise<OpenedFrame> {
	if (frame.length === 0) return { ok: true, frame: new Uint8Array(0) };
	const generation = frameGeneration(frame);
	if (generation === undefined) return { ok: false, reason: 'no-trailer' };
	const key = keyOf(generation);
	if (!key) return { ok: false, reason: 'unknown-generation', generation };
	const body = frame.subarray(0, frame.length - TRAILER_BYTES);
	const clearLength = Math.min(clearPrefixBytes(body, kind), body.length - TAG_BYTES);
	const clear = body.slice(0, clearLength);
	const iv = frame.slice(body.length, body.length + IV_BYTES);
	const tail = frame.slice(frame.length - 5);
	try {
		const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: concatBytes(clear, tail) }, key.frameKey, body.slice(clearLength));
		return { ok: true, frame: concatBytes(clear, new Uint8Array(plain)) };
	} catch {
		return { ok: false, reason: 'not-authentic', generation };
	}
}
