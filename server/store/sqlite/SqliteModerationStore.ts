/** Removals (bans) and the moderation timeline, in the service's SQLite file. */
import type Database from 'better-sqlite3';
import type { ModerationEvent } from '../../../shared/protocol.js';
import type { Ban, BanStore, NewModerationEvent, TimelineStore } from '../RoomStore.js';
import type { SqliteExecutor } from './SqliteExecutor.js';

interface EventRow {
	id: number;
	at: string;
	type: ModerationEvent['type'];
	actor: string;
	subject: string | null;
	data: string | null;
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

export class SqliteModerationStore implements BanStore, TimelineStore {
	readonly #db: Database.Database;
	readonly #sql: SqliteExecutor;
	readonly #ban: Database.Statement<[string, string, string, string]>;
	readonly #banned: Database.Statement<[string, string, string], { kind: string }>;
	readonly #insertEvent: Database.Statement<[string, string, string, string, string | null, string | null]>;
	readonly #events: Database.Statement<[string, number, number], EventRow>;
	readonly #deny: Database.Statement<[string, string, string, string]>;
	readonly #denied: Database.Statement<[string, string, string], { kind: string }>;
	readonly #denials: Database.Statement<[string], Ban>;

	constructor(db: Database.Database, sql: SqliteExecutor) {
		this.#db = db;
		this.#sql = sql;
		this.#ban = db.prepare('INSERT OR IGNORE INTO room_bans (room_id, kind, value, created_at) VALUES (?, ?, ?, ?)');
		this.#banned = db.prepare('SELECT kind FROM room_bans WHERE room_id = ? AND kind = ? AND value = ?');
		this.#insertEvent = db.prepare('INSERT INTO room_events (room_id, at, type, actor, subject, data) VALUES (?, ?, ?, ?, ?, ?)');
		this.#events = db.prepare('SELECT * FROM room_events WHERE room_id = ? AND id > ? ORDER BY id LIMIT ?');
		this.#deny = db.prepare('INSERT OR IGNORE INTO room_denials (room_id, kind, value, created_at) VALUES (?, ?, ?, ?)');
		this.#denied = db.prepare('SELECT kind FROM room_denials WHERE room_id = ? AND kind = ? AND value = ?');
		this.#denials = db.prepare('SELECT kind, value FROM room_denials WHERE room_id = ?');
	}

	addBans(roomId: string, bans: Ban[]): Promise<void> {
		const at = new Date().toISOString();
		return this.#sql.record(this.#db.transaction(() => {
			for (const ban of bans) this.#ban.run(roomId, ban.kind, ban.value, at);
		}));
	}

	isBanned(roomId: string, candidates: Ban[]): Promise<boolean> {
		return this.#sql.request(() => candidates.some((ban) => this.#banned.get(roomId, ban.kind, ban.value) !== undefined));
	}

	addDenials(roomId: string, denials: Ban[]): Promise<void> {
		const at = new Date().toISOString();
		return this.#sql.record(this.#db.transaction(() => {
			for (const denial of denials) this.#deny.run(roomId, denial.kind, denial.value, at);
		}));
	}

	isDenied(roomId: string, candidates: Ban[]): Promise<boolean> {
		return this.#sql.request(() => candidates.some((denial) => this.#denied.get(roomId, denial.kind, denial.value) !== undefined));
	}

	denialsOf(roomId: string): Promise<Ban[]> {
		return this.#sql.request(() => this.#denials.all(roomId));
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
		return this.#sql.request(() => this.#events.all(roomId, afterId, limit).map(fromEventRow));
	}
}
