/** The webhook outbox, in PostgreSQL. */
import type { DeliveryAttempt } from '../../../shared/api.js';
import { deliveryFromRow, type DeliveryRow } from '../rows.js';
import type { NewOutboxEntry, OutboxEntry, WebhookOutbox } from '../WebhookOutbox.js';
import type { PgExecutor } from './PgExecutor.js';

export class PgWebhookOutbox implements WebhookOutbox {
	readonly #sql: PgExecutor;

	constructor(sql: PgExecutor) {
		this.#sql = sql;
	}

	enqueue(entry: NewOutboxEntry): Promise<void> {
		return this.#sql.record(async (db) => {
			await db.query(`INSERT INTO webhook_deliveries (id, app_id, room_id, event, body, status, next_attempt_at, created_at)
				VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)`,
			[entry.id, entry.appId, entry.roomId, entry.event, entry.body, entry.nextAttemptAt, entry.createdAt]);
		});
	}

	pendingHeads(): Promise<OutboxEntry[]> {
		return this.#sql.request(async (db) => (await db.query<DeliveryRow>(`SELECT DISTINCT ON (app_id, room_id) * FROM webhook_deliveries
			WHERE status = 'pending' ORDER BY app_id, room_id, seq`)).rows.map(deliveryFromRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt));
	}

	recordAttempt(seq: number, status: OutboxEntry['status'], attempts: DeliveryAttempt[], nextAttemptAt: number): Promise<void> {
		return this.#sql.record(async (db) => {
			await db.query('UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = $4 WHERE seq = $1', [seq, status, JSON.stringify(attempts), nextAttemptAt]);
		});
	}

	list(appId: string, roomId: string | undefined, limit: number): Promise<OutboxEntry[]> {
		return this.#sql.request(async (db) => (roomId
			? await db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE app_id = $1 AND room_id = $2 ORDER BY seq DESC LIMIT $3', [appId, roomId, limit])
			: await db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE app_id = $1 ORDER BY seq DESC LIMIT $2', [appId, limit])).rows.map(deliveryFromRow));
	}
}
