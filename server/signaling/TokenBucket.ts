/**
 * A token bucket: `capacity` requests at once, refilled at `perSecond`. Each
 * participant gets one per kind of frequent request (reactions, hands), so
 * one person's flood costs the others nothing.
 */
export class TokenBucket {
	readonly #capacity: number;
	readonly #perSecond: number;
	#tokens: number;
	#updatedAt: number;

	constructor(capacity: number, perSecond: number, now = Date.now()) {
		this.#capacity = capacity;
		this.#perSecond = perSecond;
		this.#tokens = capacity;
		this.#updatedAt = now;
	}

	/** Takes `count` tokens if there are as many; returns whether the request may go on. */
	take(now = Date.now(), count = 1): boolean {
		this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#perSecond);
		this.#updatedAt = now;
		if (this.#tokens < count) return false;
		this.#tokens -= count;
		return true;
	}
}
