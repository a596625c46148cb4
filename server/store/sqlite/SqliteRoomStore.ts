import type Database from 'better-sqlite3';
import type { ModerationEvent } from '../../shared/protocol.js';
import type { Ban, LockedBy, NewModerationEvent, RoomPatch, RoomRecord, RoomStore } from './RoomStore.js';

interface RoomRow {
	id: string;
	code: string;
	title: string;
	owner_identity: string;
	owner_name: string;
	audience: RoomRecord['audience'];
	max_participants: number;
	locked: number;
	locked_by: LockedBy | null;
	wait_for_host: number;
	auto_lock_on_remove: number;
	expires_at: string | null;
	status: RoomRecord['status'];
	host_key_hash: string;
	created_at: string;
	updated_at: string;
	ended_at: string | null;
}

interface EventRow {
	id: number;
	at: string;
	type: ModerationEvent['type'];
	actor: string;
	subject: string | null;
	data: string | null;
}

const COLUMNS: Record<keyof RoomPatch, keyof RoomRow> = {
	title: 'title',
	audience: 'audience',
	maxParticipants: 'max_participants',
	locked: 'locked',
	lockedBy: 'locked_by',
	waitForHost: 'wait_for_host',
	autoLockOnRemove: 'auto_lock_on_remove',
	expiresAt: 'expires_at',
	status: 'status',
	endedAt: 'ended_at',
	code: 'code',
	hostKeyHash: 'host_key_hash',
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
		lockedBy: row.locked_by,
		waitForHost: row.wait_for_host === 1,
		autoLockOnRemove: row.auto_lock_on_remove === 1,
		expiresAt: row.expires_at,
		status: row.status,
		hostKeyHash: row.host_key_hash,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		endedAt: row.ended_at,
	};
}

function fromEventRow(row: EventRow): ModerationEvent {
	return {
		id: row.id,
		at: row.at,
		type: row.type,
		actor: JSON.parse(row.actor),
		...(row.subject ? { subject: JSON.parse(row.subject) } : {}),
		...(row.data ? { data: JSON.parse(row.data) } : {}),
	};
}

/** SQLite keeps booleans as 0/1; undefined fields are left as they are. */
function toColumns(patch: RoomPatch): Record<string, unknown> {
	return Object.fromEntries(Object.entries(patch)
		.filter(([, value]) => value !== undefined)
		.map(([key, value]) => [key, typeof value === 'boolean' ? Number(value) : value]));
}

/** Rooms and what belongs to them, in the service's SQLite file. */
export class SqliteRoomStore implements RoomStore {
	readonly #db: Database.Database;
	readonly #byId: Database.Statement<[string], RoomRow>;
	readonly #byCode: Database.Statement<[string], RoomRow>;
	readonly #retired: Database.Statement<[string], { code: string }>;
	readonly #ban: Database.Statement<[string, string, string, string]>;
	readonly #banned: Database.Statement<[string, string, string], { kind: string }>;
	readonly #insertEvent: Database.Statement<[string, string, string, string, string | null, string | null]>;
	readonly #events: Database.Statement<[string, number, number], EventRow>;

	constructor(db: Database.Database) {
		this.#db = db;
		this.#byId = db.prepare('SELECT * FROM rooms WHERE id = ?');
		this.#byCode = db.prepare('SELECT * FROM rooms WHERE code = ?');
		this.#retired = db.prepare('SELECT code FROM retired_codes WHERE code = ?');
		this.#ban = db.prepare('INSERT OR IGNORE INTO room_bans (room_id, kind, value, created_at) VALUES (?, ?, ?, ?)');
		this.#banned = db.prepare('SELECT kind FROM room_bans WHERE room_id = ? AND kind = ? AND value = ?');
		this.#insertEvent = db.prepare('INSERT INTO room_events (room_id, at, type, actor, subject, data) VALUES (?, ?, ?, ?, ?, ?)');
		this.#events = db.prepare('SELECT * FROM room_events WHERE room_id = ? AND id > ? ORDER BY id LIMIT ?');
	}

	insertRoom(room: RoomRecord): void {
		this.#db.prepare(`INSERT INTO rooms (id, code, title, owner_identity, owner_name, audience, max_participants,
			locked, locked_by, wait_for_host, auto_lock_on_remove, expires_at, status, host_key_hash, created_at, updated_at, ended_at)
			VALUES (@id, @code, @title, @ownerIdentity, @ownerName, @audience, @maxParticipants,
			@locked, @lockedBy, @waitForHost, @autoLockOnRemove, @expiresAt, @status, @hostKeyHash, @createdAt, @updatedAt, @endedAt)`)
			.run(toColumns(room));
	}

	getRoom(id: string): RoomRecord | undefined {
		const row = this.#byId.get(id);
		return row && fromRow(row);
	}

	getRoomByCode(code: string): RoomRecord | undefined {
		const row = this.#byCode.get(code);
		return row && fromRow(row);
	}

	listRoomsByOwners(ownerIdentities: string[]): RoomRecord[] {
		if (ownerIdentities.length === 0) return [];
		const placeholders = ownerIdentities.map(() => '?').join(', ');
		return this.#db.prepare<string[], RoomRow>(
			`SELECT * FROM rooms WHERE owner_identity IN (${placeholders}) ORDER BY created_at DESC, id`)
			.all(...ownerIdentities).map(fromRow);
	}

	updateRoom(id: string, patch: RoomPatch): RoomRecord | undefined {
		const values = toColumns(patch);
		const assignments = Object.keys(values).map((key) => `${COLUMNS[key as keyof RoomPatch]} = @${key}`);
		this.#db.prepare(`UPDATE rooms SET ${[...assignments, 'updated_at = @updatedAt'].join(', ')} WHERE id = @id`)
			.run({ ...values, id, updatedAt: new Date().toISOString() });
		return this.getRoom(id);
	}

	replaceCode(id: string, code: string, patch: RoomPatch): RoomRecord | undefined {
		return this.#db.transaction(() => {
			const current = this.getRoom(id);
			if (!current) return undefined;
			this.#db.prepare('INSERT INTO retired_codes (code, room_id, retired_at) VALUES (?, ?, ?)')
				.run(current.code, id, new Date().toISOString());
			return this.updateRoom(id, { ...patch, code });
		})();
	}

	isRetiredCode(code: string): boolean {
		return this.#retired.get(code) !== undefined;
	}

	addBans(roomId: string, bans: Ban[]): void {
		const at = new Date().toISOString();
		this.#db.transaction(() => {
			for (const ban of bans) this.#ban.run(roomId, ban.kind, ban.value, at);
		})();
	}

	isBanned(roomId: string, candidates: Ban[]): boolean {
		return candidates.some((ban) => this.#banned.get(roomId, ban.kind, ban.value) !== undefined);
	}

	appendEvent(roomId: string, event: NewModerationEvent): ModerationEvent {
		const at = new Date().toISOString();
		const { lastInsertRowid } = this.#insertEvent.run(roomId, at, event.type, JSON.stringify(event.actor),
			event.subject ? JSON.stringify(event.subject) : null, event.data ? JSON.stringify(event.data) : null);
		return { id: Number(lastInsertRowid), at, ...event };
	}

	listEvents(roomId: string, afterId: number, limit: number): ModerationEvent[] {
		return this.#events.all(roomId, afterId, limit).map(fromEventRow);
	}

	isOpen(): boolean {
		return this.#db.open;
	}

	close(): void {
		if (this.#db.open) this.#db.close();
	}
}
