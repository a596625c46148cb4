/**
 * Join/leave churn does not grow the timeline or the webhook outbox: someone
 * who leaves and comes back within ROOMS_CHURN_WINDOW_SECONDS was never
 * away, as far as the records go. The leave that does count is recorded at
 * the time it happened; removals are recorded at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, startServer, TEST_APPS, type TestServer } from '../support/server.js';
import { Crowd, hostKeyOf, peopleTimeline, webhookEvents } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';

const WINDOW_SECONDS = 2;
let server: TestServer;
const crowd = new Crowd(() => server.url);
beforeAll(async () => {
	server = await startServer({
		ROOMS_CHURN_WINDOW_SECONDS: String(WINDOW_SECONDS),
		// An endpoint that never answers: what matters is what the outbox holds.
		ROOMS_APPS: JSON.stringify(TEST_APPS.map((app) => (app.id === 'messenger' ? { ...app, webhookUrl: 'http://127.0.0.1:9/hooks' } : app))),
	});
});
afterEach(() => crowd.closeAll());
afterAll(async () => {
	await server?.close();
});

const timeline = (roomId: string) => peopleTimeline(server.url, roomId);
const webhooks = (roomId: string) => webhookEvents(server.url, roomId);

describe('join and leave churn', () => {
	it('records one join and one leave for someone who leaves and rejoins 20 times in a row, at the time of the last leave', async () => {
		const { room } = await createRoom(server.url);
		await crowd.seat(room.code, 'Ana');
		const guestKey = 'bo-browser-key-0123456789';
		let lastLeave = 0;
		for (let i = 0; i < 20; i++) {
			const bo = await crowd.seat(room.code, 'Bo', { guestKey });
			bo.close();
			lastLeave = Date.now();
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		await eventually(async () => (await timeline(room.id)).length === 3, (WINDOW_SECONDS + 3) * 1000, 'the last leave to be recorded');
		const events = await timeline(room.id);
		expect(events.map(({ line }) => line)).toEqual(['Ana joined', 'Bo joined', 'Bo left']);
		expect(Math.abs(Date.parse(events[2]!.at) - lastLeave)).toBeLessThan(1000);
		expect(await webhooks(room.id)).toEqual(['room.created', 'room.started', 'participant.joined', 'participant.joined', 'participant.left']);

		// Back after the window: that is a new visit, and it is recorded.
		await crowd.seat(room.code, 'Bo', { guestKey });
		await eventually(async () => (await timeline(room.id)).length === 4, 3000, 'the new visit to be recorded');
		expect((await timeline(room.id)).at(-1)!.line).toBe('Bo joined');
	});

	it('records a removal at once, without waiting for the window', async () => {
		const { room, hostUrl } = await createRoom(server.url);
		const host = await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		const cy = await crowd.seat(room.code, 'Cy');
		await host.signaling.request('participant.remove', { participantId: cy.id });
		await eventually(async () => (await timeline(room.id)).some(({ line }) => line === 'Cy left'), 1000, 'the removal\'s leave on the timeline');
	});
});
