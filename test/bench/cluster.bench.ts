/**
 * Several nodes against one, on this machine (README, "Running more than one
 * node"). Three setups run side by side, and joins alternate between them so
 * that all see the same machine load: one server on SQLite, one node on
 * PostgreSQL, and three nodes on PostgreSQL behind haproxy.
 *
 * - Join latency: the HTTP join, the Socket.IO connection and room.join
 *   until seated, p50 and p95 over `--joins` per setup (5 people a room).
 * - PostgreSQL statements and node CPU per join (pg_stat_statements, and
 *   /proc), minus what the nodes do when idle (heartbeats, sweeps, polls).
 * - Failover: a room of two bots whose node is killed, until both are seated
 *   on another node, asking where the room went every 250 ms (`--kills`
 *   runs). Browsers take longer: Socket.IO's reconnect backoff comes first
 *   (the end-to-end test cluster.e2e.ts measures browsers).
 * - Webhook deliveries per second from one node and from three: 600
 *   settings changes over 30 rooms queue while the endpoint stalls, then it
 *   answers at once, and the queue goes out (each room's in order).
 *
 *   npm run bench:cluster [-- --joins 100 --kills 5]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Cluster, untilReady } from '../../server/cli/cluster/Cluster.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';
import { ownerToken } from '../support/rooms.js';
import { api, createRoom, freeMediaPort, joinSeat, TEST_APPS } from '../support/server.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';

const { values } = parseArgs({ options: { joins: { type: 'string', default: '100' }, kills: { type: 'string', default: '5' } } });
const JOINS = Number(values.joins);
const KILLS = Number(values.kills);
const PER_ROOM = 5;
const NODE = [process.execPath, '--import', 'tsx', 'server/main.ts'];
const say = (line: string) => console.log(`[bench] ${line}`);

const receiver = new WebhookReceiver();
const webhookUrl = await receiver.start();
const env = {
	ROOMS_APPS: JSON.stringify(TEST_APPS.map((app) => (app.id === 'messenger' ? { ...app, webhookUrl } : app))),
	ROOMS_RATE_LIMIT_PER_MINUTE: '1000000',
	ROOMS_MAX_OPEN_ROOMS_PER_USER: '1000000',
	ROOMS_ROOMS_PER_USER_PER_HOUR: '1000000',
	LOG_LEVEL: 'warn',
};
const postgresSettings = ['shared_preload_libraries=pg_stat_statements'];

/** A server of its own on SQLite, as `npm start` runs it. */
async function startSqliteServer(): Promise<{ url: string; process: ChildProcess; close(): void }> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-bench-'));
	const port = await freeMediaPort();
	const child = spawn(NODE[0]!, NODE.slice(1), {
		env: { ...process.env, ...env, PORT: String(port), ROOMS_HOST: '127.0.0.1', ROOMS_DATA_DIR: dir, ROOMS_WORKERS: '1', ROOMS_LISTEN_IP: '127.0.0.1', ROOMS_RTC_PORT: String(await freeMediaPort()) },
		stdio: 'ignore',
	});
	const url = `http://127.0.0.1:${port}`;
	await untilReady(url, child, 'the SQLite server', () => 'LOG_LEVEL=warn: run it by hand to see why');
	return { url, process: child, close: () => child.kill('SIGKILL') };
}

const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * p))]!;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function statements(db: pg.Client): Promise<number> {
	return Number((await db.query<{ calls: string }>('SELECT COALESCE(SUM(calls), 0) AS calls FROM pg_stat_statements')).rows[0]!.calls);
}

interface Setup {
	name: string;
	/** Where apps and browsers go. */
	url: string;
	pids: () => number[];
	db?: pg.Client;
	joinMs: number[];
	room?: { code: string; seated: BotConnection[] };
}

const sqlite = await startSqliteServer();
const single = await Cluster.start({ nodes: 1, port: 0, nodeCommand: NODE, env, postgresSettings });
const three = await Cluster.start({ nodes: 3, port: 0, nodeCommand: NODE, env, postgresSettings });
const setups: Setup[] = [
	{ name: 'one SQLite server', url: sqlite.url, pids: () => [sqlite.process.pid!], joinMs: [] },
	{ name: 'one PostgreSQL node', url: single.nodes[0]!.url, pids: () => single.nodes.map((node) => node.process.pid!), joinMs: [] },
	{ name: 'three nodes behind haproxy', url: three.url, pids: () => three.nodes.map((node) => node.process.pid!), joinMs: [] },
];
for (const [setup, cluster] of [[setups[1]!, single], [setups[2]!, three]] as const) {
	setup.db = new pg.Client({ connectionString: cluster.sharedEnv.ROOMS_DATABASE_URL });
	await setup.db.connect();
	await setup.db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}

