/** Who sits where across a cluster (PresenceStore), in PostgreSQL. */
import type { PresenceStore, SeatedPerson } from '../PresenceStore.js';
import type { PgExecutor } from './PgExecutor.js';

export class PgPresenceStore implements PresenceStore {
	readonly #sql: PgExecutor;

	constructor(sql: PgExecutor) {
		this.#sql = sql;
	}

	seat(person: SeatedPerson, nodeId: string): Promise<{ fromNode: string } | undefined> {
		return this.#sql.record(async (db) => {
			// The old row's node, read in the same statement that replaces it (a CTE sees the table before the upsert).
			const { rows: [row] } = await db.query<{ from_node: string | null }>(`WITH before AS (
					SELECT node_id FROM room_presence WHERE room_id = $1 AND participant_id = $2
				)
				INSERT INTO room_presence (room_id, participant_id, name, node_id, seated_at) VALUES ($1, $2, $3, $4, now())
				ON CONFLICT (room_id, participant_id) DO UPDATE SET name = $3, node_id = $4, seated_at = now()
				RETURNING (SELECT node_id FROM before) AS from_node`, [person.roomId, person.participantId, person.name, nodeId]);
			return row?.from_node ? { fromNode: row.from_node } : undefined;
		});
	}

	seatedIn(roomId: string): Promise<SeatedPerson[]> {
		return this.#sql.request(async (db) => (await db.query<{ participant_id: string; name: string }>(
			'SELECT participant_id, name FROM room_presence WHERE room_id = $1 ORDER BY seated_at, participant_id', [roomId])).rows
			.map((row) => ({ roomId, participantId: row.participant_id, name: row.name })));
	}

	unseat(roomId: string, participantId: string): Promise<void> {
		return this.#sql.record(async (db) => {
			await db.query('DELETE FROM room_presence WHERE room_id = $1 AND participant_id = $2', [roomId, participantId]);
		});
	}

	takeStranded(graceSeconds: number): Promise<(SeatedPerson & { nodeId: string })[]> {
		// A DELETE … RETURNING takes each row once, however many nodes sweep at the same time.
		return this.#take(`DELETE FROM room_presence p USING nodes n
			WHERE p.node_id = n.id AND n.state = 'dead' AND n.heartbeat_at < now() - make_interval(secs => $1)
			RETURNING p.room_id, p.participant_id, p.name, p.node_id`, [graceSeconds]);
	}

	takeAllOf(nodeId: string, before: Date): Promise<(SeatedPerson & { nodeId: string })[]> {
		return this.#take('DELETE FROM room_presence WHERE node_id = $1 AND seated_at < $2 RETURNING room_id, participant_id, name, node_id', [nodeId, before]);
	}

	#take(query: string, values: unknown[]): Promise<(SeatedPerson & { nodeId: string })[]> {
		return this.#sql.request(async (db) => (await db.query<{ room_id: string; participant_id: string; name: string; node_id: string }>(query, values)).rows
			.map((row) => ({ roomId: row.room_id, participantId: row.participant_id, name: row.name, nodeId: row.node_id })));
	}
}
