/** Rooms and their invite codes, in the service's SQLite file. */
import type Database from 'better-sqlite3';
import { ROOM_COLUMNS, roomFromRow, type RoomRow } from '../rows.js';
import type { SqliteExecutor } from './SqliteExecutor.js';
import { CodeTakenError, type OwnerQuota, OwnerQuotaError, type PurgeCounts, type RoomPatch, type RoomPosition, type RoomRecord, type RoomStore } from '../RoomStore.js';

/** SQLite keeps booleans as 0/1; undefined fields are left as they are. */
function toColumns(patch: Partial<RoomRecord>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(patch)
		.filter(([, value]) => value !== undefined)
		.map(([key, value]) => [key, typeof value === 'boolean' ? Number(value) : value]));
}

function isUniqueViolation(error: unknown): boolean {
	return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' || (error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export class SqliteRoomStore implements RoomStore {
	readonly #db: Database.Database;
	readonly #sql: SqliteExecutor;
	readonly #byId: Database.Statement<[string], RoomRow>;
	readonly #byCode: Database.Statement<[string], RoomRow>;
	readonly #retired: Database.Statement<[string], { code: string }>;
	readonly #ownerCounts: Database.Statement<{ owner: string; now: string; since: string }, { open: number; created: number }>;

	constructor(db: Database.Database, sql: SqliteExecutor) {
		this.#db = db;
		this.#sql = sql;
		this.#byId = db.prepare('SELECT * FROM rooms WHERE id = ?');
		this.#byCode = db.prepare('SELECT * FROM rooms WHERE code = ?');
		this.#retired = db.prepare('SELECT code FROM retired_codes WHERE code = ?');
		// Both counts walk the rooms_owner index (owner_identity, created_at).
		this.#ownerCounts = db.prepare(`SELECT
			COUNT(*) FILTER (WHERE status = 'open' AND (expires_at IS NULL OR expires_at > @now)) AS open,
			COUNT(*) FILTER (WHERE created_at >= @since) AS created
			FROM rooms WHERE owner_identity = @owner`);
	}

	insertRoom(room: RoomRecord, quota?: OwnerQuota): Promise<void> {
		// One transaction: the quota and retired-code checks and the insert (whose UNIQUE code constraint
		// stops a concurrent twin) cannot be split by another writer.
		return this.#sql.request(this.#db.transaction(() => {
			if (quota) {
				const counts = this.#ownerCounts.get({ owner: room.ownerIdentity, now: room.createdAt, since: quota.since })!;
				if (counts.open >= quota.maxOpen) throw new OwnerQuotaError('open', quota.maxOpen);
				if (counts.created >= quota.maxCreatedSince) throw new OwnerQuotaError('created', quota.maxCreatedSince);
			}
			if (this.#retired.get(room.code)) throw new CodeTakenError(`code ${room.code} was retired`);
			try {
				this.#db.prepare(`INSERT INTO rooms (id, code, title, owner_identity, owner_name, audience, max_participants,
					locked, locked_by, wait_for_host, auto_lock_on_remove, e2ee, expires_at, status, host_key_hash, created_at, updated_at, ended_at)
					VALUES (@id, @code, @title, @ownerIdentity, @ownerName, @audience, @maxParticipants,
					@locked, @lockedBy, @waitForHost, @autoLockOnRemove, @e2ee, @expiresAt, @status, @hostKeyHash, @createdAt, @updatedAt, @endedAt)`)
					.run(toColumns(room));
			} catch (error) {
				if (isUniqueViolation(error)) throw new CodeTakenError(`code ${room.code} is in use`);
				throw error;
			}
		}));
	}

	getRoom(id: string): Promise<RoomRecord | undefined> {
		return this.#sql.request(() => this.#get(id));
	}

	#get(id: string): RoomRecord | undefined {
		const row = this.#byId.get(id);
		return row && roomFromRow(row);
	}

	getRoomByCode(code: string): Promise<RoomRecord | undefined> {
		return this.#sql.request(() => {
			const row = this.#byCode.get(code);
			return row && roomFromRow(row);
		});
	}

	async listRoomsByOwners(ownerIdentities: string[], { limit, after }: { limit: number; after?: RoomPosition }): Promise<RoomRecord[]> {
		if (ownerIdentities.length === 0) return [];
		const placeholders = ownerIdentities.map(() => '?').join(', ');
		// Keyset paging: stable while rooms are created, and as quick for the last page as for the first.
		const continuing = after ? 'AND (created_at < ? OR (created_at = ? AND id > ?))' : '';
		const values: (string | number)[] = [...ownerIdentities, ...(after ? [after.createdAt, after.createdAt, after.id] : []), limit];
		return this.#sql.request(() => this.#db.prepare<(string | number)[], RoomRow>(
			`SELECT * FROM rooms WHERE owner_identity IN (${placeholders}) ${continuing} ORDER BY created_at DESC, id LIMIT ?`)
			.all(...values).map(roomFromRow));
	}

	purge({ roomsBefore, deliveriesBefore, keep }: { roomsBefore: Date; deliveriesBefore: Date; keep: ReadonlySet<string> }): Promise<PurgeCounts> {
		const rooms = roomsBefore.toISOString();
		return this.#sql.request(this.#db.transaction(() => {
			const gone = this.#db.prepare<[string, string], { id: string }>(
				`SELECT id FROM rooms WHERE (status = 'ended' AND ended_at < ?) OR (expires_at IS NOT NULL AND expires_at < ?)`).all(rooms, rooms);
			const counts: PurgeCounts = { rooms: 0, events: 0, retiredCodes: 0, deliveries: 0 };
			const forRoom = {
				events: this.#db.prepare('DELETE FROM room_events WHERE room_id = ?'),
				barred: this.#db.prepare('DELETE FROM room_barred WHERE room_id = ?'),
				roles: this.#db.prepare('DELETE FROM room_roles WHERE room_id = ?'),
				codes: this.#db.prepare('DELETE FROM retired_codes WHERE room_id = ?'),
				// A pending delivery stays until it is delivered or given up: the app still gets told.
				deliveries: this.#db.prepare("DELETE FROM webhook_deliveries WHERE room_id = ? AND status != 'pending'"),
				room: this.#db.prepare('DELETE FROM rooms WHERE id = ?'),
			};
			for (const { id } of gone.filter((room) => !keep.has(room.id))) {
				counts.events += forRoom.events.run(id).changes;
				forRoom.barred.run(id);
				forRoom.roles.run(id);
				counts.retiredCodes += forRoom.codes.run(id).changes;
				counts.deliveries += forRoom.deliveries.run(id).changes;
				counts.rooms += forRoom.room.run(id).changes;
			}
			counts.retiredCodes += this.#db.prepare('DELETE FROM retired_codes WHERE retired_at < ?').run(rooms).changes;
			counts.deliveries += this.#db.prepare("DELETE FROM webhook_deliveries WHERE status != 'pending' AND created_at < ?")
				.run(deliveriesBefore.toISOString()).changes;
			return counts;
		}));
	}

	updateRoom(id: string, patch: RoomPatch): Promise<RoomRecord | undefined> {
		return this.#sql.request(this.#db.transaction(() => this.#update(id, patch)));
	}

	#update(id: string, patch: RoomPatch & { code?: string }): RoomRecord | undefined {
		const values = toColumns(patch);
		const assignments = Object.keys(values).map((key) => `${ROOM_COLUMNS[key as keyof typeof ROOM_COLUMNS]} = @${key}`);
		this.#db.prepare(`UPDATE rooms SET ${[...assignments, 'updated_at = @updatedAt'].join(', ')} WHERE id = @id`)
			.run({ ...values, id, updatedAt: new Date().toISOString() });
		return this.#get(id);
	}

	replaceCode(id: string, code: string, patch: RoomPatch): Promise<RoomRecord | undefined> {
		return this.#sql.request(this.#db.transaction(() => {
			const current = this.#get(id);
			if (!current) return undefined;
			if (this.#retired.get(code)) throw new CodeTakenError(`code ${code} was retired`);
			this.#db.prepare('INSERT INTO retired_codes (code, room_id, retired_at) VALUES (?, ?, ?)')
				.run(current.code, id, new Date().toISOString());
			try {
				return this.#update(id, { ...patch, code });
			} catch (error) {
				if (isUniqueViolation(error)) throw new CodeTakenError(`code ${code} is in use`);
				throw error;
			}
		}));
	}

	isRetiredCode(code: string): Promise<boolean> {
		return this.#sql.request(() => this.#retired.get(code) !== undefined);
	}
}
