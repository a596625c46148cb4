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

export interface WebhookOutbox {
	enqueue(entry: NewOutboxEntry): Promise<void>;
	/** The oldest pending entry of each room, soonest due first. */
	pendingHeads(): Promise<OutboxEntry[]>;
	recordAttempt(seq: number, status: OutboxEntry['status'], attempts: DeliveryAttempt[], nextAttemptAt: number): Promise<void>;
	/** Newest first, for one app and optionally one room. */
	list(appId: string, roomId: string | undefined, limit: number): Promise<OutboxEntry[]>;
}
