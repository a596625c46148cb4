/**
 * Runs the stores' SQLite work in order, and rides out a locked or failing
 * database without blocking the event loop.
 *
 * better-sqlite3 is synchronous: with SQLite's usual busy timeout, a lock
 * held by another process would stall every request and socket for seconds.
 * Here SQLite waits at most BUSY_WAIT_MS; when the database is busy, locked
 * or failing (I/O error, disk full, read-only), the work joins a queue that
 * is retried with backoff, in order, so a read never overtakes a write
 * queued before it. While anything waits, `fault` says why (for /readyz).
 *
 * Two kinds of work:
 * - a request someone waits for (reads, room changes) gives up after
 *   `waitMs` with 503 UNAVAILABLE, below the clients' 10 s request timeout,
 *   and then has changed nothing;
 * - a record (timeline lines, removals, webhook events) is never dropped
 *   while the process lives: it waits as long as it takes. Only a queue
 *   past `maxQueued` refuses new records, loudly.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { Errors } from '../../errors.js';
import type { StoreFault } from '../Stores.js';

/** How long one attempt may wait for SQLite's lock, synchronously. */
export const BUSY_WAIT_MS = 20;
const FIRST_RETRY_MS = 25;
const MAX_RETRY_MS = 250;

/** SQLite result codes that may clear by themselves (extended codes start with these). */
const TRANSIENT = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL'];

export function isTransient(error: unknown): error is Error & { code: string } {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' && TRANSIENT.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
}

export interface ExecutorOptions {
	/** How long a request someone waits for may queue before it fails with UNAVAILABLE. */
	waitMs: number;
	/** Queued work beyond which new records are refused. */
	maxQueued: number;
	logger: Logger;
}

interface Queued {
	work: () => unknown;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
	/** Epoch milliseconds; Infinity for records. */
	deadline: number;
}

export class SqliteExecutor {
	readonly #db: Database.Database;
	readonly #options: ExecutorOptions;
	readonly #queue: Queued[] = [];
	#fault: StoreFault | undefined;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#retryMs = FIRST_RETRY_MS;

	constructor(db: Database.Database, options: ExecutorOptions) {
		this.#db = db;
		this.#options = options;
		db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
	}

	/** Why work is waiting, if it is. */
	get fault(): StoreFault | undefined {
		return this.#fault;
	}

	get queued(): number {
		return this.#queue.length;
	}

	get isOpen(): boolean {
		return this.#db.open;
	}

	/** A request someone waits for: fails with UNAVAILABLE after `waitMs` of faults. */
	request<T>(work: () => T): Promise<T> {
		return this.#run(work, Date.now() + this.#options.waitMs);
	}

	/** A record that must not be lost: retried for as long as it takes. */
	record<T>(work: () => T): Promise<T> {
		if (this.#queue.length >= this.#options.maxQueued) {
			this.#options.logger.error({ queued: this.#queue.length }, 'storage has been failing too long; refusing a record');
			return Promise.reject(Errors.unavailable('storage is unavailable; try again later'));
		}
		return this.#run(work, Infinity);
	}

	#run<T>(work: () => T, deadline: number): Promise<T> {
		if (!this.#db.open) return Promise.reject(Errors.unavailable('storage is closed'));
		if (this.#queue.length === 0) {
			try {
				return Promise.resolve(work());
			} catch (error) {
				if (!isTransient(error)) return Promise.reject(error);
				this.#failed(error);
			}
		}
		return new Promise<T>((resolve, reject) => {
			this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject, deadline });
			this.#schedule();
		});
	}

	#failed(error: Error & { code: string }): void {
		if (!this.#fault) {
			this.#fault = { code: error.code, since: Date.now() };
			this.#options.logger.warn({ code: error.code }, 'storage is busy or failing; queueing its work and retrying');
		} else {
			this.#fault.code = error.code;
		}
	}

	#schedule(): void {
		this.#timer ??= setTimeout(() => {
			this.#timer = undefined;
			this.#drain();
		}, this.#retryMs);
	}

	/** Runs queued work in order until it is done or the database fails again. */
	#drain(): void {
		this.#expire();
		while (this.#queue.length > 0) {
			if (!this.#db.open) return this.#rejectAll(Errors.unavailable('storage is closed'));
			const head = this.#queue[0]!;
			let result: unknown;
			try {
				result = head.work();
			} catch (error) {
				if (isTransient(error)) {
					this.#failed(error);
					this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
					this.#schedule();
					return;
				}
				this.#queue.shift();
				head.reject(error);
				continue;
			}
			this.#queue.shift();
			head.resolve(result);
		}
		if (this.#fault) {
			this.#options.logger.info({ code: this.#fault.code, ms: Date.now() - this.#fault.since }, 'storage works again; its queued work is done');
			this.#fault = undefined;
		}
		this.#retryMs = FIRST_RETRY_MS;
	}

	/** Requests past their deadline fail, wherever they are in the queue. */
	#expire(): void {
		const now = Date.now();
		for (let i = this.#queue.length - 1; i >= 0; i--) {
			const entry = this.#queue[i]!;
			if (entry.deadline > now) continue;
			this.#queue.splice(i, 1);
			this.#options.logger.error({ code: this.#fault?.code }, 'storage stayed unavailable; a request failed with UNAVAILABLE');
			entry.reject(Errors.unavailable('storage is unavailable; try again in a moment'));
		}
	}

	#rejectAll(error: Error): void {
		const lost = this.#queue.splice(0);
		if (lost.length > 0) this.#options.logger.error({ count: lost.length }, 'storage closed with work still queued');
		for (const entry of lost) entry.reject(error);
	}

	/** Fails what is still queued, loudly, and closes the database. Idempotent. */
	close(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#rejectAll(Errors.unavailable('storage is closed'));
		if (this.#db.open) this.#db.close();
	}
}
