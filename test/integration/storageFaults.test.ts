/**
 * Storage faults against the real server and its real store: another
 * process holding SQLite's write lock, a full disk, and PostgreSQL stopped
 * and started again. The server stays up and quick, says so on /readyz, and
 * loses no record of who came and went.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, createRoom, startServer, TEST_APPS, type TestServer } from '../support/server.js';
import { Crowd, ownerToken, peopleTimeline, webhookEvents } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';
import { holdWriteLock, smallDisk } from '../support/storageFaults.js';
import { Postgres, startPostgres } from '../support/postgres.js';

/** Webhooks are queued for an endpoint that never answers: what matters here is that they are in the outbox. */
const APPS = JSON.stringify(TEST_APPS.map((app) => (app.id === 'messenger' ? { ...app, webhookUrl: 'http://127.0.0.1:9/hooks' } : app)));

/** Polls /healthz and /readyz every 100 ms until stopped: the slowest health answer, and the reasons /readyz gave. */
function probeHealth(url: string) {
	let stopped = false;
	const result = { checks: 0, slowestMs: 0, failures: 0, readyReasons: new Set<string>() };
	const loop = (async () => {
		while (!stopped) {
			const started = performance.now();
			const health = await fetch(`${url}/healthz`).catch(() => undefined);
			result.slowestMs = Math.max(result.slowestMs, performance.now() - started);
			result.checks++;
			if (health?.status !== 200) result.failures++;
			const ready = await fetch(`${url}/readyz`).then((response) => response.json()).catch(() => undefined) as any;
			result.readyReasons.add(ready?.status === 'ready' ? 'ready' : String(ready?.error?.reason));
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	})();
	return { result, stop: async () => { stopped = true; await loop; return result; } };
}

const timeline = async (server: TestServer, roomId: string) => (await peopleTimeline(server.url, roomId)).map(({ line }) => line);
const webhooks = (server: TestServer, roomId: string) => webhookEvents(server.url, roomId);

describe('storage faults', () => {
	let server: TestServer;
	const crowd = new Crowd(() => server.url);
	const databaseFile = () => path.join(server.dataDir, 'rooms.sqlite');
	beforeAll(async () => {
		server = await startServer({ ROOMS_APPS: APPS, ROOMS_STORE_WAIT_SECONDS: '9' });
	});
	afterEach(() => crowd.closeAll());
	afterAll(async () => {
		await server?.close();
	});

	it('another process holding the write lock for 8 s: health answers at once throughout, people join and leave, and no record is lost', async () => {
		const { room } = await createRoom(server.url);
		await crowd.seat(room.code, 'Ana');
		const lock = await holdWriteLock(databaseFile(), 8000);
		const probe = probeHealth(server.url);

		// Bo gets in while nothing is queued; his join's record then waits for the lock, and so does what comes after it.
		const bo = await crowd.seat(room.code, 'Bo');
		const latecomers = Promise.all([crowd.seat(room.code, 'Cy'), crowd.seat(room.code, 'Di')]);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		bo.close();
		await eventually(() => probe.result.readyReasons.has('storage-fault'), 3000, '/readyz to report the storage fault');
		await lock.released;
		const [cy] = await latecomers;
		cy.close();
		await eventually(async () => (await timeline(server, room.id)).length === 6, 5000, 'every join and leave on the timeline');
		const health = await probe.stop();
		console.log(`[storage] write lock held 8 s: ${health.checks} health checks, slowest ${health.slowestMs.toFixed(0)} ms, /readyz said ${[...health.readyReasons].join(', ')}`);

		expect(health.failures).toBe(0);
		expect(health.checks).toBeGreaterThan(30);
		// Nothing held the event loop: SQLite waits at most 20 ms for its lock, and the rest is queued.
		expect(health.slowestMs).toBeLessThan(500);
		expect(health.readyReasons).toContain('ready');
		const events = await timeline(server, room.id);
		expect(events.slice(0, 3)).toEqual(['Ana joined', 'Bo joined', 'Bo left']);
		expect(events.slice(3, 5).sort()).toEqual(['Cy joined', 'Di joined']);
		expect(events[5]).toBe('Cy left');
		await eventually(async () => (await webhooks(server, room.id)).length === 8, 5000, 'every webhook in the outbox');
		expect(await webhooks(server, room.id)).toEqual(['room.created', 'room.started', 'participant.joined', 'participant.joined', 'participant.left',
			'participant.joined', 'participant.joined', 'participant.left']);
		expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
	}, 30_000);
});

describe('storage faults past the wait', () => {
	let server: TestServer;
	const crowd = new Crowd(() => server.url);
	beforeAll(async () => {
		server = await startServer({ ROOMS_APPS: APPS, ROOMS_STORE_WAIT_SECONDS: '1' });
	});
	afterEach(() => crowd.closeAll());
	afterAll(async () => {
		await server?.close();
	});

	it('a request that waits longer than ROOMS_STORE_WAIT_SECONDS gets 503 UNAVAILABLE and changes nothing; records wait for as long as it takes', async () => {
		const { room } = await createRoom(server.url, { title: 'Before' });
		const lock = await holdWriteLock(path.join(server.dataDir, 'rooms.sqlite'), 3000);
		await crowd.seat(room.code, 'Bo');
		const started = performance.now();
		const rename = await api(server.url, 'PATCH', `/api/v1/rooms/${room.id}`, { token: ownerToken(), body: { title: 'After' } });
		expect(rename.status).toBe(503);
		expect(rename.body.error.code).toBe('UNAVAILABLE');
		expect(performance.now() - started).toBeLessThan(2500);
		await lock.released;
		const { body } = await api(server.url, 'GET', `/api/v1/rooms/${room.id}`, { token: ownerToken() });
		expect(body.room.title).toBe('Before');
		await eventually(async () => (await timeline(server, room.id)).includes('Bo joined'), 5000, 'the queued record to land');
	}, 20_000);
});

describe('a full disk', () => {
	let server: TestServer;
	let disk: ReturnType<typeof smallDisk>;
	const crowd = new Crowd(() => server.url);
	beforeAll(async () => {
		disk = smallDisk(16);
		server = await startServer({ ROOMS_APPS: APPS }, disk.dir);
	});
	afterAll(async () => {
		crowd.closeAll();
		await server?.close();
		disk?.unmount();
	});

	it('writes that fail for a full disk are queued and retried: the server stays up, /readyz says why, and they land once there is space', async () => {
		const { room } = await createRoom(server.url);
		await crowd.seat(room.code, 'Ana');
		disk.fill();
		const probe = probeHealth(server.url);
		const bo = await crowd.seat(room.code, 'Bo');
		await eventually(async () => {
			const ready = await (await fetch(`${server.url}/readyz`)).json();
			return ready.error?.reason === 'storage-fault' && /SQLITE_FULL|SQLITE_IOERR/.test(ready.error.message);
		}, 5000, '/readyz to report the full disk');
		bo.close();
		await new Promise((resolve) => setTimeout(resolve, 1000));
		disk.free();
		await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200, 5000, 'ready again');
		const health = await probe.stop();
		expect(health.failures).toBe(0);
		expect(health.slowestMs).toBeLessThan(500);
		expect(await timeline(server, room.id)).toEqual(['Ana joined', 'Bo joined', 'Bo left']);
	}, 30_000);
});

