/** The webhook outbox, in the service's SQLite file. */
import type Database from 'better-sqlite3';
import type { DeliveryAttempt } from '../../../shared/api.js';
import { deliveryFromRow, type DeliveryRow } from '../rows.js';
import type { ClaimedHeads, NewOutboxEntry, OutboxEntry, WebhookOutbox } from '../WebhookOutbox.js';
import type { SqliteExecutor } from './SqliteExecutor.js';

export class SqliteWebhookOutbox implements WebhookOutbox {
	readonly #db: Database.Database;
	readonly #sql: SqliteExecutor;

	constructor(db: Database.Database, sql: SqliteExecutor) {
		this.#db = db;
		this.#sql = sql;
	}

	enqueue(entry: NewOutboxEntry): Promise<void> {
		return this.#sql.record(() => {
			this.#db.prepare(`INSERT INTO webhook_deliveries (id, app_id, room_id, event, body, status, next_attempt_at, created_at)
				VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`)
				.run(entry.id, entry.appId, entry.roomId, entry.event, entry.body, entry.nextAttemptAt, entry.createdAt);
		});
	}

	claimHeads(owner: string, now: number, leaseMs: number, max: number): Promise<ClaimedHeads> {
		// One writer, one transaction: the select and the updates are one step of the executor, nobody claims in between.
		return this.#sql.request(this.#db.transaction(() => {
			const heads = this.#db.prepare<[], DeliveryRow & { claimed_until: number | null }>(`SELECT * FROM webhook_deliveries d WHERE status = 'pending' AND seq = (
				SELECT MIN(seq) FROM webhook_deliveries WHERE status = 'pending' AND app_id = d.app_id AND room_id = d.room_id)
				ORDER BY next_attempt_at`).all();
			const free = heads.filter((row) => (row.claimed_until ?? 0) <= now);
			const claimed = free.filter((row) => Number(row.next_attempt_at) <= now).slice(0, max);
			const claim = this.#db.prepare('UPDATE webhook_deliveries SET claimed_by = ?, claimed_until = ? WHERE seq = ?');
			for (const row of claimed) claim.run(owner, now + leaseMs, row.seq);
			const later = heads.map((row) => Math.max(Number(row.next_attempt_at), row.claimed_until ?? 0)).filter((due) => due > now);
			return { claimed: claimed.map(deliveryFromRow), nextDueAt: later.length > 0 ? Math.min(...later) : undefined };
		}));
	}

	releaseClaims(owner: string): Promise<void> {
		return this.#sql.request(() => {
			this.#db.prepare('UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ? AND status = \'pending\'').run(owner);
		});
	}

	recordAttempt(seq: number, status: OutboxEntry['status'], attempts: DeliveryAttempt[], nextAttemptAt: number): Promise<void> {
		return this.#sql.record(() => {
			this.#db.prepare('UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL WHERE seq = ?')
				.run(status, JSON.stringify(attempts), nextAttemptAt, seq);
		});
	}

	pendingCount(): Promise<number> {
		return this.#sql.request(() => this.#db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM webhook_deliveries WHERE status = \'pending\'').get()!.count);
	}

	list(appId: string, roomId: string | undefined, limit: number): Promise<OutboxEntry[]> {
		return this.#sql.request(() => (roomId
			? this.#db.prepare<[string, string, number], DeliveryRow>(
				'SELECT * FROM webhook_deliveries WHERE app_id = ? AND room_id = ? ORDER BY seq DESC LIMIT ?').all(appId, roomId, limit)
			: this.#db.prepare<[string, number], DeliveryRow>(
				'SELECT * FROM webhook_deliveries WHERE app_id = ? ORDER BY seq DESC LIMIT ?').all(appId, limit)).map(deliveryFromRow));
	}
}
