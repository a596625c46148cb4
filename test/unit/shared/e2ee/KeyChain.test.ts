import { describe, expect, it } from 'vitest';
import { decryptFrame, encryptFrame } from '../../../../shared/e2ee/frames.js';
import { KeyChain } from '../../../../shared/e2ee/KeyChain.js';
import { SenderKey } from '../../../../shared/e2ee/senderKey.js';

const frame = Uint8Array.of(0x78, 9, 8, 7);

describe('KeyChain', () => {
	it('keeps the last four generations of a sender', async () => {
		const chain = new KeyChain();
		let key = await SenderKey.random();
		for (let i = 0; i < 6; i++) {
			chain.add(key);
			key = await key.ratchet();
		}
		expect(chain.newest()?.generation).toBe(5);
		expect(await chain.candidate(2)).toMatchObject({ generation: 2 });
		expect(await chain.candidate(1)).toBeUndefined();
	});

	it('derives a newer generation forward from the newest held, which opens that sender\'s frames, without keeping it', async () => {
		const start = await SenderKey.random();
		const chain = new KeyChain();
		chain.add(start);
		let ahead = start;
		for (let i = 0; i < 3; i++) ahead = await ahead.ratchet();
		const sealed = await encryptFrame(frame, 'audio', ahead);
		const candidate = await chain.candidate(3);
		expect(await decryptFrame(sealed, 'audio', () => candidate)).toEqual({ ok: true, frame });
		expect(chain.newest()?.generation).toBe(0);
		chain.add(candidate!);
		expect(chain.newest()?.generation).toBe(3);
	});

	it('derives nothing too far ahead, behind, or from a different key (a rotation needs its key message)', async () => {
		const chain = new KeyChain();
		chain.add(await SenderKey.random(5));
		expect(await chain.candidate(5 + 17)).toBeUndefined();
		expect(await chain.candidate(4)).toBeUndefined();
		const rotated = await SenderKey.random(6);
		const candidate = await chain.candidate(6);
		expect((await decryptFrame(await encryptFrame(frame, 'audio', rotated), 'audio', () => candidate)).ok).toBe(false);
		expect(await new KeyChain().candidate(0)).toBeUndefined();
	});
});
