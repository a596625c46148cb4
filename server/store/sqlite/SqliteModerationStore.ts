/** Barred people (removed or denied), co-hosts and the moderation timeline, in the service's SQLite file. */
import type Database from 'better-sqlite3';
import type { ModerationEvent } from '../../../shared/protocol.js';
import { eventFromRow, type EventRow } from '../rows.js';
import type { Ban, BarReason, BarredStore, CohostStore, NewModerationEvent, TimelineStore } from '../RoomStore.js';
import type { SqliteExecutor } from './SqliteExecutor.js';

export class SqliteModerationStore implements BarredStore, CohostStore, TimelineStore {
	readonly #db: Database.Database;
	readonly #sql: SqliteExecutor;
	readonly #bar: Database.Statement<[string, BarReason, string, string, string]>;
	readonly #reasons: Database.Statement<[string, string, string], { reason: BarReason }>;
	readonly #barredOf: Database.Statement<[string, BarReason], Ban>;
	readonly #insertEvent: Database.Statement<[string, string, string, string, string | null, string | null]>;
	readonly #events: Database.Statement<[string, number, number], EventRow>;

	constructor(db: Database.Database, sql: SqliteExecutor) {
		this.#db = db;
		this.#sql = sql;
		this.#bar = db.prepare('INSERT OR IGNORE INTO room_barred (room_id, reason, kind, value, created_at) VALUES (?, ?, ?, ?, ?)');
		this.#reasons = db.prepare('SELECT reason FROM room_barred WHERE room_id = ? AND kind = ? AND value = ?');
		this.#barredOf = db.prepare('SELECT kind, value FROM room_barred WHERE room_id = ? AND reason = ?');
		this.#insertEvent = db.prepare('INSERT INTO room_events (room_id, at, type, actor, subject, data) VALUES (?, ?, ?, ?, ?, ?)');
		this.#events = db.prepare('SELECT * FROM room_events WHERE room_id = ? AND id > ? ORDER BY id LIMIT ?');
	}

	bar(roomId: string, reason: BarReason, keys: Ban[]): Promise<void> {
		const at = new Date().toISOString();
		return this.#sql.record(this.#db.transaction(() => {
			for (const key of keys) this.#bar.run(roomId, reason, key.kind, key.value, at);
		}));
	}

	reasonsBarred(roomId: string, candidates: Ban[]): Promise<BarReason[]> {
		return this.#sql.request(() => [...new Set(candidates.flatMap((key) => this.#reasons.all(roomId, key.kind, key.value).map(({ reason }) => reason)))]);
	}

	barredOf(roomId: string, reason: BarReason): Promise<Ban[]> {
		return this.#sql.request(() => this.#barredOf.all(roomId, reason));
	}

	cohostsOf(roomId: string): Promise<string[]> {
		return this.#sql.request(() => this.#db.prepare<[string], { participant_id: string }>(
			'SELECT participant_id FROM room_roles WHERE room_id = ? ORDER BY rowid').all(roomId).map((row) => row.participant_id));
	}

	setCohost(roomId: string, participantId: string, cohost: boolean): Promise<void> {
		const at = new Date().toISOString();
		return this.#sql.record(() => {
			if (cohost) this.#db.prepare('INSERT OR IGNORE INTO room_roles (room_id, participant_id, appointed_at) VALUES (?, ?, ?)').run(roomId, participantId, at);
			else this.#db.prepare('DELETE FROM room_roles WHERE room_id = ? AND participant_id = ?').run(roomId, participantId);
		});
	}

	appendEvent(roomId: string, event: NewModerationEvent, when = new Date()): Promise<ModerationEvent> {
		// The time the event happened, not when a queued write got through.
		const at = when.toISOString();
		return this.#sql.record(() => {
			const { lastInsertRowid } = this.#insertEvent.run(roomId, at, event.type, JSON.stringify(event.actor),
				event.subject ? JSON.stringify(event.subject) : null, event.data ? JSON.stringify(event.data) : null);
			return { id: Number(lastInsertRowid), at, ...event };
		});
	}

	listEvents(roomId: string, afterId: number, limit: number): Promise<ModerationEvent[]> {
		return this.#sql.request(() => this.#events.all(roomId, afterId, limit).map(eventFromRow));
	}
}
