/**
 * Delivers webhooks to the apps that own rooms, from an outbox in SQLite.
 *
 * - Never on the call path: `enqueue` is one synchronous insert; delivery
 *   happens later, so a slow or dead endpoint cannot slow a join.
 * - At least once: an event stays pending until its endpoint answers 2xx,
 *   across restarts, retried with exponential backoff up to `maxAttempts`.
 * - In order per room: only the oldest pending event of a room is in
 *   flight; the next waits until it is delivered or has failed for good.
 */
import type Database from 'better-sqlite3';
import { nanoid } from 'nanoid';
import type { AppRegistry } from '../apps/AppRegistry.js';
import type { Logger } from '../logger.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './signature.js';

export interface WebhookOptions {
	/** How long one attempt may take. Default 10 s. */
	timeoutMs: number;
	/** Delay before the first retry; doubled for each further one, up to 10 minutes. Default 2 s. */
	retryBaseMs: number;
	/** Attempts before an event is marked failed. Default 12 (about two hours of retrying). */
	maxAttempts: number;
	/** Deliveries in flight at once, across rooms. Default 16. */
	concurrency: number;
}

export interface DeliveryAttempt {
	at: string;
	/** The HTTP status, when the endpoint answered. */
	status?: number;
	/** Why the attempt failed without an answer (timeout, refused...). */
	error?: string;
	durationMs: number;
}

export interface DeliveryView {
	id: string;
	event: string;
	roomId: string;
	status: 'pending' | 'delivered' | 'failed';
	attempts: DeliveryAttempt[];
	/** When the next attempt is due, while pending. */
	nextAttemptAt: string | null;
	createdAt: string;
}

interface DeliveryRow {
	seq: number;
	id: string;
	app_id: string;
	room_id: string;
	event: string;
	body: string;
	status: DeliveryView['status'];
	attempts: string;
	next_attempt_at: number;
	created_at: string;
}

const MAX_RETRY_DELAY_MS = 10 * 60_000;

function toView(row: DeliveryRow): DeliveryView {
	return {
		id: row.id,
		event: row.event,
		roomId: row.room_id,
		status: row.status,
		attempts: JSON.parse(row.attempts),
		nextAttemptAt: row.status === 'pending' ? new Date(row.next_attempt_at).toISOString() : null,
		createdAt: row.created_at,
	};
}

export class WebhookDispatcher {
	readonly #db: Database.Database;
	readonly #apps: AppRegistry;
	readonly #options: WebhookOptions;
	readonly #logger: Logger;
	/** Rooms (`app/room`) with a delivery in flight. */
	readonly #inFlight = new Set<string>();
	readonly #abort = new AbortController();
	#timer: NodeJS.Timeout | undefined;
	#timerDue = Infinity;
	#closed = false;

	constructor(db: Database.Database, apps: AppRegistry, options: WebhookOptions, logger: Logger) {
		this.#db = db;
		this.#apps = apps;
		this.#options = options;
		this.#logger = logger.child({ component: 'webhooks' });
	}

	/** Resumes deliveries left pending by a previous run. */
	start(): void {
		this.#pump();
	}

