/**
 * Runs the stores' PostgreSQL work in order, one piece at a time, and rides
 * out a server that is down, restarting or refusing connections: the same
 * contract as SqliteExecutor, so the services cannot tell the stores apart.
 *
 * - A request someone waits for gives up after `waitMs` with 503
 *   UNAVAILABLE (below the clients' 10 s request timeout), having changed
 *   nothing: each piece of work is one statement or one transaction.
 * - A record (timeline lines, removals, webhook events) waits as long as it
 *   takes; only a queue past `maxQueued` refuses new records, loudly.
 * - One at a time, in the order asked: a read never overtakes a write asked
 *   for before it, and a room's records keep their order.
 *
 * While anything waits, `fault` gives the last error's code (a SQLSTATE such
 * as 57P01, or ECONNREFUSED) for /readyz.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { Errors } from '../../errors.js';
import { PendingWork } from '../PendingWork.js';
import type { StoreFault } from '../Stores.js';

const FIRST_RETRY_MS = 25;
const MAX_RETRY_MS = 500;

/** Errors of the connection or the server's state, which clear by themselves: the work is tried again. */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01)/;
const TRANSIENT_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** pg's own errors for a connection that went away or never came, which carry no code. */
const TRANSIENT_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/;

/** The code /readyz shows for a failure: SQLSTATE, the socket's code, or what pg says. */
export function faultCode(error: unknown): string {
	const code = (error as { code?: unknown } | null)?.code;
	if (typeof code === 'string') return code;
	return TRANSIENT_MESSAGE.test(String((error as Error | null)?.message)) ? 'CONNECTION_LOST' : 'UNKNOWN';
}

export function isTransient(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	if (typeof code === 'string') return TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE.has(code);
	return TRANSIENT_MESSAGE.test(String((error as Error | null)?.message));
}

export interface PgExecutorOptions {
	waitMs: number;
	maxQueued: number;
	logger: Logger;
}

/** One piece of work: a statement or a transaction (see `transaction`), on the executor's connection. */
export type PgWork<T> = (db: pg.ClientBase) => Promise<T>;

export class PgExecutor {
	readonly #pool: pg.Pool;
	readonly #options: PgExecutorOptions;
	readonly #pending: PendingWork<PgWork<unknown>>;
	#running = false;
	#closed = false;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#retryMs = FIRST_RETRY_MS;

	constructor(pool: pg.Pool, options: PgExecutorOptions) {
		this.#pool = pool;
		this.#options = options;
		this.#pending = new PendingWork(options);
		// An idle connection dropped by a restarting server is an event, not a crash: the next work reconnects.
		pool.on('error', (error) => options.logger.warn({ code: faultCode(error) }, 'an idle PostgreSQL connection failed'));
	}

	get fault(): StoreFault | undefined {
		return this.#pending.fault;
	}

	get queued(): number {
		return this.#pending.length;
	}

	get isOpen(): boolean {
		return !this.#closed;
	}

	/** A request someone waits for: fails with UNAVAILABLE after `waitMs` of faults. */
	request<T>(work: PgWork<T>): Promise<T> {
		return this.#enqueue(work, Date.now() + this.#options.waitMs);
	}

	/** A record that must not be lost: retried for as long as it takes. */
	record<T>(work: PgWork<T>): Promise<T> {
		if (!this.#pending.admitsRecord()) return Promise.reject(Errors.unavailable('storage is unavailable; try again later'));
		return this.#enqueue(work, Infinity);
	}

	#enqueue<T>(work: PgWork<T>, deadline: number): Promise<T> {
		if (this.#closed) return Promise.reject(Errors.unavailable('storage is closed'));
		const queued = this.#pending.push<T>(work, deadline);
		if (!this.#timer) void this.#drain();
		return queued;
	}

	/** Runs queued work in order until it is done or the server fails again; then retries after a backoff. */
	async #drain(): Promise<void> {
		if (this.#running) return;
		this.#running = true;
		const { items } = this.#pending;
		try {
			for (;;) {
				// The head is never expired while it runs: only between attempts.
				this.#pending.expire();
				const head = items[0];
				if (!head || this.#closed) break;
				const outcome = await this.#attempt(head.work);
				if (this.#closed) break;
				if (outcome.ok) {
					items.shift();
					head.resolve(outcome.value);
					this.#retryMs = FIRST_RETRY_MS;
					this.#pending.recovered();
				} else if (isTransient(outcome.error)) {
					this.#pending.failed(faultCode(outcome.error));
					this.#timer = setTimeout(() => {
						this.#timer = undefined;
						void this.#drain();
					}, this.#retryMs);
					this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
					break;
				} else {
					items.shift();
					head.reject(outcome.error);
				}
			}
		} finally {
			this.#running = false;
		}
	}

	async #attempt(work: PgWork<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
		let client: pg.PoolClient | undefined;
		// A server going away between two statements tells the client by an 'error' event: unheard, it would crash the process.
		let broken: unknown;
		const onError = (error: unknown) => {
			broken = error;
		};
		try {
			client = await this.#pool.connect();
			client.on('error', onError);
			const value = await work(client);
			return { ok: true, value };
		} catch (error) {
			if (isTransient(error)) broken ??= error;
			return { ok: false, error };
		} finally {
			client?.off('error', onError);
			// A connection that failed is not given back to the pool.
			client?.release(broken !== undefined ? (broken as Error) : undefined);
		}
	}

	/** Fails what is still queued, loudly, and closes the pool. Idempotent. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#pending.rejectAll(Errors.unavailable('storage is closed'));
		await this.#pool.end().catch(() => undefined);
	}
}

/** Work in one transaction: committed whole, or rolled back and the error passed on. */
export function transaction<T>(work: PgWork<T>): PgWork<T> {
	return async (db) => {
		await db.query('BEGIN');
		try {
			const value = await work(db);
			await db.query('COMMIT');
			return value;
		} catch (error) {
			await db.query('ROLLBACK').catch(() => undefined);
			throw error;
		}
	};
}
