import { describe, expect, it } from 'vitest';
import { KeyedBuckets } from '../../../server/signaling/KeyedBuckets.js';

describe('KeyedBuckets', () => {
	it('gives each key its own burst and refill', () => {
		const buckets = new KeyedBuckets(2, 1);
		expect([buckets.take('a', 0), buckets.take('a', 0), buckets.take('a', 0)]).toEqual([true, true, false]);
		expect(buckets.take('b', 0)).toBe(true);
		expect(buckets.take('a', 1000)).toBe(true);
		expect(buckets.take('a', 1000)).toBe(false);
	});

	it('stays bounded: refilled buckets are forgotten first, then the least recently used', () => {
		const buckets = new KeyedBuckets(1, 1, 3);
		buckets.take('old', 0);
		buckets.take('busy', 5000);
		buckets.take('newer', 5000);
		// 'old' has refilled by now and goes; the others stay.
		buckets.take('x', 5000);
		expect(buckets.size).toBe(3);
		expect(buckets.take('busy', 5000)).toBe(false);
		// No bucket has refilled at 5000: the least recently used ('newer') goes, so its next take starts full.
		buckets.take('y', 5000);
		expect(buckets.size).toBe(3);
		expect(buckets.take('newer', 5000)).toBe(true);
	});
});
