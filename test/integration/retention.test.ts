/**
 * Growth is bounded: GET /rooms pages, and rooms that ended go after the
 * retention time with everything recorded about them, while open and live
 * rooms stay. Time is moved by asking the purge about a later "now".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, appToken, createRoom, startServer, type TestServer } from '../support/server.js';
import { Crowd, hostKeyOf, ownerToken } from '../support/rooms.js';

const DAY_MS = 24 * 60 * 60 * 1000;
let server: TestServer;
const crowd = new Crowd(() => server.url);
beforeAll(async () => {
	server = await startServer({ ROOMS_RETENTION_DAYS: '30', ROOMS_WEBHOOK_RETENTION_DAYS: '7' });
});
afterAll(async () => {
	crowd.closeAll();
	await server?.close();
});

describe('GET /rooms', () => {
	it('pages newest first with an opaque cursor, without repeats or gaps, and refuses a cursor it did not give', async () => {
		const owner = { app: 'messenger', user: 'u-pages', name: 'Paige' };
		const created: string[] = [];
		for (let i = 0; i < 7; i++) created.push((await createRoom(server.url, { title: `Room ${i}` }, owner)).room.id);
		const token = appToken(owner.app, owner.user, owner.name);
		const seen: string[] = [];
		const sizes: number[] = [];
		let cursor: string | null | undefined;
		do {
			const query = `limit=3${cursor ? `&cursor=${cursor}` : ''}`;
			const { status, body } = await api(server.url, 'GET', `/api/v1/rooms?${query}`, { token });
			expect(status).toBe(200);
			sizes.push(body.rooms.length);
			seen.push(...body.rooms.map(({ id }: { id: string }) => id));
			cursor = body.nextCursor;
		} while (cursor);
		expect(sizes).toEqual([3, 3, 1]);
		expect(seen).toEqual([...created].reverse());
		const bad = await api(server.url, 'GET', '/api/v1/rooms?cursor=not-ours', { token });
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe('INVALID_PAYLOAD');
		expect((await api(server.url, 'GET', '/api/v1/rooms?limit=201', { token })).status).toBe(400);
	});
});

describe('retention', () => {
	it('purges rooms ended longer ago than ROOMS_RETENTION_DAYS with their timeline and retired codes; recent, open and live rooms stay', async () => {
		const end = (roomId: string) => api(server.url, 'POST', `/api/v1/rooms/${roomId}/end`, { token: ownerToken() });
		const old = await createRoom(server.url, { title: 'Old' });
		const oldCode = old.room.code;
		await crowd.seat(oldCode, 'Ana');
		const reset = await createRoom(server.url, { title: 'Reset' });
		const retired = reset.room.code;
		expect((await api(server.url, 'POST', `/api/v1/rooms/${reset.room.id}/link/reset`, { token: ownerToken(), body: {} })).status).toBe(200);
		const live = await createRoom(server.url, { title: 'Live' });
		await crowd.seat(live.room.code, 'Bo');
		expect((await end(old.room.id)).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 50));
		const recent = await createRoom(server.url, { title: 'Recent' });
		const { body: ended } = await end(recent.room.id);

		// Thirty days after the recent room ended, less a millisecond: the old one is past its time, the recent one is not.
		const counts = await server.server.retention.purge(Date.parse(ended.room.endedAt) - 1 + 30 * DAY_MS);
		expect(counts).toMatchObject({ rooms: 1, retiredCodes: 1 });
		expect(counts!.events).toBeGreaterThanOrEqual(3);
		const get = (roomId: string) => api(server.url, 'GET', `/api/v1/rooms/${roomId}`, { token: ownerToken() });
		expect((await get(old.room.id)).status).toBe(404);
		expect((await api(server.url, 'GET', `/api/v1/invites/${oldCode}`)).body.error.code).toBe('INVITE_NOT_FOUND');
		expect((await get(recent.room.id)).status).toBe(200);
		expect((await api(server.url, 'GET', `/api/v1/rooms/${recent.room.id}/events`, { token: ownerToken() })).body.events.length).toBeGreaterThan(0);
		expect((await get(reset.room.id)).status).toBe(200);
		expect((await get(live.room.id)).status).toBe(200);
		// The code retired by the reset is forgotten: it no longer says "reset", it is simply unknown.
		const forgotten = await api(server.url, 'GET', `/api/v1/invites/${retired}`);
		expect(forgotten.body.error).toMatchObject({ code: 'INVITE_NOT_FOUND' });
		expect(forgotten.body.error.reason).toBeUndefined();
	});

	it('never purges a live room, even one whose link expired long ago', async () => {
		const soon = new Date(Date.now() + 1500).toISOString();
		const { room, hostUrl } = await createRoom(server.url, { title: 'Expiring', expiresAt: soon });
		await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		await new Promise((resolve) => setTimeout(resolve, 1600));
		const counts = await server.server.retention.purge(Date.now() + 365 * DAY_MS);
		expect(counts).toBeDefined();
		expect((await api(server.url, 'GET', `/api/v1/rooms/${room.id}`, { token: ownerToken() })).status).toBe(200);
	});
});
