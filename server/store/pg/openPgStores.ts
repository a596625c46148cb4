/**
 * Every store on PostgreSQL (`ROOMS_DATABASE_URL`), for nodes that share one
 * database. The schema is brought up to date before anything else; a server
 * that cannot reach the database at start says so and does not start.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Stores } from '../Stores.js';
import { PgExecutor } from './PgExecutor.js';
import { PgIdentityLinkStore } from './PgIdentityLinkStore.js';
import { PgModerationStore } from './PgModerationStore.js';
import { PgNodeDirectory } from './PgNodeDirectory.js';
import { PgPresenceStore } from './PgPresenceStore.js';
import { PgRoomStore } from './PgRoomStore.js';
import { PgWebhookOutbox } from './PgWebhookOutbox.js';
import { migrate } from './schema.js';

/** Records waiting for a failing store beyond which new ones are refused, as for SQLite. */
const MAX_QUEUED = 100_000;
/** A connection attempt that hangs (a server that stopped answering) counts as a failure after this long. */
const CONNECT_TIMEOUT_MS = 2000;
/** So does a statement that gets no answer. */
const QUERY_TIMEOUT_MS = 5000;

export async function openPgStores(url: string, options: { waitMs: number; logger: Logger }): Promise<Stores> {
	// Work runs one piece at a time (PgExecutor): one connection in use, and one spare while a broken one is replaced.
	const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS });
	try {
		const client = await pool.connect();
		// Heard, so that a server going away mid-migration fails the start instead of crashing it.
		let broken: Error | undefined;
		client.on('error', (error) => {
			broken = error;
		});
		try {
			const applied = await migrate(client);
			options.logger.info({ applied }, 'PostgreSQL schema is up to date');
		} finally {
			client.release(broken);
		}
	} catch (error) {
		await pool.end().catch(() => undefined);
		throw new Error(`cannot open the PostgreSQL database of ROOMS_DATABASE_URL: ${(error as Error).message}`, { cause: error });
	}
	const sql = new PgExecutor(pool, { ...options, maxQueued: MAX_QUEUED });
	const moderation = new PgModerationStore(sql);
	return {
		rooms: new PgRoomStore(sql),
		barred: moderation,
		cohosts: moderation,
		timeline: moderation,
		webhooks: new PgWebhookOutbox(sql),
		identityLinks: new PgIdentityLinkStore(sql),
		nodes: new PgNodeDirectory(sql),
		presence: new PgPresenceStore(sql),
		isOpen: () => sql.isOpen,
		fault: () => sql.fault,
		queued: () => sql.queued,
		close: () => sql.close(),
	};
}
