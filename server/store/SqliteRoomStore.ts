import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RoomPatch, RoomRecord, RoomStore } from './RoomStore.js';

const MIGRATIONS = [
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
];

interface RoomRow {
	id: string;
	code: string;
	title: string;
	owner_identity: string;
	owner_name: string;
	audience: RoomRecord['audience'];
	max_participants: number;
	locked: number;
	status: RoomRecord['status'];
	host_key_hash: string;
	created_at: string;
	updated_at: string;
	ended_at: string | null;
}

const COLUMNS: Record<keyof RoomPatch, keyof RoomRow> = {
	title: 'title',
	audience: 'audience',
	maxParticipants: 'max_participants',
	locked: 'locked',
	status: 'status',
	endedAt: 'ended_at',
	code: 'code',
};

function fromRow(row: RoomRow): RoomRecord {
	return {
		id: row.id,
		code: row.code,
		title: row.title,
		ownerIdentity: row.owner_identity,
		ownerName: row.owner_name,
		audience: row.audience,
		maxParticipants: row.max_participants,
		locked: row.locked === 1,
		status: row.status,
		hostKeyHash: row.host_key_hash,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		endedAt: row.ended_at,
	};
}

/** Rooms in one SQLite file (WAL mode) inside the data directory. */
export class SqliteRoomStore implements RoomStore {
	readonly #db: Database.Database;
	readonly #byId: Database.Statement<[string], RoomRow>;
	readonly #byCode: Database.Statement<[string], RoomRow>;
	readonly #byOwner: Database.Statement<[string], RoomRow>;

	constructor(dataDir: string) {
		fs.mkdirSync(dataDir, { recursive: true });
		this.#db = new Database(path.join(dataDir, 'rooms.sqlite'));
		this.#db.pragma('journal_mode = WAL');
		this.#db.pragma('synchronous = NORMAL');
		this.#db.pragma('busy_timeout = 5000');
		this.#migrate();
		this.#byId = this.#db.prepare('SELECT * FROM rooms WHERE id = ?');
		this.#byCode = this.#db.prepare('SELECT * FROM rooms WHERE code = ?');
		this.#byOwner = this.#db.prepare('SELECT * FROM rooms WHERE owner_identity = ? ORDER BY created_at DESC, id');
	}

	#migrate(): void {
		const version = this.#db.pragma('user_version', { simple: true }) as number;
		const apply = this.#db.transaction(() => {
			for (let v = version; v < MIGRATIONS.length; v++) this.#db.exec(MIGRATIONS[v]!);
			this.#db.pragma(`user_version = ${MIGRATIONS.length}`);
		});
		apply();
	}

	insertRoom(room: RoomRecord): void {
		this.#db.prepare(`INSERT INTO rooms (id, code, title, owner_identity, owner_name, audience, max_participants,
			locked, status, host_key_hash, created_at, updated_at, ended_at)
			VALUES (@id, @code, @title, @ownerIdentity, @ownerName, @audience, @maxParticipants,
			@locked, @status, @hostKeyHash, @createdAt, @updatedAt, @endedAt)`)
			.run({ ...room, locked: room.locked ? 1 : 0 });
	}

	getRoom(id: string): RoomRecord | undefined {
		const row = this.#byId.get(id);
		return row && fromRow(row);
	}

	getRoomByCode(code: string): RoomRecord | undefined {
		const row = this.#byCode.get(code);
		return row && fromRow(row);
	}

	listRoomsByOwner(ownerIdentity: string): RoomRecord[] {
		return this.#byOwner.all(ownerIdentity).map(fromRow);
	}

	updateRoom(id: string, patch: RoomPatch): RoomRecord | undefined {
		const entries = Object.entries(patch).filter(([, value]) => value !== undefined) as [keyof RoomPatch, unknown][];
		const assignments = entries.map(([key]) => `${COLUMNS[key]} = @${key}`);
		const values = Object.fromEntries(entries.map(([key, value]) => [key, typeof value === 'boolean' ? Number(value) : value]));
		this.#db.prepare(`UPDATE rooms SET ${[...assignments, 'updated_at = @updatedAt'].join(', ')} WHERE id = @id`)
			.run({ ...values, id, updatedAt: new Date().toISOString() });
		return this.getRoom(id);
	}

	isOpen(): boolean {
		return this.#db.open;
	}

	close(): void {
		if (this.#db.open) this.#db.close();
	}
}
