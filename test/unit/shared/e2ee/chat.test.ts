import { describe, expect, it } from 'vitest';
import { openChat, openPrivateChat, sealChat, sealPrivateChat } from '../../../../shared/e2ee/chat.js';
import { SenderKey } from '../../../../shared/e2ee/senderKey.js';

const aesKey = () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);

describe('encrypted chat', () => {
	it('opens a message to everyone with the sender\'s key of its generation, as that sender only', async () => {
		const key = await SenderKey.random(2);
		const keyOf = (generation: number) => (generation === 2 ? key : undefined);
		const box = await sealChat('héllo 👋 https://example.com', 'ana', key);
		expect(box).not.toContain('llo');
		expect(await openChat(box, 'ana', keyOf)).toBe('héllo 👋 https://example.com');
		// The server relabelling it as Bo's, or the reader lacking that generation: not opened.
		expect(await openChat(box, 'bo', keyOf)).toBeUndefined();
		expect(await openChat(box, 'ana', () => undefined)).toBeUndefined();
		expect(await openChat(await sealChat('later', 'ana', await key.ratchet()), 'ana', keyOf)).toBeUndefined();
		expect(await openChat('!!', 'ana', keyOf)).toBeUndefined();
	});

	it('opens a private message with the pairwise key, and not as a message to everyone or to someone else', async () => {
		const pairwise = await aesKey();
		const box = await sealPrivateChat('just you', 'ana', 'bo', pairwise);
		expect(await openPrivateChat(box, 'ana', 'bo', pairwise)).toBe('just you');
		expect(await openPrivateChat(box, 'ana', 'cy', pairwise)).toBeUndefined();
		expect(await openPrivateChat(box, 'ana', 'bo', await aesKey())).toBeUndefined();
	});
});
