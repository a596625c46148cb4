/** The embedded default: every store in one SQLite file under the data directory. */
import type { Logger } from 'pino';
import { preparePrivateDataDir } from '../dataDir.js';
import type { Stores } from '../Stores.js';
import { openDatabase } from './database.js';
import { SqliteExecutor } from './SqliteExecutor.js';
import { SqliteIdentityLinkStore } from './SqliteIdentityLinkStore.js';
import { SqliteModerationStore } from './SqliteModerationStore.js';
import { SqliteRoomStore } from './SqliteRoomStore.js';
import { SqliteWebhookOutbox } from './SqliteWebhookOutbox.js';

/** Records waiting for a failing store beyond which new ones are refused (a few hundred bytes each). */
const MAX_QUEUED = 100_000;

export function openSqliteStores(dataDir: string, options: { waitMs: number; logger: Logger }): Stores {
	preparePrivateDataDir(dataDir, options.logger);
	const db = openDatabase(dataDir);
	const sql = new SqliteExecutor(db, { ...options, maxQueued: MAX_QUEUED });
	const moderation = new SqliteModerationStore(db, sql);
	return {
		rooms: new SqliteRoomStore(db, sql),
		barred: moderation,
		cohosts: moderation,
		timeline: moderation,
		webhooks: new SqliteWebhookOutbox(db, sql),
		identityLinks: new SqliteIdentityLinkStore(db, sql),
		nodes: undefined,
		presence: undefined,
		isOpen: () => sql.isOpen,
		fault: () => sql.fault,
		queued: () => sql.queued,
		close: async () => sql.close(),
	};
}
