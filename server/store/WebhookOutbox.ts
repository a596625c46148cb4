/**
 * The webhook outbox: events queued for the owner app's endpoint, kept until
 * delivered or given up, so pending events survive restarts.
 */
import type { DeliveryAttempt, DeliveryView, WebhookEventType } from '../../shared/api.js';

export interface OutboxEntry {
	/** Insertion order: a room's events are delivered in this order. */
	seq: number;
	id: string;
	appId: string;
	roomId: string;
	event: WebhookEventType;
	/** The JSON body, signed and sent as it is. */
	body: string;
	status: DeliveryView['status'];
	attempts: DeliveryAttempt[];
	/** Epoch milliseconds. */
	nextAttemptAt: number;
	createdAt: string;
}

export type NewOutboxEntry = Pick<OutboxEntry, 'id' | 'appId' | 'roomId' | 'event' | 'body' | 'nextAttemptAt' | 'createdAt'>;

export interface ClaimedHeads {
	/** Deliveries now the caller's to attempt, soonest due first. */
	claimed: OutboxEntry[];
	/** When the soonest head that nobody holds falls due (epoch milliseconds), if any: when to look again. */
	nextDueAt: number | undefined;
}

export interface WebhookOutbox {
	enqueue(entry: NewOutboxEntry): Promise<void>;
	/**
	 * Claims for `owner`, until `now + leaseMs`, up to `max` of the rooms'
	 * oldest pending deliveries that are due and that nobody holds. A room's
	 * next delivery is never claimed while its head is held, so each room's go
	 * out in order, one at a time, whichever node sends them; a claim whose
	 * lease ends (its node died mid-attempt) lets another node send it again.
	 */
	claimHeads(owner: string, now: number, leaseMs: number, max: number): Promise<ClaimedHeads>;
	/** Ends the claims `owner` holds: a restarted node takes back what it was sending when it stopped. */
	releaseClaims(owner: string): Promise<void>;
	/** The outcome of an attempt; the claim on it ends. */
	recordAttempt(seq: number, status: OutboxEntry['status'], attempts: DeliveryAttempt[], nextAttemptAt: number): Promise<void>;
	/** How many deliveries wait to be sent, across every app and room (for /metrics). */
	pendingCount(): Promise<number>;
	/** Newest first, for one app and optionally one room. */
	list(appId: string, roomId: string | undefined, limit: number): Promise<OutboxEntry[]>;
}
