import { describe, expect, it } from 'vitest';
import { encryptFrame, decryptFrame } from '../../../../shared/e2ee/frames.js';
import { E2eeError } from '../../../../shared/e2ee/roomSecret.js';
import { SenderKey } from '../../../../shared/e2ee/senderKey.js';

const audio = Uint8Array.of(0x78, 1, 2, 3, 4, 5, 6, 7);
const opens = async (sealed: Uint8Array, key: SenderKey) => (await decryptFrame(sealed, 'audio', (generation) => (generation === key.generation ? key : undefined))).ok;

describe('sender keys', () => {
	it('ratchet one way to the same next key everywhere, one generation up', async () => {
		const key = await SenderKey.random();
		const copy = await SenderKey.fromMessage(key.toMessage());
		const [next, copyNext] = await Promise.all([key.ratchet(), copy.ratchet()]);
		expect(next.generation).toBe(1);
		expect(next.toMessage()).toEqual(copyNext.toMessage());
		expect(next.toMessage().subarray(5)).not.toEqual(key.toMessage().subarray(5));
		expect(await opens(await encryptFrame(audio, 'audio', next), copyNext)).toBe(true);
	});

	it('an old key opens no newer generation, and a newer key none of the older: a newcomer cannot open what was recorded', async () => {
		const old = await SenderKey.random(4);
		const next = await old.ratchet();
		const sealedNow = await encryptFrame(audio, 'audio', next);
		const sealedBefore = await encryptFrame(audio, 'audio', old);
		// Held only the old key: the new generation is unknown.
		expect(await decryptFrame(sealedNow, 'audio', (g) => (g === 4 ? old : undefined))).toEqual({ ok: false, reason: 'unknown-generation', generation: 5 });
		// Offered the wrong key for a generation anyway: not authentic, either way round.
		expect(await decryptFrame(sealedNow, 'audio', () => old)).toMatchObject({ ok: false, reason: 'not-authentic' });
		expect(await decryptFrame(sealedBefore, 'audio', () => next)).toMatchObject({ ok: false, reason: 'not-authentic' });
	});

	it('after a removal, a fresh random key of the next generation shares nothing with the ratchet', async () => {
		const key = await SenderKey.random(2);
		const rotated = await SenderKey.random(3);
		expect(await opens(await encryptFrame(audio, 'audio', rotated), await key.ratchet())).toBe(false);
	});

	it('travel as 21-byte messages, and anything else is refused', async () => {
		const key = await SenderKey.random(7);
		const message = key.toMessage();
		expect(message).toHaveLength(21);
		expect((await SenderKey.fromMessage(message)).generation).toBe(7);
		const wrongFormat = message.slice();
		wrongFormat[0] = 9;
		for (const bad of [message.slice(0, 20), Uint8Array.of(...message, 0), wrongFormat, new Uint8Array()]) {
			await expect(SenderKey.fromMessage(bad)).rejects.toThrow(E2eeError);
		}
		await expect(SenderKey.fromMaterial(-1, new Uint8Array(16))).rejects.toThrow(E2eeError);
		await expect(SenderKey.fromMaterial(2 ** 32, new Uint8Array(16))).rejects.toThrow(E2eeError);
	});
});