try {
	// What the nodes do with nobody there: subtracted from the joins' statements and CPU.
	const idleSeconds = 10;
	const idleBefore = await Promise.all(setups.map(async (setup) => ({ sql: setup.db ? await statements(setup.db) : 0, cpu: setup.pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0) })));
	await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
	const idleRate = await Promise.all(setups.map(async (setup, index) => ({
		sql: ((setup.db ? await statements(setup.db) : 0) - idleBefore[index]!.sql) / idleSeconds,
		cpu: (setup.pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0) - idleBefore[index]!.cpu) / idleSeconds,
	})));

	say(`${JOINS} joins on each setup, alternating`);
	const started = Date.now();
	const before = await Promise.all(setups.map(async (setup) => ({ sql: setup.db ? await statements(setup.db) : 0, cpu: setup.pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0) })));
	for (let join = 0; join < JOINS; join++) {
		for (const setup of setups) {
			if (!setup.room || setup.room.seated.length === PER_ROOM) {
				for (const person of setup.room?.seated ?? []) person.close();
				setup.room = { code: (await createRoom(setup.url)).room.code, seated: [] };
			}
			const at = performance.now();
			const seat = await joinSeat(setup.url, setup.room.code, `P${join}`);
			setup.room.seated.push(await BotConnection.connect(setup.url, seat.token, { path: seat.signalingPath }));
			setup.joinMs.push(performance.now() - at);
		}
		if ((join + 1) % 20 === 0) say(`${join + 1}/${JOINS}`);
	}
	const seconds = (Date.now() - started) / 1000;
	const joins = await Promise.all(setups.map(async (setup, index) => {
		const sql = setup.db ? (await statements(setup.db) - before[index]!.sql - idleRate[index]!.sql * seconds) / JOINS : undefined;
		const cpu = (setup.pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0) - before[index]!.cpu - idleRate[index]!.cpu * seconds) / JOINS;
		return {
			setup: setup.name,
			joinMsP50: round(percentile(setup.joinMs, 0.5)),
			joinMsP95: round(percentile(setup.joinMs, 0.95)),
			postgresStatementsPerJoin: sql === undefined ? null : round(sql),
			nodeCpuMsPerJoin: round(cpu * 1000),
		};
	}));
	for (const setup of setups) for (const person of setup.room?.seated ?? []) person.close();

	say(`failover: ${KILLS} kills of a call's node`);
	const failoverMs: number[] = [];
	for (let run = 0; run < KILLS; run++) {
		const { room } = await createRoom(three.url);
		const seats = [await joinSeat(three.url, room.code, 'Ana'), await joinSeat(three.url, room.code, 'Bo')];
		const people = await Promise.all(seats.map((seat) => BotConnection.connect(three.url, seat.token, { path: seat.signalingPath })));
		const holder = seats[0]!.signalingPath.split('/')[2]!;
		const killedAt = performance.now();
		await three.kill(holder);
		for (const person of people) person.close();
		const back = await Promise.all(seats.map(async (seat) => {
			for (;;) {
				const located = await api(three.url, 'POST', '/api/v1/locate', { body: { token: seat.token } });
				if (located.status === 200 && located.body.signalingPath !== seat.signalingPath) {
					const person = await BotConnection.connect(three.url, seat.token, { path: located.body.signalingPath }).catch(() => undefined);
					if (person) return person;
				}
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
		}));
		failoverMs.push(performance.now() - killedAt);
		for (const person of back) person.close();
		await three.restart(holder);
		say(`failover ${run + 1}/${KILLS}: ${round(failoverMs.at(-1)!, 0)} ms`);
	}

	say('webhooks: 600 settings changes over 30 rooms queued behind a stalled endpoint, then sent, on one node and on three');
	const webhooks: Record<string, number> = {};
	for (const [name, url] of [['oneNode', single.nodes[0]!.url], ['threeNodes', three.url]] as const) {
		const rooms = await Promise.all(Array.from({ length: 30 }, async () => (await createRoom(url)).room.id));
		const ours = () => new Set(receiver.received.filter(({ json }) => rooms.includes(json.room.id) && json.type !== 'room.created').map(({ json }) => json.id)).size;
		// The endpoint holds every request open while the changes are made: they queue in the outbox.
		receiver.respond = () => 'hang';
		await Promise.all(rooms.map(async (roomId) => {
			for (let change = 0; change < 20; change++) {
				await api(url, 'PATCH', `/api/v1/rooms/${roomId}`, { token: ownerToken(), body: { locked: change % 2 === 0 } });
			}
		}));
		// Then it answers at once, the held requests too: how fast does the queue go out?
		const at = performance.now();
		const early = ours();
		receiver.respond = () => 200;
		for (const response of receiver.hanging.splice(0)) response.writeHead(200).end();
		while (ours() < 600) await new Promise((resolve) => setTimeout(resolve, 10));
		webhooks[`${name}DeliveriesPerSecond`] = round((600 - early) / ((performance.now() - at) / 1000), 0);
	}

	console.log(JSON.stringify({
		date: new Date().toISOString().slice(0, 10),
		cores: os.availableParallelism(),
		joinsPerSetup: JOINS,
		joins,
		failover: { runs: KILLS, msMedian: round(percentile(failoverMs, 0.5), 0), msMax: round(Math.max(...failoverMs), 0) },
		webhooks,
	}, null, 2));
} finally {
	for (const setup of setups) await setup.db?.end();
	sqlite.close();
	await single.stop();
	await three.stop();
	await receiver.close();
}
