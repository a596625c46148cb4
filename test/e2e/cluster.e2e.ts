/**
 * A node of the reference cluster (three node processes, PostgreSQL,
 * haproxy) killed under a call, in real Chromium: the two browsers in it
 * find the room on another node by themselves (their reconnects ask where it
 * is; the dead node fails its probe and the room is placed again) and see
 * each other again, as the same participants. Three runs, the killed node
 * restarted between them.
 */
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { Cluster } from '../../server/cli/cluster/Cluster.js';
import { cameraTile, framesAgain, join } from '../support/browser.js';
import { createRoom, TEST_APPS } from '../support/server.js';

const RUNS = 3;
let cluster: Cluster;
let db: pg.Client;

test.beforeAll(async () => {
	cluster = await Cluster.start({
		nodes: 3,
		port: 0,
		nodeCommand: [process.execPath, '--import', 'tsx', 'server/main.ts'],
		env: { ROOMS_APPS: JSON.stringify(TEST_APPS), LOG_LEVEL: 'info' },
	});
	db = new pg.Client({ connectionString: cluster.sharedEnv.ROOMS_DATABASE_URL });
	await db.connect();
});

test.afterAll(async () => {
	await db?.end();
	await cluster?.stop();
});

const holderOf = async (roomId: string): Promise<string> =>
	(await db.query<{ node_id: string }>('SELECT node_id FROM room_placements WHERE room_id = $1', [roomId])).rows[0]!.node_id;

test('a call whose node is killed moves to another node by itself, three times over', async ({ browser }) => {
	test.setTimeout(300_000);
	const times: number[] = [];
	for (let run = 0; run < RUNS; run++) {
		const { room, inviteUrl } = await createRoom(cluster.url);
		const ana = await join(browser, inviteUrl, 'Ana');
		const bo = await join(browser, inviteUrl, 'Bo');
		await framesAgain(cameraTile(ana, 'Bo'), Date.now());
		const holder = await holderOf(room.id);

		const killed = Date.now();
		await cluster.kill(holder);
		const anaSeesBo = await framesAgain(cameraTile(ana, 'Bo'), killed);
		const boSeesAna = await framesAgain(cameraTile(bo, 'Ana'), killed);
		times.push(Math.max(anaSeesBo, boSeesAna));
		const movedTo = await holderOf(room.id);
		expect(movedTo).not.toBe(holder);
		// The same two people, one tile each: nobody came back as a stranger, nobody twice.
		await expect(cameraTile(ana, 'Bo')).toHaveCount(1);
		await expect(cameraTile(bo, 'Ana')).toHaveCount(1);

		for (const page of [ana, bo]) await page.context().close();
		await cluster.restart(holder);
	}
	console.log(`[cluster] both browsers see each other again after their node was killed: ${times.map((ms) => `${ms} ms`).join(', ')}`);
	for (const ms of times) expect(ms).toBeLessThanOrEqual(10_000);
});
