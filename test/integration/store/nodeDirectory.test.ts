/**
 * The node directory on a real PostgreSQL 15, with several nodes' stores on
 * one database as several servers would have: first joins racing on two
 * nodes agree on one placement; rooms spread over the serving nodes; a node
 * not heard from, draining or dead takes no new room; a dead node's rooms
 * are placed again under a new epoch, and its heartbeats say it lost them;
 * a node's placements older than an age are listed (for releasing unused ones).
 */
import { pino } from 'pino';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Placement } from '../../../server/store/NodeDirectory.js';
import { PgNodeDirectory } from '../../../server/store/pg/PgNodeDirectory.js';
import { PgExecutor } from '../../../server/store/pg/PgExecutor.js';
import { migrate } from '../../../server/store/pg/schema.js';
import { Postgres, startPostgres } from '../../support/postgres.js';

const logger = pino({ level: 'silent' });
const TIMEOUT_SECONDS = 5;
let postgres: Postgres;
beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.close());

/** Three nodes' directories on one fresh database, each with its own pool, registered and serving. */
let nodes: { id: string; incarnation: string; directory: PgNodeDirectory; executor: PgExecutor }[];
let admin: pg.Client;
beforeEach(async () => {
	const url = await postgres.database();
	admin = new pg.Client({ connectionString: url });
	await admin.connect();
	await migrate(admin);
	nodes = ['node-a', 'node-b', 'node-c'].map((id) => {
		const executor = new PgExecutor(new pg.Pool({ connectionString: url, max: 2 }), { waitMs: 5000, maxQueued: 1000, logger });
		return { id, incarnation: `${id}-1`, directory: new PgNodeDirectory(executor), executor };
	});
	for (const node of nodes) await node.directory.register({ id: node.id, incarnation: node.incarnation, internalUrl: `http://127.0.0.1/${node.id}` });
});
afterEach(async () => {
	await Promise.all(nodes.map(({ executor }) => executor.close()));
	await admin.end();
});

describe('the node directory', () => {
	it('agrees on one placement when first joins of a room race on two nodes, 20 rooms over', async () => {
		for (let room = 0; room < 20; room++) {
			const [first, second] = await Promise.all([nodes[0]!.directory.place(`race-${room}`, TIMEOUT_SECONDS), nodes[1]!.directory.place(`race-${room}`, TIMEOUT_SECONDS)]);
			expect(first).toBeDefined();
			expect(second).toEqual(first);
			expect(first!.epoch).toBe(1);
		}
		const { rows } = await admin.query('SELECT COUNT(*)::int AS placements FROM room_placements');
		expect(rows[0].placements).toBe(20);
	});

	it('spreads rooms over the serving nodes, and gives none to a node draining or not heard from', async () => {
		const placed: (Placement | undefined)[] = [];
		for (let room = 0; room < 30; room++) placed.push(await nodes[room % 3]!.directory.place(`spread-${room}`, TIMEOUT_SECONDS));
		const counts = (list: typeof placed) => Object.fromEntries(nodes.map(({ id }) => [id, list.filter((placement) => placement?.nodeId === id).length]));
		expect(counts(placed)).toEqual({ 'node-a': 10, 'node-b': 10, 'node-c': 10 });

		await nodes[1]!.directory.heartbeat('node-b', 'node-b-1', 0, 'draining');
		// node-c last heard from 10 s ago, by the database's clock.
		await admin.query("UPDATE nodes SET heartbeat_at = now() - interval '10 seconds' WHERE id = 'node-c'");
		const later: (Placement | undefined)[] = [];
		for (let room = 0; room < 6; room++) later.push(await nodes[0]!.directory.place(`later-${room}`, TIMEOUT_SECONDS));
		expect(counts(later)).toEqual({ 'node-a': 6, 'node-b': 0, 'node-c': 0 });
		expect((await nodes[0]!.directory.nodes()).find(({ id }) => id === 'node-c')!.silentSeconds).toBeGreaterThanOrEqual(10);
	});

	it('places a dead node\'s room again under a new epoch; the dead node\'s heartbeat says so, and its release of the old epoch changes nothing', async () => {
		const original = (await nodes[0]!.directory.place('moving', TIMEOUT_SECONDS))!;
		const holder = nodes.find(({ id }) => id === original.nodeId)!;
		await nodes[0]!.directory.markDead(holder.id);
		const moved = (await nodes[1]!.directory.place('moving', TIMEOUT_SECONDS))!;
		expect(moved.nodeId).not.toBe(holder.id);
		expect(moved.epoch).toBe(2);
		expect(await holder.directory.heartbeat(holder.id, holder.incarnation, 3, 'serving')).toBe(false);
		await holder.directory.release(original);
		expect(await nodes[2]!.directory.placementOf('moving')).toEqual(moved);
		await nodes[1]!.directory.release(moved);
		expect(await nodes[2]!.directory.placementOf('moving')).toBeUndefined();
	});

	it('tells a node whose id another incarnation took that it is not the one serving', async () => {
		await nodes[0]!.directory.register({ id: 'node-a', incarnation: 'node-a-2', internalUrl: 'http://127.0.0.1/node-a' });
		expect(await nodes[0]!.directory.heartbeat('node-a', 'node-a-1', 0, 'serving')).toBe(false);
		expect(await nodes[0]!.directory.heartbeat('node-a', 'node-a-2', 0, 'serving')).toBe(true);
	});

	it('lists a node\'s placements older than an age, by the database\'s clock', async () => {
		const placed = (await nodes[0]!.directory.place('aged', TIMEOUT_SECONDS, 'node-b'))!;
		await nodes[0]!.directory.place('young', TIMEOUT_SECONDS, 'node-b');
		await nodes[0]!.directory.place('elsewhere', TIMEOUT_SECONDS, 'node-c');
		await admin.query("UPDATE room_placements SET placed_at = now() - interval '2 minutes' WHERE room_id IN ('aged', 'elsewhere')");
		expect(await nodes[0]!.directory.placementsOn('node-b', 60)).toEqual([placed]);
		expect((await nodes[0]!.directory.placementsOn('node-b', 0)).map(({ roomId }) => roomId).sort()).toEqual(['aged', 'young']);
		expect(await nodes[0]!.directory.placementsOn('node-a', 0)).toEqual([]);
	});

	it('places nothing when no node is serving', async () => {
		await admin.query("UPDATE nodes SET state = 'draining'");
		expect(await nodes[0]!.directory.place('nowhere', TIMEOUT_SECONDS)).toBeUndefined();
	});
});
