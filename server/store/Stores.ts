/**
 * Everything the service persists, behind async interfaces: `openSqliteStores`
 * is the embedded implementation, `openPgStores` the shared one (PostgreSQL).
 */
import type { IdentityLinkStore } from './IdentityLinkStore.js';
import type { NodeDirectory } from './NodeDirectory.js';
import type { PresenceStore } from './PresenceStore.js';
import type { BarredStore, CohostStore, RoomStore, TimelineStore } from './RoomStore.js';
import type { WebhookOutbox } from './WebhookOutbox.js';

export interface Stores {
	rooms: RoomStore;
	barred: BarredStore;
	cohosts: CohostStore;
	timeline: TimelineStore;
	webhooks: WebhookOutbox;
	identityLinks: IdentityLinkStore;
	/** The directory of a cluster's nodes and rooms: PostgreSQL only (a server on SQLite is a node of its own). */
	nodes: NodeDirectory | undefined;
	/** Who sits where across a cluster: PostgreSQL only. */
	presence: PresenceStore | undefined;
	/** Whether the store can take requests (for /readyz). */
	isOpen(): boolean;
	/** Why work is waiting on a locked or failing store, if it is (for /readyz). */
	fault(): StoreFault | undefined;
	/** Work waiting for the store. */
	queued(): number;
	/** Fails what is still queued and lets go of the database. Idempotent. */
	close(): Promise<void>;
}

/** Work is waiting because the store is locked or failing. */
export interface StoreFault {
	/** The store's code for the last failed attempt, e.g. SQLITE_BUSY. */
	code: string;
	/** Epoch milliseconds of the first failure of this fault. */
	since: number;
}