describe('PostgreSQL stopped and started again', () => {
	let server: TestServer;
	let postgres: Postgres;
	const crowd = new Crowd(() => server.url);
	beforeAll(async () => {
		postgres = await startPostgres();
		server = await startServer({ ROOMS_APPS: APPS, ROOMS_DATABASE_URL: await postgres.database(), ROOMS_STORE_WAIT_SECONDS: '3' });
	}, 60_000);
	afterAll(async () => {
		crowd.closeAll();
		await server?.close();
		postgres?.close();
	});

	it('stopped for 8 s: calls go on, what must wait gets 503 within the wait, /readyz says why, and every record lands once it is back', async () => {
		const { room } = await createRoom(server.url);
		const ana = await crowd.seat(room.code, 'Ana');
		const bo = await crowd.seat(room.code, 'Bo');
		const probe = probeHealth(server.url);
		postgres.stop();
		const stoppedAt = performance.now();

		// What someone waits for gives up within ROOMS_STORE_WAIT_SECONDS (3 s), having changed nothing.
		const started = performance.now();
		const created = await api(server.url, 'POST', '/api/v1/rooms', { token: ownerToken(), body: { title: 'During the outage' } });
		expect({ status: created.status, code: created.body.error?.code }).toEqual({ status: 503, code: 'UNAVAILABLE' });
		expect(performance.now() - started).toBeLessThan(4500);
		// The call goes on: both stay seated, and Bo's leaving is recorded when the database is back.
		expect(server.server.liveRooms.get(room.id)?.participantCount).toBe(2);
		bo.close();
		await eventually(async () => {
			const ready = await (await fetch(`${server.url}/readyz`)).json();
			return ready.error?.reason === 'storage-fault' && /57P01|ECONNREFUSED|CONNECTION_LOST|08/.test(ready.error.message);
		}, 5000, '/readyz to report PostgreSQL unreachable');
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, 8000 - (performance.now() - stoppedAt))));
		await postgres.start();
		await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200, 10_000, 'ready again');
		await eventually(async () => (await timeline(server, room.id)).length === 3, 10_000, 'every join and leave on the timeline');
		const health = await probe.stop();
		console.log(`[storage] PostgreSQL stopped 8 s: ${health.checks} health checks, slowest ${health.slowestMs.toFixed(0)} ms, /readyz said ${[...health.readyReasons].join(', ')}`);
		expect(health.failures).toBe(0);
		expect(health.slowestMs).toBeLessThan(500);
		expect(await timeline(server, room.id)).toEqual(['Ana joined', 'Bo joined', 'Bo left']);
		await eventually(async () => (await webhooks(server, room.id)).length === 5, 5000, 'every webhook in the outbox');
		expect(await webhooks(server, room.id)).toEqual(['room.created', 'room.started', 'participant.joined', 'participant.joined', 'participant.left']);
		// Nothing of the refused creation was kept.
		const { body } = await api(server.url, 'GET', '/api/v1/rooms', { token: ownerToken() });
		expect(body.rooms.map(({ title }: { title: string }) => title)).not.toContain('During the outage');
		ana.close();
	}, 60_000);
});
