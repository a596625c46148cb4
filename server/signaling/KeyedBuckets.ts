/**
 * Token buckets by key (an IP address, a participant id), for limits that
 * outlive one connection. The map stays bounded: a bucket that has refilled
 * is the same as no bucket and is forgotten, and past `maxKeys` the oldest
 * keys go first.
 */
import { TokenBucket } from './TokenBucket.js';

/** Takes between two sweeps of refilled buckets. */
const SWEEP_EVERY = 1000;

export class KeyedBuckets {
	readonly #buckets = new Map<string, { bucket: TokenBucket; usedAt: number }>();
	readonly #capacity: number;
	readonly #perSecond: number;
	readonly #maxKeys: number;
	#takes = 0;

	constructor(capacity: number, perSecond: number, maxKeys = 100_000) {
		this.#capacity = capacity;
		this.#perSecond = perSecond;
		this.#maxKeys = maxKeys;
	}

	/** Takes a token from the key's bucket; returns whether the request may go on. */
	take(key: string, now = Date.now()): boolean {
		// Now and then, buckets that have refilled are dropped, so the map holds only the recently busy.
		if (++this.#takes % SWEEP_EVERY === 0) this.#forgetRefilled(now);
		let entry = this.#buckets.get(key);
		if (entry) this.#buckets.delete(key);
		else {
			if (this.#buckets.size >= this.#maxKeys) this.#forget(now);
			entry = { bucket: new TokenBucket(this.#capacity, this.#perSecond, now), usedAt: now };
		}
		entry.usedAt = now;
		// Re-inserted, so the map's order is least recently used first.
		this.#buckets.set(key, entry);
		return entry.bucket.take(now);
	}

	get size(): number {
		return this.#buckets.size;
	}

	/** Drops buckets that have refilled: the least recently used come first, so the sweep stops at the first still in use. */
	#forgetRefilled(now: number): void {
		const refillMs = (this.#capacity / this.#perSecond) * 1000;
		for (const [key, { usedAt }] of this.#buckets) {
			if (now - usedAt < refillMs) break;
			this.#buckets.delete(key);
		}
	}

	/** Drops buckets that have refilled, then, if still too many, the least recently used. */
	#forget(now: number): void {
		this.#forgetRefilled(now);
		for (const key of this.#buckets.keys()) {
			if (this.#buckets.size < this.#maxKeys) break;
			this.#buckets.delete(key);
		}
	}
}
