import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../server/signaling/TokenBucket.js';

describe('TokenBucket', () => {
	it('allows a burst, then refills at its rate and never beyond its capacity', () => {
		const bucket = new TokenBucket(3, 2, 0);
		expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
		expect(bucket.take(400)).toBe(false);
		expect(bucket.take(500)).toBe(true);
		expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([true, true, true, false]);
	});
});
