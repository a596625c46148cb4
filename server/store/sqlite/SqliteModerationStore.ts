/** Removals (bans) and the moderation timeline, in the service's SQLite file. */
import type Database from 'better-sqlite3';
import type { ModerationEvent } from '../../../shared/protocol.js';
import type { Ban, BanStore, NewModerationEvent, TimelineStore } from '../RoomStore.js';

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
	readonly #ban: Database.Statement<[string, string, string, string]>;
	readonly #banned: Database.Statement<[string, string, string], { kind: string }>;
	readonly #insertEvent: Database.Statement<[string, string, string, string, string | null, string | null]>;
	readonly #events: Database.Statement<[string, number, number], EventRow>;

	constructor(db: Database.Database) {
		this.#db = db;
		this.#ban = db.prepare('INSERT OR IGNORE INTO room_bans (room_id, kind, value, created_at) VALUES (?, ?, ?, ?)');
		this.#banned = db.prepare('SELECT kind FROM room_bans WHERE room_id = ? AND kind = ? AND value = ?');
		this.#insertEvent = db.prepare('INSERT INTO room_events (room_id, at, type, actor, subject, data) VALUES (?, ?, ?, ?, ?, ?)');
		this.#events = db.prepare('SELECT * FROM room_events WHERE room_id = ? AND id > ? ORDER BY id LIMIT ?');
	}

	async addBans(roomId: string, bans: Ban[]): Promise<void> {
		const at = new Date().toISOString();
		this.#db.transaction(() => {
			for (const ban of bans) this.#ban.run(roomId, ban.kind, ban.value, at);
		})();
	}

	async isBanned(roomId: string, candidates: Ban[]): Promise<boolean> {
		return candidates.some((ban) => this.#banned.get(roomId, ban.kind, ban.value) !== undefined);
	}

	async appendEvent(roomId: string, event: NewModerationEvent): Promise<ModerationEvent> {
		const at = new Date().toISOString();
		const { lastInsertRowid } = this.#insertEvent.run(roomId, at, event.type, JSON.stringify(event.actor),
			event.subject ? JSON.stringify(event.subject) : null, event.data ? JSON.stringify(event.data) : null);
		return { id: Number(lastInsertRowid), at, ...event };
	}

	async listEvents(roomId: string, afterId: number, limit: number): Promise<ModerationEvent[]> {
		return this.#events.all(roomId, afterId, limit).map(fromEventRow);
	}
}
