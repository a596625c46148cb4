/** Rooms and their invite codes, in PostgreSQL. */
import type pg from 'pg';
import { CodeTakenError, type OwnerQuota, OwnerQuotaError, type PurgeCounts, type RoomPatch, type RoomPosition, type RoomRecord, type RoomStore } from '../RoomStore.js';
import { ROOM_COLUMNS, roomFromRow, type RoomRow } from '../rows.js';
import { type PgExecutor, transaction } from './PgExecutor.js';

const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === UNIQUE_VIOLATION;

export class PgRoomStore implements RoomStore {
	readonly #sql: PgExecutor;

	constructor(sql: PgExecutor) {
		this.#sql = sql;
	}

	insertRoom(room: RoomRecord, quota?: OwnerQuota): Promise<void> {
		return this.#sql.request(transaction(async (db) => {
			if (quota) {
				// One owner's creations one at a time, on every node: their counts and the insert cannot interleave.
				await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [room.ownerIdentity]);
				const { rows: [counts] } = await db.query<{ open: string; created: string }>(`SELECT
					COUNT(*) FILTER (WHERE status = 'open' AND (expires_at IS NULL OR expires_at > $2)) AS open,
					COUNT(*) FILTER (WHERE created_at >= $3) AS created
					FROM rooms WHERE owner_identity = $1`, [room.ownerIdentity, room.createdAt, quota.since]);
				if (Number(counts!.open) >= quota.maxOpen) throw new OwnerQuotaError('open', quota.maxOpen);
				if (Number(counts!.created) >= quota.maxCreatedSince) throw new OwnerQuotaError('created', quota.maxCreatedSince);
			}
			await this.#claimCode(db, room.code, room.id);
			const columns = Object.values(ROOM_COLUMNS);
			await db.query(`INSERT INTO rooms (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
				Object.keys(ROOM_COLUMNS).map((field) => room[field as keyof RoomRecord]));
		}));
	}

	/** Takes `code` for the room: live and retired codes share one key, so a taken one is a unique violation. */
	async #claimCode(db: pg.ClientBase, code: string, roomId: string): Promise<void> {
		try {
			await db.query('INSERT INTO invite_codes (code, room_id) VALUES ($1, $2)', [code, roomId]);
		} catch (error) {
			if (isUniqueViolation(error)) throw new CodeTakenError(`code ${code} is in use or was retired`);
			throw error;
		}
	}

	getRoom(id: string): Promise<RoomRecord | undefined> {
		return this.#sql.request((db) => this.#get(db, id));
	}

	async #get(db: pg.ClientBase, id: string): Promise<RoomRecord | undefined> {
		const { rows: [row] } = await db.query<RoomRow>('SELECT * FROM rooms WHERE id = $1', [id]);
		return row && roomFromRow(row);
	}

	getRoomByCode(code: string): Promise<RoomRecord | undefined> {
		return this.#sql.request(async (db) => {
			const { rows: [row] } = await db.query<RoomRow>('SELECT * FROM rooms WHERE code = $1', [code]);
			return row && roomFromRow(row);
		});
	}

	async listRoomsByOwners(ownerIdentities: string[], { limit, after }: { limit: number; after?: RoomPosition }): Promise<RoomRecord[]> {
		if (ownerIdentities.length === 0) return [];
		// Keyset paging, as in SQLite: newest first, then by id.
		const continuing = after ? 'AND (created_at < $3 OR (created_at = $3 AND id > $4))' : '';
		return this.#sql.request(async (db) => (await db.query<RoomRow>(
			`SELECT * FROM rooms WHERE owner_identity = ANY($1) ${continuing} ORDER BY created_at DESC, id LIMIT $2`,
			[ownerIdentities, limit, ...(after ? [after.createdAt, after.id] : [])])).rows.map(roomFromRow));
	}

	purge({ roomsBefore, deliveriesBefore, keep }: { roomsBefore: Date; deliveriesBefore: Date; keep: ReadonlySet<string> }): Promise<PurgeCounts> {
		const rooms = roomsBefore.toISOString();
		return this.#sql.request(transaction(async (db) => {
			// `keep` holds the rooms live on this node; a room placed on another node that is not dead is live there.
			const { rows } = await db.query<{ id: string }>(
				`SELECT id FROM rooms WHERE ((status = 'ended' AND ended_at < $1) OR (expires_at IS NOT NULL AND expires_at < $1)) AND NOT id = ANY($2)
				AND NOT EXISTS (SELECT 1 FROM room_placements p JOIN nodes n ON n.id = p.node_id WHERE p.room_id = rooms.id AND n.state != 'dead')
				FOR UPDATE`, [rooms, [...keep]]);
			const ids = rows.map(({ id }) => id);
			const deleted = async (query: string, values: unknown[]) => (await db.query(query, values)).rowCount ?? 0;
			const counts: PurgeCounts = {
				events: await deleted('DELETE FROM room_events WHERE room_id = ANY($1)', [ids]),
				retiredCodes: await deleted('DELETE FROM invite_codes WHERE room_id = ANY($1) AND retired_at IS NOT NULL', [ids]),
				// A pending delivery stays until it is delivered or given up: the app still gets told.
				deliveries: await deleted("DELETE FROM webhook_deliveries WHERE room_id = ANY($1) AND status != 'pending'", [ids]),
				rooms: 0,
			};
			await db.query('DELETE FROM room_barred WHERE room_id = ANY($1)', [ids]);
			await db.query('DELETE FROM room_roles WHERE room_id = ANY($1)', [ids]);
			// A dead node's placement, and whoever it still had on the record (names), go with the room.
			await db.query('DELETE FROM room_placements WHERE room_id = ANY($1)', [ids]);
			await db.query('DELETE FROM room_presence WHERE room_id = ANY($1)', [ids]);
			await db.query('DELETE FROM invite_codes WHERE room_id = ANY($1)', [ids]);
			counts.rooms = await deleted('DELETE FROM rooms WHERE id = ANY($1)', [ids]);
			counts.retiredCodes += await deleted('DELETE FROM invite_codes WHERE retired_at < $1', [rooms]);
			counts.deliveries += await deleted("DELETE FROM webhook_deliveries WHERE status != 'pending' AND created_at < $1", [deliveriesBefore.toISOString()]);
			return counts;
		}));
	}

	updateRoom(id: string, patch: RoomPatch): Promise<RoomRecord | undefined> {
		return this.#sql.request((db) => this.#update(db, id, patch));
	}

	async #update(db: pg.ClientBase, id: string, patch: RoomPatch & { code?: string }): Promise<RoomRecord | undefined> {
		const set = Object.entries(patch).filter(([, value]) => value !== undefined);
		const assignments = set.map(([field], i) => `${ROOM_COLUMNS[field as keyof typeof ROOM_COLUMNS]} = $${i + 3}`);
		const { rows: [row] } = await db.query<RoomRow>(`UPDATE rooms SET ${[...assignments, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING *`,
			[id, new Date().toISOString(), ...set.map(([, value]) => value)]);
		return row && roomFromRow(row);
	}

	replaceCode(id: string, code: string, patch: RoomPatch): Promise<RoomRecord | undefined> {
		return this.#sql.request(transaction(async (db) => {
			const { rows: [current] } = await db.query<{ code: string }>('SELECT code FROM rooms WHERE id = $1 FOR UPDATE', [id]);
			if (!current) return undefined;
			await this.#claimCode(db, code, id);
			await db.query('UPDATE invite_codes SET retired_at = $2 WHERE code = $1', [current.code, new Date().toISOString()]);
			return this.#update(db, id, { ...patch, code });
		}));
	}

	isRetiredCode(code: string): Promise<boolean> {
		return this.#sql.request(async (db) => (await db.query('SELECT 1 FROM invite_codes WHERE code = $1 AND retired_at IS NOT NULL', [code])).rowCount === 1);
	}
}
