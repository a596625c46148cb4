import { describe, expect, it } from 'vitest';
import { SrtpParameters } from '../../../shared/schemas.js';
import { newSrtpParameters } from '../../../shared/srtp.js';

describe('newSrtpParameters', () => {
	it('makes a fresh 30-byte master key and salt each time, in the shape the protocol validates', () => {
		const keys = Array.from({ length: 50 }, newSrtpParameters);
		for (const key of keys) {
			expect(SrtpParameters.safeParse(key).success).toBe(true);
			expect(Buffer.from(key.keyBase64, 'base64')).toHaveLength(30);
		}
		expect(new Set(keys.map(({ keyBase64 }) => keyBase64)).size).toBe(50);
	});
});
