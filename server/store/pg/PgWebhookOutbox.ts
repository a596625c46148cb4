/** The webhook outbox, in PostgreSQL. */
import type { DeliveryAttempt } from '../../../shared/api.js';
import { deliveryFromRow, type DeliveryRow } from '../rows.js';
import type { ClaimedHeads, NewOutboxEntry, OutboxEntry, WebhookOutbox } from '../WebhookOutbox.js';
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

	claimHeads(owner: string, now: number, leaseMs: number, max: number): Promise<ClaimedHeads> {
		return this.#sql.request(async (db) => {
			// Two nodes claiming at once may pick the same head: the second's UPDATE waits for the first's row lock,
			// then checks the claim again on the row as the first left it, and leaves it.
			const { rows } = await db.query<DeliveryRow>(`WITH heads AS (
					SELECT DISTINCT ON (app_id, room_id) seq, next_attempt_at, claimed_until FROM webhook_deliveries
					WHERE status = 'pending' ORDER BY app_id, room_id, seq
				), due AS (
					SELECT seq FROM heads WHERE next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2)
					ORDER BY next_attempt_at LIMIT $4
				)
				UPDATE webhook_deliveries d SET claimed_by = $1, claimed_until = $3 FROM due
				WHERE d.seq = due.seq AND d.status = 'pending' AND (d.claimed_until IS NULL OR d.claimed_until <= $2)
				RETURNING d.*`, [owner, now, now + leaseMs, max]);
			const { rows: [next] } = await db.query<{ due: string | null }>(`SELECT MIN(GREATEST(next_attempt_at, COALESCE(claimed_until, 0))) AS due FROM (
					SELECT DISTINCT ON (app_id, room_id) next_attempt_at, claimed_until FROM webhook_deliveries
					WHERE status = 'pending' ORDER BY app_id, room_id, seq
				) heads WHERE GREATEST(next_attempt_at, COALESCE(claimed_until, 0)) > $1`, [now]);
			return { claimed: rows.map(deliveryFromRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt), nextDueAt: next?.due == null ? undefined : Number(next.due) };
		});
	}

	releaseClaims(owner: string): Promise<void> {
		return this.#sql.request(async (db) => {
			await db.query('UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1 AND status = \'pending\'', [owner]);
		});
	}

	recordAttempt(seq: number, status: OutboxEntry['status'], attempts: DeliveryAttempt[], nextAttemptAt: number): Promise<void> {
		return this.#sql.record(async (db) => {
			await db.query('UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = $4, claimed_by = NULL, claimed_until = NULL WHERE seq = $1',
				[seq, status, JSON.stringify(attempts), nextAttemptAt]);
		});
	}

	pendingCount(): Promise<number> {
		return this.#sql.request(async (db) => Number((await db.query<{ count: string }>('SELECT COUNT(*) AS count FROM webhook_deliveries WHERE status = \'pending\'')).rows[0]!.count));
	}

	list(appId: string, roomId: string | undefined, limit: number): Promise<OutboxEntry[]> {
		return this.#sql.request(async (db) => (roomId
			? await db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE app_id = $1 AND room_id = $2 ORDER BY seq DESC LIMIT $3', [appId, roomId, limit])
			: await db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE app_id = $1 ORDER BY seq DESC LIMIT $2', [appId, limit])).rows.map(deliveryFromRow));
	}
}
