/**
 * Servers as nodes of a cluster on a real PostgreSQL 15: each enters the
 * node directory at start and beats every second with its load and state; a
 * drained node is left draining; a second server under a running node's id
 * is refused, while a start at the node's own address (a restart) takes the
 * id over, and the first then says on /readyz that the cluster no longer
 * counts it.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createRoom, startServer } from '../support/server.js';
import { Crowd } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';
import { clusterFixture } from '../support/postgres.js';

const fixture = clusterFixture();

interface NodeRow { id: string; state: string; load: number; age: number; internal_url: string }

describe('cluster membership', () => {
	it('enters the directory, beats with its load and state, drains, and knows when another start of its id took over', async () => {
		const shared = await fixture.cluster();
		const a = await fixture.node({ ...shared, ROOMS_NODE_ID: 'node-a' });
		const b = await fixture.node({ ...shared, ROOMS_NODE_ID: 'node-b' });
		const db = new pg.Client({ connectionString: shared.ROOMS_DATABASE_URL });
		await db.connect();
		const nodes = async () => Object.fromEntries((await db.query<NodeRow>(
			'SELECT id, state, load, internal_url, EXTRACT(EPOCH FROM now() - heartbeat_at)::float8 AS age FROM nodes')).rows.map((row) => [row.id, row]));
		try {
			await eventually(async () => Object.keys(await nodes()).length === 2, 5000, 'both nodes in the directory');
			expect((await nodes())['node-a']).toMatchObject({ state: 'serving', load: 0, internal_url: a.url.replace('localhost', '127.0.0.1') });

			// Node a's load follows the people in its calls, within a heartbeat or two.
			const crowd = new Crowd(() => a.url);
			const { room } = await createRoom(a.url);
			await crowd.seat(room.code, 'Ana');
			await eventually(async () => (await nodes())['node-a']!.load === 1, 5000, 'node a reports one participant');
			const ages = Object.values(await nodes()).map(({ age }) => age);
			expect(Math.max(...ages)).toBeLessThan(2);

			// Drained and stopped: node b is left draining, and takes no new rooms.
			await b.server.drain(1000);
			expect((await nodes())['node-b']!.state).toBe('draining');

			// Another server under node a's id, while node a answers: refused, naming where node a runs.
			const internalUrl = (await nodes())['node-a']!.internal_url;
			await expect(startServer({ ...shared, ROOMS_NODE_ID: 'node-a' })).rejects.toThrow(`ROOMS_NODE_ID node-a is already running at ${internalUrl}`);
			// A start at node a's own address (node a crashed, and came back) takes the id over; the first start learns it at its next heartbeat.
			const again = await fixture.node({ ...shared, ROOMS_NODE_ID: 'node-a', ROOMS_INTERNAL_URL: internalUrl });
			await eventually(async () => (await (await fetch(`${a.url}/readyz`)).json()).error?.reason === 'not-in-cluster', 5000, 'the first start of node a to say it is not in the cluster');
			expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
			crowd.closeAll();
		} finally {
			await db.end();
		}
	}, 60_000);
});
