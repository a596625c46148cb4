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
import { PendingWork } from '../PendingWork.js';
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

export class SqliteExecutor {
	readonly #db: Database.Database;
	readonly #options: ExecutorOptions;
	readonly #pending: PendingWork<() => unknown>;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#retryMs = FIRST_RETRY_MS;

	constructor(db: Database.Database, options: ExecutorOptions) {
		this.#db = db;
		this.#options = options;
		this.#pending = new PendingWork(options);
		db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
	}

	/** Why work is waiting, if it is. */
	get fault(): StoreFault | undefined {
		return this.#pending.fault;
	}

	get queued(): number {
		return this.#pending.length;
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
		if (!this.#pending.admitsRecord()) return Promise.reject(Errors.unavailable('storage is unavailable; try again later'));
		return this.#run(work, Infinity);
	}

	#run<T>(work: () => T, deadline: number): Promise<T> {
		if (!this.#db.open) return Promise.reject(Errors.unavailable('storage is closed'));
		if (this.#pending.length === 0) {
			try {
				return Promise.resolve(work());
			} catch (error) {
				if (!isTransient(error)) return Promise.reject(error);
				this.#pending.failed(error.code);
			}
		}
		const queued = this.#pending.push<T>(work, deadline);
		this.#schedule();
		return queued;
	}

	#schedule(): void {
		this.#timer ??= setTimeout(() => {
			this.#timer = undefined;
			this.#drain();
		}, this.#retryMs);
	}

	/** Runs queued work in order until it is done or the database fails again. */
	#drain(): void {
		this.#pending.expire();
		const { items } = this.#pending;
		while (items.length > 0) {
			if (!this.#db.open) return this.#pending.rejectAll(Errors.unavailable('storage is closed'));
			const head = items[0]!;
			let result: unknown;
			try {
				result = head.work();
			} catch (error) {
				if (isTransient(error)) {
					this.#pending.failed(error.code);
					this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
					this.#schedule();
					return;
				}
				items.shift();
				head.reject(error);
				continue;
			}
			items.shift();
			head.resolve(result);
		}
		this.#pending.recovered();
		this.#retryMs = FIRST_RETRY_MS;
	}

	/** Fails what is still queued, loudly, and closes the database. Idempotent. */
	close(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#pending.rejectAll(Errors.unavailable('storage is closed'));
		if (this.#db.open) this.#db.close();
	}
}
