/**
 * Delivers webhooks to the apps that own rooms, from the outbox (SQLite, or
 * PostgreSQL shared by a cluster's nodes).
 *
 * - Never on the call path: `enqueue` is one insert into the outbox;
 *   delivery happens later, so a slow or dead endpoint cannot slow a join.
 * - At least once: an event stays pending until its endpoint answers 2xx,
 *   across restarts, retried with exponential backoff up to `maxAttempts`.
 * - In order per room: only the oldest pending event of a room is in
 *   flight; the next waits until it is delivered or has failed for good.
 * - Any node delivers any room's: a node claims what it sends (claimHeads),
 *   for the attempt's timeout and a margin. A node that dies mid-attempt
 *   leaves its claims to lapse, and another sends those again: the only
 *   duplicates are of deliveries in flight when a node dies.
 */
import { nanoid } from 'nanoid';
import type { DeliveryAttempt, DeliveryView, WebhookEventType } from '../../shared/api.js';
import type { AppRegistry } from '../apps/AppRegistry.js';
import type { Logger } from '../logger.js';
import type { OutboxEntry, WebhookOutbox } from '../store/WebhookOutbox.js';
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
	/** Who claims deliveries: this node's id, the same across its restarts. */
	owner: string;
}

const MAX_RETRY_DELAY_MS = 10 * 60_000;
/** A claim outlives its attempt's timeout by this much, for recording the outcome. */
const LEASE_MARGIN_MS = 5000;
/** How often the outbox is looked at anyway: what other nodes queued, and claims of dead nodes that lapsed. */
const POLL_MS = 5000;

function toView(entry: OutboxEntry): DeliveryView {
	return {
		id: entry.id,
		event: entry.event,
		roomId: entry.roomId,
		status: entry.status,
		attempts: entry.attempts,
		nextAttemptAt: entry.status === 'pending' ? new Date(entry.nextAttemptAt).toISOString() : null,
		createdAt: entry.createdAt,
	};
}

export class WebhookDispatcher {
	readonly #outbox: WebhookOutbox;
	readonly #apps: AppRegistry;
	readonly #options: WebhookOptions;
	readonly #logger: Logger;
	/** Deliveries (their seq) in flight from here. */
	readonly #inFlight = new Set<number>();
	readonly #abort = new AbortController();
	#timer: NodeJS.Timeout | undefined;
	#timerDue = Infinity;
	#poll: NodeJS.Timeout | undefined;
	#pumping: Promise<void> | undefined;
	/** Something asked for a pump while one ran. */
	#pumpAgain = false;
	#closed = false;
	/** Attempts' outcomes since this node started, for /metrics. */
	readonly counts = { delivered: 0, willRetry: 0, failed: 0 };
	/** Deliveries waiting across the whole outbox (every node's), as of the last poll; undefined before the first, or while the store fails. */
	#backlog: number | undefined;

	constructor(outbox: WebhookOutbox, apps: AppRegistry, options: WebhookOptions, logger: Logger) {
		this.#outbox = outbox;
		this.#apps = apps;
		this.#options = options;
		this.#logger = logger.child({ component: 'webhooks' });
	}

	/** Resumes deliveries left pending by a previous run (its claims, under the same owner, are taken back at once). */
	start(): void {
		this.#outbox.releaseClaims(this.#options.owner)
			.catch((error: unknown) => this.#logger.warn({ err: error }, 'could not take back the claims of a previous run; they lapse'))
			.finally(() => this.#schedulePump());
		this.#poll = setInterval(() => {
			this.#schedulePump();
			this.#countBacklog();
		}, POLL_MS);
		this.#poll.unref();
		this.#countBacklog();
	}

	/** Deliveries in flight from this node now. */
	get inFlight(): number {
		return this.#inFlight.size;
	}

	/** Deliveries waiting in the outbox, as of the last poll (at most a poll old); undefined when it could not be read. */
	get backlog(): number | undefined {
		return this.#backlog;
	}

	#countBacklog(): void {
		this.#outbox.pendingCount().then((count) => {
			this.#backlog = count;
		}, () => {
			// The store's fault is /readyz's to report; /metrics shows no figure rather than a stale one.
			this.#backlog = undefined;
		});
	}

	/**
	 * Queues `payload` for the app's endpoint. Does nothing for apps without
	 * one. A failure to queue is logged, never thrown into the caller.
	 */
	async enqueue(appId: string, roomId: string, event: WebhookEventType, payload: Record<string, unknown>): Promise<void> {
		if (this.#closed || !this.#apps.get(appId)?.webhookUrl) return;
		const id = `whd_${nanoid()}`;
		const createdAt = new Date().toISOString();
		const body = JSON.stringify({ id, type: event, createdAt, ...payload });
		try {
			await this.#outbox.enqueue({ id, appId, roomId, event, body, nextAttemptAt: Date.now(), createdAt });
		} catch (error) {
			this.#logger.error({ err: error, event, roomId }, 'could not queue webhook');
			return;
		}
		setImmediate(() => this.#schedulePump());
	}

	/** Recent deliveries to an app, newest first, optionally for one room. */
	async list(appId: string, roomId: string | undefined, limit: number): Promise<DeliveryView[]> {
		return (await this.#outbox.list(appId, roomId, limit)).map(toView);
	}

	/** Pumps now, or right after the pump under way: one at a time, so what they claim never exceeds the concurrency. */
	#schedulePump(): void {
		if (this.#pumping) {
			this.#pumpAgain = true;
			return;
		}
		this.#pumping = this.#pump()
			.catch((error: unknown) => this.#logger.error({ err: error }, 'could not read the webhook outbox'))
			.finally(() => {
				this.#pumping = undefined;
				if (!this.#pumpAgain) return;
				this.#pumpAgain = false;
				this.#schedulePump();
			});
	}

	/** Starts what is due, and sets a timer for the next retry. */
	async #pump(): Promise<void> {
		const capacity = this.#options.concurrency - this.#inFlight.size;
		if (this.#closed || capacity <= 0) return;
		// The oldest pending delivery of each room that nobody holds: only it may go out, and now it is ours.
		const now = Date.now();
		const { claimed, nextDueAt } = await this.#outbox.claimHeads(this.#options.owner, now, this.#options.timeoutMs + LEASE_MARGIN_MS, capacity);
		const nextDue = nextDueAt ?? Infinity;
		for (const entry of claimed) {
			this.#inFlight.add(entry.seq);
			void this.#deliver(entry)
				.catch((error: unknown) => this.#logger.error({ err: error, delivery: entry.id }, 'could not record a webhook attempt'))
				.finally(() => {
					this.#inFlight.delete(entry.seq);
					this.#schedulePump();
				});
		}
		if (nextDue < this.#timerDue) {
			clearTimeout(this.#timer);
			this.#timerDue = nextDue;
			this.#timer = setTimeout(() => {
				this.#timerDue = Infinity;
				this.#schedulePump();
			}, Math.max(0, nextDue - now));
			this.#timer.unref();
		}
	}

	async #deliver(row: OutboxEntry): Promise<void> {
		const app = this.#apps.get(row.appId);
		const attempts: DeliveryAttempt[] = [...row.attempts];
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
		await this.#outbox.recordAttempt(row.seq, delivered ? 'delivered' : failed ? 'failed' : 'pending', attempts, Date.now() + delay);
		this.counts[delivered ? 'delivered' : failed ? 'failed' : 'willRetry']++;
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
		clearInterval(this.#poll);
		this.#abort.abort();
	}
}
