/** Opens the service's one SQLite file (WAL mode) and brings its schema up to date. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../dataDir.js';

/** Schema versions, applied in order; `user_version` records how many ran. Never edit a released entry. */
export const MIGRATIONS = [
	`CREATE TABLE rooms (
		id TEXT PRIMARY KEY,
		code TEXT NOT NULL UNIQUE,
		title TEXT NOT NULL,
		owner_identity TEXT NOT NULL,
		owner_name TEXT NOT NULL,
		audience TEXT NOT NULL CHECK (audience IN ('link', 'signed-in')),
		max_participants INTEGER NOT NULL,
		locked INTEGER NOT NULL DEFAULT 0,
		status TEXT NOT NULL CHECK (status IN ('open', 'ended')),
		host_key_hash TEXT NOT NULL,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		ended_at TEXT
	);
	CREATE INDEX rooms_owner ON rooms (owner_identity, created_at);`,
	`ALTER TABLE rooms ADD COLUMN locked_by TEXT CHECK (locked_by IN ('host', 'removal', 'host-away'));
	UPDATE rooms SET locked_by = 'host' WHERE locked = 1;
	ALTER TABLE rooms ADD COLUMN wait_for_host INTEGER NOT NULL DEFAULT 1;
	ALTER TABLE rooms ADD COLUMN auto_lock_on_remove INTEGER NOT NULL DEFAULT 1;
	ALTER TABLE rooms ADD COLUMN expires_at TEXT;
	CREATE TABLE retired_codes (
		code TEXT PRIMARY KEY,
		room_id TEXT NOT NULL,
		retired_at TEXT NOT NULL
	);
	CREATE TABLE room_bans (
		room_id TEXT NOT NULL,
		kind TEXT NOT NULL CHECK (kind IN ('identity', 'guest-key', 'participant')),
		value TEXT NOT NULL,
		created_at TEXT NOT NULL,
		PRIMARY KEY (room_id, kind, value)
	);
	CREATE TABLE room_events (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		room_id TEXT NOT NULL,
		at TEXT NOT NULL,
		type TEXT NOT NULL,
		actor TEXT NOT NULL,
		subject TEXT,
		data TEXT
	);
	CREATE INDEX room_events_room ON room_events (room_id, id);
	CREATE TABLE identity_links (
		id TEXT PRIMARY KEY,
		from_identity TEXT NOT NULL,
		to_identity TEXT NOT NULL,
		status TEXT NOT NULL CHECK (status IN ('pending', 'active')),
		created_at TEXT NOT NULL,
		confirmed_at TEXT,
		UNIQUE (from_identity, to_identity)
	);
	CREATE INDEX identity_links_to ON identity_links (to_identity);
	CREATE TABLE webhook_deliveries (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		app_id TEXT NOT NULL,
		room_id TEXT NOT NULL,
		event TEXT NOT NULL,
		body TEXT NOT NULL,
		status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
		attempts TEXT NOT NULL DEFAULT '[]',
		next_attempt_at INTEGER NOT NULL,
		created_at TEXT NOT NULL
	);
	CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (status, room_id, seq);
	CREATE INDEX webhook_deliveries_app ON webhook_deliveries (app_id, room_id, seq);`,
	// People a host turned away at the door: kept for the room's life, across restarts, like removals.
	`CREATE TABLE room_denials (
		room_id TEXT NOT NULL,
		kind TEXT NOT NULL CHECK (kind IN ('identity', 'guest-key', 'participant')),
		value TEXT NOT NULL,
		created_at TEXT NOT NULL,
		PRIMARY KEY (room_id, kind, value)
	);`,
	// Removals and denials are one thing with two reasons: one table, the rows of both kept.
	`CREATE TABLE room_barred (
		room_id TEXT NOT NULL,
		reason TEXT NOT NULL CHECK (reason IN ('removed', 'denied')),
		kind TEXT NOT NULL CHECK (kind IN ('identity', 'guest-key', 'participant')),
		value TEXT NOT NULL,
		created_at TEXT NOT NULL,
		PRIMARY KEY (room_id, reason, kind, value)
	);
	INSERT INTO room_barred (room_id, reason, kind, value, created_at) SELECT room_id, 'removed', kind, value, created_at FROM room_bans;
	INSERT INTO room_barred (room_id, reason, kind, value, created_at) SELECT room_id, 'denied', kind, value, created_at FROM room_denials;
	DROP TABLE room_bans;
	DROP TABLE room_denials;`,
	// End-to-end encrypted rooms: chosen at creation, never changed.
	`ALTER TABLE rooms ADD COLUMN e2ee INTEGER NOT NULL DEFAULT 0 CHECK (e2ee IN (0, 1));`,
	// A delivery in flight is claimed (WebhookOutbox.claimHeads), as on PostgreSQL, where nodes share the outbox.
	`ALTER TABLE webhook_deliveries ADD COLUMN claimed_by TEXT;
	ALTER TABLE webhook_deliveries ADD COLUMN claimed_until INTEGER;`,
	// Co-hosts outlive the room's life on one server (CohostStore).
	`CREATE TABLE room_roles (
		room_id TEXT NOT NULL,
		participant_id TEXT NOT NULL,
		appointed_at TEXT NOT NULL,
		PRIMARY KEY (room_id, participant_id)
	);`,
];

/** Opens the database in a data folder made private by preparePrivateDataDir. */
export function openDatabase(dataDir: string): Database.Database {
	const db = new Database(path.join(dataDir, DATABASE_FILE));
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	db.pragma('busy_timeout = 5000');
	const version = db.pragma('user_version', { simple: true }) as number;
	db.transaction(() => {
		for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
		db.pragma(`user_version = ${MIGRATIONS.length}`);
	})();
	return db;
}
