/**
 * The queue both store executors (SQLite and PostgreSQL) keep while their
 * database is locked, failing or away: work in the order it was asked for,
 * each piece with its deadline (a request someone waits for) or none (a
 * record that must not be lost), and the fault that holds it up, for
 * /readyz. The executors differ only in how they attempt the work.
 */
import type { Logger } from 'pino';
import { Errors } from '../errors.js';
import type { StoreFault } from './Stores.js';

export interface Queued<Work> {
	work: Work;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
	/** Epoch milliseconds; Infinity for records. */
	deadline: number;
}

export class PendingWork<Work> {
	readonly items: Queued<Work>[] = [];
	readonly #logger: Logger;
	readonly #maxQueued: number;
	#fault: StoreFault | undefined;

	constructor(options: { logger: Logger; maxQueued: number }) {
		this.#logger = options.logger;
		this.#maxQueued = options.maxQueued;
	}

	get fault(): StoreFault | undefined {
		return this.#fault;
	}

	get length(): number {
		return this.items.length;
	}

	/** Queues work; the promise settles when the executor resolves or rejects it. */
	push<T>(work: Work, deadline: number): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.items.push({ work, resolve: resolve as (value: unknown) => void, reject, deadline });
		});
	}

	/** Whether a new record may wait: past `maxQueued`, the store has failed too long, and it is refused loudly. */
	admitsRecord(): boolean {
		if (this.items.length < this.#maxQueued) return true;
		this.#logger.error({ queued: this.items.length }, 'storage has been failing too long; refusing a record');
		return false;
	}

	/** Requests past their deadline fail with UNAVAILABLE, wherever they are in the queue. */
	expire(now = Date.now()): void {
		for (let i = this.items.length - 1; i >= 0; i--) {
			const entry = this.items[i]!;
			if (entry.deadline > now) continue;
			this.items.splice(i, 1);
			this.#logger.error({ code: this.#fault?.code }, 'storage stayed unavailable; a request failed with UNAVAILABLE');
			entry.reject(Errors.unavailable('storage is unavailable; try again in a moment'));
		}
	}

	/** An attempt failed with `code`: the fault begins, or goes on with the latest code. */
	failed(code: string): void {
		if (!this.#fault) {
			this.#fault = { code, since: Date.now() };
			this.#logger.warn({ code }, 'storage is busy, failing or unreachable; queueing its work and retrying');
		} else {
			this.#fault.code = code;
		}
	}

	/** Everything queued is done: the fault, if there was one, is over. */
	recovered(): void {
		if (!this.#fault || this.items.length > 0) return;
		this.#logger.info({ code: this.#fault.code, ms: Date.now() - this.#fault.since }, 'storage works again; its queued work is done');
		this.#fault = undefined;
	}

	/** Fails everything still queued, loudly. */
	rejectAll(error: Error): void {
		const lost = this.items.splice(0);
		if (lost.length > 0) this.#logger.error({ count: lost.length }, 'storage closed with work still queued');
		for (const entry of lost) entry.reject(error);
	}
}
