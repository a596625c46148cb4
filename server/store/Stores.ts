/** Everything the service persists, behind async interfaces; `openSqliteStores` is the embedded implementation. */
import type { IdentityLinkStore } from './IdentityLinkStore.js';
import type { BanStore, RoomStore, TimelineStore } from './RoomStore.js';
import type { WebhookOutbox } from './WebhookOutbox.js';

export interface Stores {
	rooms: RoomStore;
	bans: BanStore;
	timeline: TimelineStore;
	webhooks: WebhookOutbox;
	identityLinks: IdentityLinkStore;
	/** Whether the store can take requests (for /readyz). */
	isOpen(): boolean;
	close(): void;
}
