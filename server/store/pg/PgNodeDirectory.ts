/** The directory of nodes and room placements, in the PostgreSQL the nodes share. */
import type pg from 'pg';
import type { NodeDirectory, NodeRecord, NodeState, Placement } from '../NodeDirectory.js';
import { type PgExecutor, transaction } from './PgExecutor.js';

interface NodeRow {
	id: string;
	incarnation: string;
	internal_url: string;
	state: NodeState;
	load: number;
	silent_seconds: number;
}

interface PlacementRow {
	room_id: string;
	node_id: string;
	epoch: number;
	internal_url: string;
}

const toPlacement = (row: PlacementRow): Placement => ({ roomId: row.room_id, nodeId: row.node_id, epoch: row.epoch, internalUrl: row.internal_url });

export class PgNodeDirectory implements NodeDirectory {
	readonly #sql: PgExecutor;

	constructor(sql: PgExecutor) {
		this.#sql = sql;
	}

	register(node: Pick<NodeRecord, 'id' | 'incarnation' | 'internalUrl'>): Promise<void> {
		return this.#sql.request(async (db) => {
			await db.query(`INSERT INTO nodes (id, incarnation, internal_url, state, load, heartbeat_at) VALUES ($1, $2, $3, 'serving', 0, now())
				ON CONFLICT (id) DO UPDATE SET incarnation = $2, internal_url = $3, state = 'serving', load = 0, heartbeat_at = now()`,
			[node.id, node.incarnation, node.internalUrl]);
		});
	}

	heartbeat(id: string, incarnation: string, load: number, state: Exclude<NodeState, 'dead'>): Promise<boolean> {
		return this.#sql.request(async (db) => (await db.query(
			`UPDATE nodes SET heartbeat_at = now(), load = $3, state = $4 WHERE id = $1 AND incarnation = $2 AND state != 'dead'`,
			[id, incarnation, load, state])).rowCount === 1);
	}

	nodes(): Promise<NodeRecord[]> {
		return this.#sql.request(async (db) => (await db.query<NodeRow>(
			'SELECT id, incarnation, internal_url, state, load, EXTRACT(EPOCH FROM now() - heartbeat_at)::float8 AS silent_seconds FROM nodes ORDER BY id'))
			.rows.map((row) => ({ id: row.id, incarnation: row.incarnation, internalUrl: row.internal_url, state: row.state, load: row.load, silentSeconds: row.silent_seconds })));
	}

	placementOf(roomId: string): Promise<Placement | undefined> {
		return this.#sql.request(async (db) => {
			const { rows: [row] } = await db.query<PlacementRow>('SELECT p.room_id, p.node_id, p.epoch, n.internal_url FROM room_placements p JOIN nodes n ON n.id = p.node_id WHERE p.room_id = $1', [roomId]);
			return row && toPlacement(row);
		});
	}

	placementsOn(nodeId: string, olderThanSeconds: number): Promise<Placement[]> {
		return this.#sql.request(async (db) => (await db.query<PlacementRow>(`SELECT p.room_id, p.node_id, p.epoch, n.internal_url FROM room_placements p JOIN nodes n ON n.id = p.node_id
			WHERE p.node_id = $1 AND p.placed_at < now() - make_interval(secs => $2) ORDER BY p.placed_at`, [nodeId, olderThanSeconds])).rows.map(toPlacement));
	}

	place(roomId: string, timeoutSeconds: number, preferred?: string): Promise<Placement | undefined> {
		return this.#sql.request(transaction(async (db) => {
			// Whoever comes second waits here for the first to commit, then reads its placement.
			await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`placement:${roomId}`]);
			const { rows: [current] } = await db.query<PlacementRow & { state: NodeState }>(
				'SELECT p.room_id, p.node_id, p.epoch, n.internal_url, n.state FROM room_placements p JOIN nodes n ON n.id = p.node_id WHERE p.room_id = $1', [roomId]);
			if (current && current.state !== 'dead') return toPlacement(current);
			const node = await this.#leastLoaded(db, timeoutSeconds, preferred);
			if (!node) return undefined;
			const { rows: [placed] } = await db.query<Omit<PlacementRow, 'internal_url'>>(`INSERT INTO room_placements (room_id, node_id, epoch, placed_at) VALUES ($1, $2, 1, now())
				ON CONFLICT (room_id) DO UPDATE SET node_id = $2, epoch = room_placements.epoch + 1, placed_at = now()
				RETURNING room_id, node_id, epoch`, [roomId, node.id]);
			return toPlacement({ ...placed!, internal_url: node.internal_url });
		}));
	}

	/** The preferred node, else the serving node heard from lately with the fewest rooms placed on it, then the least reported load. */
	async #leastLoaded(db: pg.ClientBase, timeoutSeconds: number, preferred: string | undefined): Promise<{ id: string; internal_url: string } | undefined> {
		const { rows: [node] } = await db.query<{ id: string; internal_url: string }>(`SELECT n.id, n.internal_url FROM nodes n LEFT JOIN room_placements p ON p.node_id = n.id
			WHERE n.state = 'serving' AND n.heartbeat_at > now() - make_interval(secs => $1)
			GROUP BY n.id, n.internal_url, n.load ORDER BY n.id = $2 DESC, COUNT(p.room_id), n.load, n.id LIMIT 1`, [timeoutSeconds, preferred ?? '']);
		return node;
	}

	release(placement: Placement): Promise<void> {
		return this.#sql.record(async (db) => {
			await db.query('DELETE FROM room_placements WHERE room_id = $1 AND node_id = $2 AND epoch = $3', [placement.roomId, placement.nodeId, placement.epoch]);
		});
	}

	markDead(id: string): Promise<void> {
		return this.#sql.request(async (db) => {
			await db.query("UPDATE nodes SET state = 'dead' WHERE id = $1", [id]);
		});
	}
}
