import { describe, expect, it } from 'vitest';
import { MAX_BOX_BYTES, open, seal } from '../../../../shared/e2ee/boxes.js';
import { utf8 } from '../../../../shared/e2ee/bytes.js';
import { E2eeError } from '../../../../shared/e2ee/roomSecret.js';

const key = () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);

describe('boxes', () => {
	it('open under the same key and associated data only, and a fresh IV makes each box different', async () => {
		const k = await key();
		const first = await seal(k, utf8('key message'), utf8('to bo'));
		const second = await seal(k, utf8('key message'), utf8('to bo'));
		expect(first).not.toEqual(second);
		expect(new TextDecoder().decode(await open(k, first, utf8('to bo')))).toBe('key message');
		expect(await open(k, first, utf8('to cy'))).toBeUndefined();
		expect(await open(await key(), first, utf8('to bo'))).toBeUndefined();
		const tampered = first.slice();
		tampered[20]! ^= 1;
		expect(await open(k, tampered, utf8('to bo'))).toBeUndefined();
		expect(await open(k, first.slice(0, 27), utf8('to bo'))).toBeUndefined();
	});

	it('hold at most 1 kB: a bigger one is refused when sealed, and not opened', async () => {
		const k = await key();
		const largest = await seal(k, new Uint8Array(MAX_BOX_BYTES - 28), new Uint8Array());
		expect(largest).toHaveLength(MAX_BOX_BYTES);
		await expect(seal(k, new Uint8Array(MAX_BOX_BYTES - 27), new Uint8Array())).rejects.toThrow(E2eeError);
		expect(await open(k, new Uint8Array(MAX_BOX_BYTES + 1), new Uint8Array())).toBeUndefined();
	});
});
