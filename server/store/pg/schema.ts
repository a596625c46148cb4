/**
 * The PostgreSQL schema, as numbered migrations. Each runs in its own
 * transaction under one advisory lock, and records itself in
 * `schema_migrations` there: nodes starting together against an empty
 * database wait for each other, and each migration is applied once.
 * Never edit a released entry.
 *
 * Times are ISO 8601 text, as in SQLite, so that both stores compare and
 * return them alike; the text that is compared or sorted is in the "C"
 * collation (byte order, as SQLite's), whatever the database's locale. Invite codes, live and retired, are one table keyed by
 * code: a code can never be given twice, and a unique violation says so.
 */
import type pg from 'pg';

export const MIGRATIONS: string[] = [
	`CREATE TABLE rooms (
		id TEXT COLLATE "C" PRIMARY KEY,
		code TEXT NOT NULL UNIQUE,
		title TEXT NOT NULL,
		owner_identity TEXT NOT NULL,
		owner_name TEXT NOT NULL,
		audience TEXT NOT NULL CHECK (audience IN ('link', 'signed-in')),
		max_participants INTEGER NOT NULL,
		locked BOOLEAN NOT NULL DEFAULT FALSE,
		locked_by TEXT CHECK (locked_by IN ('host', 'removal', 'host-away')),
		wait_for_host BOOLEAN NOT NULL DEFAULT TRUE,
		auto_lock_on_remove BOOLEAN NOT NULL DEFAULT TRUE,
		e2ee BOOLEAN NOT NULL DEFAULT FALSE,
		expires_at TEXT COLLATE "C",
		status TEXT NOT NULL CHECK (status IN ('open', 'ended')),
		host_key_hash TEXT NOT NULL,
		created_at TEXT COLLATE "C" NOT NULL,
		updated_at TEXT NOT NULL,
		ended_at TEXT COLLATE "C"
	);
	CREATE INDEX rooms_owner ON rooms (owner_identity, created_at);
	CREATE TABLE invite_codes (
		code TEXT PRIMARY KEY,
		room_id TEXT NOT NULL,
		retired_at TEXT COLLATE "C"
	);
	CREATE INDEX invite_codes_room ON invite_codes (room_id);
	CREATE TABLE room_barred (
		room_id TEXT NOT NULL,
		reason TEXT NOT NULL CHECK (reason IN ('removed', 'denied')),
		kind TEXT NOT NULL CHECK (kind IN ('identity', 'guest-key', 'participant')),
		value TEXT NOT NULL,
		created_at TEXT NOT NULL,
		PRIMARY KEY (room_id, reason, kind, value)
	);
	CREATE TABLE room_events (
		id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		room_id TEXT NOT NULL,
		at TEXT NOT NULL,
		type TEXT NOT NULL,
		actor TEXT NOT NULL,
		subject TEXT,
		data TEXT
	);
	CREATE INDEX room_events_room ON room_events (room_id, id);
	CREATE TABLE identity_links (
		id TEXT COLLATE "C" PRIMARY KEY,
		from_identity TEXT NOT NULL,
		to_identity TEXT NOT NULL,
		status TEXT NOT NULL CHECK (status IN ('pending', 'active')),
		created_at TEXT COLLATE "C" NOT NULL,
		confirmed_at TEXT,
		UNIQUE (from_identity, to_identity)
	);
	CREATE INDEX identity_links_to ON identity_links (to_identity);
	CREATE TABLE webhook_deliveries (
		seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		app_id TEXT NOT NULL,
		room_id TEXT NOT NULL,
		event TEXT NOT NULL,
		body TEXT NOT NULL,
		status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
		attempts TEXT NOT NULL DEFAULT '[]',
		next_attempt_at BIGINT NOT NULL,
		created_at TEXT COLLATE "C" NOT NULL
	);
	CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (status, room_id, seq);
	CREATE INDEX webhook_deliveries_app ON webhook_deliveries (app_id, room_id, seq);`,
	// The directory of nodes and where each live room is (NodeDirectory). Heartbeats are the database's clock.
	`CREATE TABLE nodes (
		id TEXT PRIMARY KEY,
		incarnation TEXT NOT NULL,
		internal_url TEXT NOT NULL,
		state TEXT NOT NULL CHECK (state IN ('serving', 'draining', 'dead')),
		load INTEGER NOT NULL DEFAULT 0,
		heartbeat_at TIMESTAMPTZ NOT NULL
	);
	CREATE TABLE room_placements (
		room_id TEXT PRIMARY KEY,
		node_id TEXT NOT NULL REFERENCES nodes (id),
		epoch INTEGER NOT NULL,
		placed_at TIMESTAMPTZ NOT NULL
	);
	CREATE INDEX room_placements_node ON room_placements (node_id);`,
	// What every node must share (ROOMS_SERVER_SECRET, ROOMS_CLUSTER_SECRET, ROOMS_APPS), as the first node's fingerprint.
	`CREATE TABLE cluster_fingerprint (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		fingerprint TEXT NOT NULL,
		node_id TEXT NOT NULL,
		set_at TEXT NOT NULL
	);`,
	// Who sits in which room on which node: a room that moves keeps its people's records straight.
	`CREATE TABLE room_presence (
		room_id TEXT NOT NULL,
		participant_id TEXT NOT NULL,
		name TEXT NOT NULL,
		node_id TEXT NOT NULL REFERENCES nodes (id),
		seated_at TIMESTAMPTZ NOT NULL,
		PRIMARY KEY (room_id, participant_id)
	);
	CREATE INDEX room_presence_node ON room_presence (node_id);`,
	// A delivery in flight is claimed by one node until its lease ends (WebhookOutbox.claimHeads): any node delivers any room's.
	`ALTER TABLE webhook_deliveries ADD COLUMN claimed_by TEXT;
	ALTER TABLE webhook_deliveries ADD COLUMN claimed_until BIGINT;`,
	// Co-hosts outlive the room's life on one node (CohostStore).
	`CREATE TABLE room_roles (
		seq BIGINT GENERATED ALWAYS AS IDENTITY,
		room_id TEXT NOT NULL,
		participant_id TEXT NOT NULL,
		appointed_at TEXT COLLATE "C" NOT NULL,
		PRIMARY KEY (room_id, participant_id)
	);`,
];

/** The advisory lock migrations take: any constant, the same on every node. */
const MIGRATION_LOCK = 0x726f6f6d; // 'room'

/** Applies the migrations this database lacks, each once, whatever other nodes do at the same time; resolves with how many ran here. */
export async function migrate(db: pg.ClientBase): Promise<number> {
	let applied = 0;
	for (let version = 1; version <= MIGRATIONS.length; version++) {
		await db.query('BEGIN');
		try {
			await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
			// Made under the lock too: two nodes creating it at once would otherwise collide.
			await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
			const done = await db.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
			if (done.rowCount === 0) {
				await db.query(MIGRATIONS[version - 1]!);
				await db.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, new Date().toISOString()]);
				applied++;
			}
			await db.query('COMMIT');
		} catch (error) {
			await db.query('ROLLBACK').catch(() => undefined);
			throw error;
		}
	}
	return applied;
}
