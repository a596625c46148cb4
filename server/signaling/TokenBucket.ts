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

	/** Takes a token if there is one; returns whether the request may go on. */
	take(now = Date.now()): boolean {
		this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#perSecond);
		this.#updatedAt = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}
}
