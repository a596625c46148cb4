/**
 * Keeps one person's join/leave churn from growing the timeline and the
 * webhook outbox without bound. A leave is recorded only once the person has
 * stayed away for the window; if they come back within it, neither the
 * leave nor the return is recorded, as though they never left. However fast
 * someone leaves and rejoins, that costs at most one joined and one left
 * record per window.
 */
export class ChurnCoalescer {
	readonly #windowMs: number;
	readonly #pending = new Map<string, { timer: ReturnType<typeof setTimeout>; record: () => void }>();

	constructor(windowMs: number) {
		this.#windowMs = windowMs;
	}

	/** Runs `record` (the leave's writes) once the window passes without `cancel(key)`. */
	defer(key: string, record: () => void): void {
		this.#run(key);
		if (this.#windowMs === 0) return record();
		const timer = setTimeout(() => this.#run(key), this.#windowMs);
		this.#pending.set(key, { timer, record });
	}

	/** The person is back: drops their pending leave; returns whether there was one (then the return is not recorded either). */
	cancel(key: string): boolean {
		const pending = this.#pending.get(key);
		if (!pending) return false;
		clearTimeout(pending.timer);
		this.#pending.delete(key);
		return true;
	}

	/** Records every pending leave now (a stop). */
	flush(): void {
		for (const key of [...this.#pending.keys()]) this.#run(key);
	}

	get pending(): number {
		return this.#pending.size;
	}

	#run(key: string): void {
		const pending = this.#pending.get(key);
		if (!pending) return;
		clearTimeout(pending.timer);
		this.#pending.delete(key);
		pending.record();
	}
}
