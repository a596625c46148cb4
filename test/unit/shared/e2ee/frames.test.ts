import { describe, expect, it } from 'vitest';
import { clearPrefixBytes, decryptFrame, encryptFrame, FRAME_FORMAT, FRAME_OVERHEAD_BYTES, frameGeneration } from '../../../../shared/e2ee/frames.js';
import { SenderKey } from '../../../../shared/e2ee/senderKey.js';

/** A VP8 key frame starts with its key-frame bit clear; a delta frame with it set. */
const vp8KeyFrame = Uint8Array.from({ length: 400 }, (_, i) => (i === 0 ? 0x10 : i & 0xff));
const vp8DeltaFrame = Uint8Array.from({ length: 120 }, (_, i) => (i === 0 ? 0x31 : (i * 7) & 0xff));
const opusFrame = Uint8Array.from({ length: 80 }, (_, i) => (i === 0 ? 0x78 : i));

const only = (key: SenderKey) => (generation: number) => (generation === key.generation ? key : undefined);

describe('frames', () => {
	it('keep in clear what the SFU reads (10 bytes of a VP8 key frame, 3 of a delta, 1 of Opus) and hide the rest', async () => {
		const key = await SenderKey.random(3);
		for (const [frame, kind, clear] of [[vp8KeyFrame, 'video', 10], [vp8DeltaFrame, 'video', 3], [opusFrame, 'audio', 1]] as const) {
			expect(clearPrefixBytes(frame, kind)).toBe(clear);
			const sealed = await encryptFrame(frame, kind, key);
			expect(sealed).toHaveLength(frame.length + FRAME_OVERHEAD_BYTES);
			expect(sealed.subarray(0, clear)).toEqual(frame.subarray(0, clear));
			expect(sealed.subarray(clear, frame.length)).not.toEqual(frame.subarray(clear));
			expect(sealed.at(-1)).toBe(FRAME_FORMAT);
			expect(frameGeneration(sealed)).toBe(3);
			expect(await decryptFrame(sealed, kind, only(key))).toEqual({ ok: true, frame });
		}
	});

	it('pass an empty frame untouched, and encrypt frames shorter than their clear prefix', async () => {
		const key = await SenderKey.random();
		expect(await encryptFrame(new Uint8Array(), 'audio', key)).toHaveLength(0);
		expect(await decryptFrame(new Uint8Array(), 'audio', only(key))).toEqual({ ok: true, frame: new Uint8Array() });
		for (const short of [Uint8Array.of(0x10), Uint8Array.of(0x10, 1, 2, 3, 4), Uint8Array.of(0x31, 9)]) {
			const sealed = await encryptFrame(short, 'video', key);
			expect(await decryptFrame(sealed, 'video', only(key))).toEqual({ ok: true, frame: short });
		}
	});

	it('are dropped when the clear prefix, the ciphertext, the IV or the generation was changed', async () => {
		const key = await SenderKey.random(1);
		const sealed = await encryptFrame(vp8KeyFrame, 'video', key);
		// Byte 5 is in the clear prefix (the picture size), 50 in the ciphertext, length-10 in the IV.
		for (const index of [5, 50, sealed.length - 10]) {
			const tampered = sealed.slice();
			tampered[index]! ^= 0x01;
			expect(await decryptFrame(tampered, 'video', only(key)), `byte ${index}`).toMatchObject({ ok: false, reason: 'not-authentic' });
		}
		// Turning a key frame into a delta frame changes how much is clear: still not authentic.
		const relabelled = sealed.slice();
		relabelled[0]! |= 1;
		expect(await decryptFrame(relabelled, 'video', only(key))).toMatchObject({ ok: false, reason: 'not-authentic' });
		const otherGeneration = sealed.slice();
		otherGeneration[sealed.length - 2]! ^= 0x01;
		expect(await decryptFrame(otherGeneration, 'video', () => key)).toMatchObject({ ok: false, reason: 'not-authentic' });
	});

	it('without the trailer (a clear frame, a cut one) are dropped, never passed on', async () => {
		const key = await SenderKey.random();
		expect(await decryptFrame(opusFrame, 'audio', only(key))).toEqual({ ok: false, reason: 'no-trailer' });
		const sealed = await encryptFrame(opusFrame, 'audio', key);
		expect(await decryptFrame(sealed.subarray(0, sealed.length - 1), 'audio', only(key))).toEqual({ ok: false, reason: 'no-trailer' });
		expect(await decryptFrame(sealed.subarray(sealed.length - 20), 'audio', only(key))).toMatchObject({ ok: false });
		expect(await decryptFrame(Uint8Array.of(FRAME_FORMAT), 'audio', only(key))).toEqual({ ok: false, reason: 'no-trailer' });
	});
});