	/** Queues `payload` for the app's endpoint. Does nothing for apps without one. Never throws into the caller. */
	enqueue(appId: string, roomId: string, event: string, payload: Record<string, unknown>): void {
		if (this.#closed || !this.#apps.get(appId)?.webhookUrl) return;
		const id = `whd_${nanoid()}`;
		const createdAt = new Date().toISOString();
		const body = JSON.stringify({ id, type: event, createdAt, ...payload });
		try {
			this.#db.prepare(`INSERT INTO webhook_deliveries (id, app_id, room_id, event, body, status, next_attempt_at, created_at)
				VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`).run(id, appId, roomId, event, body, Date.now(), createdAt);
		} catch (error) {
			this.#logger.error({ err: error, event, roomId }, 'could not queue webhook');
			return;
		}
		setImmediate(() => this.#pump());
	}

	/** Recent deliveries to an app, newest first, optionally for one room. */
	list(appId: string, roomId: string | undefined, limit: number): DeliveryView[] {
		const rows = roomId
			? this.#db.prepare<[string, string, number], DeliveryRow>(
				'SELECT * FROM webhook_deliveries WHERE app_id = ? AND room_id = ? ORDER BY seq DESC LIMIT ?').all(appId, roomId, limit)
			: this.#db.prepare<[string, number], DeliveryRow>(
				'SELECT * FROM webhook_deliveries WHERE app_id = ? ORDER BY seq DESC LIMIT ?').all(appId, limit);
		return rows.map(toView);
	}

	/** Starts what is due, and sets a timer for the next retry. */
	#pump(): void {
		if (this.#closed) return;
		// The oldest pending delivery of each room: only it may go out.
		const heads = this.#db.prepare<[], DeliveryRow>(`SELECT * FROM webhook_deliveries d WHERE status = 'pending' AND seq = (
			SELECT MIN(seq) FROM webhook_deliveries WHERE status = 'pending' AND app_id = d.app_id AND room_id = d.room_id)
			ORDER BY next_attempt_at`).all();
		const now = Date.now();
		let nextDue = Infinity;
		for (const row of heads) {
			const key = `${row.app_id}/${row.room_id}`;
			if (this.#inFlight.has(key)) continue;
			if (row.next_attempt_at > now) {
				nextDue = Math.min(nextDue, row.next_attempt_at);
				continue;
			}
			if (this.#inFlight.size >= this.#options.concurrency) break;
			this.#inFlight.add(key);
			void this.#deliver(row).finally(() => {
				this.#inFlight.delete(key);
				this.#pump();
			});
		}
		if (nextDue < this.#timerDue) {
			clearTimeout(this.#timer);
			this.#timerDue = nextDue;
			this.#timer = setTimeout(() => {
				this.#timerDue = Infinity;
				this.#pump();
			}, Math.max(0, nextDue - now));
			this.#timer.unref();
		}
	}

	async #deliver(row: DeliveryRow): Promise<void> {
		const app = this.#apps.get(row.app_id);
		const attempts: DeliveryAttempt[] = JSON.parse(row.attempts);
		const started = Date.now();
		let attempt: DeliveryAttempt;
		if (!app?.webhookUrl) {
			attempt = { at: new Date(started).toISOString(), error: 'the app has no webhookUrl any more', durationMs: 0 };
		} else {
			const timestamp = Math.floor(started / 1000);
			try {
				const response = await fetch(app.webhookUrl, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						'user-agent': 'Rooms-Webhooks/1',
						[DELIVERY_HEADER]: row.id,
						[TIMESTAMP_HEADER]: String(timestamp),
						[SIGNATURE_HEADER]: signWebhook(app.secret, timestamp, row.body),
					},
					body: row.body,
					redirect: 'manual',
					signal: AbortSignal.any([AbortSignal.timeout(this.#options.timeoutMs), this.#abort.signal]),
				});
				await response.body?.cancel();
				attempt = { at: new Date(started).toISOString(), status: response.status, durationMs: Date.now() - started };
			} catch (error) {
				const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.#options.timeoutMs} ms`
					: String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
				attempt = { at: new Date(started).toISOString(), error: reason, durationMs: Date.now() - started };
			}
		}
		if (this.#closed) return;
		attempts.push(attempt);
		const delivered = attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300;
		const failed = !delivered && attempts.length >= this.#options.maxAttempts;
		const delay = Math.min(this.#options.retryBaseMs * 2 ** (attempts.length - 1), MAX_RETRY_DELAY_MS);
		this.#db.prepare('UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ? WHERE seq = ?').run(
			delivered ? 'delivered' : failed ? 'failed' : 'pending', JSON.stringify(attempts), Date.now() + delay, row.seq);
		if (!delivered) {
			this.#logger.warn({ delivery: row.id, event: row.event, attempt: attempts.length, status: attempt.status, error: attempt.error, gaveUp: failed },
				'webhook delivery failed');
		}
	}

	/** Stops delivering; pending events stay in the outbox for the next run. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#timer);
		this.#abort.abort();
	}
}
