/** The embedded default: every store in one SQLite file under the data directory. */
import type { Stores } from '../Stores.js';
import { openDatabase } from './database.js';
import { SqliteIdentityLinkStore } from './SqliteIdentityLinkStore.js';
import { SqliteModerationStore } from './SqliteModerationStore.js';
import { SqliteRoomStore } from './SqliteRoomStore.js';
import { SqliteWebhookOutbox } from './SqliteWebhookOutbox.js';

export function openSqliteStores(dataDir: string): Stores {
	const db = openDatabase(dataDir);
	const moderation = new SqliteModerationStore(db);
	return {
		rooms: new SqliteRoomStore(db),
		bans: moderation,
		timeline: moderation,
		webhooks: new SqliteWebhookOutbox(db),
		identityLinks: new SqliteIdentityLinkStore(db),
		isOpen: () => db.open,
		close: () => {
			if (db.open) db.close();
		},
	};
}
