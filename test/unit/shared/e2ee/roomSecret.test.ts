import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../../../shared/e2ee/bytes.js';
import { E2eeError, newRoomSecret, parseRoomSecret } from '../../../../shared/e2ee/roomSecret.js';

describe('room secret', () => {
	it('is 16 fresh random bytes as 22 characters of base64url, different each time', () => {
		const secrets = Array.from({ length: 100 }, newRoomSecret);
		for (const secret of secrets) {
			expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
			expect(parseRoomSecret(secret)).toHaveLength(16);
		}
		expect(new Set(secrets).size).toBe(100);
	});

	it('refuses a k that is short, long, padded, not base64url or not canonical', () => {
		const good = newRoomSecret();
		const lastBitsSet = good.slice(0, 21) + 'B'; // 22 characters carry 132 bits: the last 4 must be zero
		for (const bad of ['', good.slice(0, 21), `${good}A`, `${good}==`, `${good.slice(0, 21)}+`, 'k'.repeat(22).replace('k', '/'), lastBitsSet]) {
			expect(() => parseRoomSecret(bad), bad).toThrow(E2eeError);
		}
		expect(() => parseRoomSecret(toBase64Url(new Uint8Array(32)))).toThrow(/16 bytes/);
	});

	it('round-trips bytes through base64url, and reads no other text as bytes', () => {
		const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
		expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
		expect(fromBase64Url('a')).toBeUndefined();
		expect(fromBase64Url('ab c')).toBeUndefined();
	});
});
