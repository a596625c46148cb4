/** Barred people (removed or denied), co-hosts and the moderation timeline, in PostgreSQL. */
import type { ModerationEvent } from '../../../shared/protocol.js';
import { eventFromRow, type EventRow } from '../rows.js';
import type { Ban, BarReason, BarredStore, CohostStore, NewModerationEvent, TimelineStore } from '../RoomStore.js';
import type { PgExecutor } from './PgExecutor.js';

export class PgModerationStore implements BarredStore, CohostStore, TimelineStore {
	readonly #sql: PgExecutor;

	constructor(sql: PgExecutor) {
		this.#sql = sql;
	}

	bar(roomId: string, reason: BarReason, keys: Ban[]): Promise<void> {
		const at = new Date().toISOString();
		return this.#sql.record(async (db) => {
			// One statement for every key: all of them or none.
			await db.query(`INSERT INTO room_barred (room_id, reason, kind, value, created_at)
				SELECT $1, $2, kind, value, $3 FROM UNNEST($4::text[], $5::text[]) AS keys (kind, value) ON CONFLICT DO NOTHING`,
			[roomId, reason, at, keys.map(({ kind }) => kind), keys.map(({ value }) => value)]);
		});
	}

	reasonsBarred(roomId: string, candidates: Ban[]): Promise<BarReason[]> {
		return this.#sql.request(async (db) => (await db.query<{ reason: BarReason }>(
			`SELECT DISTINCT reason FROM room_barred WHERE room_id = $1 AND (kind, value) IN (SELECT * FROM UNNEST($2::text[], $3::text[]))`,
			[roomId, candidates.map(({ kind }) => kind), candidates.map(({ value }) => value)])).rows.map(({ reason }) => reason));
	}

	barredOf(roomId: string, reason: BarReason): Promise<Ban[]> {
		return this.#sql.request(async (db) => (await db.query<Ban>('SELECT kind, value FROM room_barred WHERE room_id = $1 AND reason = $2', [roomId, reason])).rows);
	}

	cohostsOf(roomId: string): Promise<string[]> {
		return this.#sql.request(async (db) => (await db.query<{ participant_id: string }>(
			'SELECT participant_id FROM room_roles WHERE room_id = $1 ORDER BY seq', [roomId])).rows.map((row) => row.participant_id));
	}

	setCohost(roomId: string, participantId: string, cohost: boolean): Promise<void> {
		const at = new Date().toISOString();
		return this.#sql.record(async (db) => {
			if (cohost) await db.query('INSERT INTO room_roles (room_id, participant_id, appointed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [roomId, participantId, at]);
			else await db.query('DELETE FROM room_roles WHERE room_id = $1 AND participant_id = $2', [roomId, participantId]);
		});
	}

	appendEvent(roomId: string, event: NewModerationEvent, when = new Date()): Promise<ModerationEvent> {
		// The time the event happened, not when a queued write got through.
		const at = when.toISOString();
		return this.#sql.record(async (db) => {
			const { rows: [row] } = await db.query<{ id: string }>('INSERT INTO room_events (room_id, at, type, actor, subject, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
				[roomId, at, event.type, JSON.stringify(event.actor), event.subject ? JSON.stringify(event.subject) : null, event.data ? JSON.stringify(event.data) : null]);
			return { id: Number(row!.id), at, ...event };
		});
	}

	listEvents(roomId: string, afterId: number, limit: number): Promise<ModerationEvent[]> {
		return this.#sql.request(async (db) => (await db.query<EventRow>(
			'SELECT * FROM room_events WHERE room_id = $1 AND id > $2 ORDER BY id LIMIT $3', [roomId, afterId, limit])).rows.map(eventFromRow));
	}
}
