/**
 * Webhooks against a real local HTTP receiver: signed, in order per room,
 * retried after failures, and never in the way of a join.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../server/webhooks/signature.js';
import { api, createRoom, metricOf, startServer, TEST_APPS, type TestServer } from '../support/server.js';
import { Crowd, hostKeyOf, ownerToken } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';

const secret = TEST_APPS.find(({ id }) => id === 'messenger')!.secret;
let receiver: WebhookReceiver;
let server: TestServer;
const crowd = new Crowd(() => server.url);

beforeAll(async () => {
	receiver = new WebhookReceiver();
	const url = await receiver.start();
	server = await startServer({
		ROOMS_APPS: JSON.stringify(TEST_APPS.map((app) => (app.id === 'messenger' ? { ...app, webhookUrl: url } : app))),
		ROOMS_WEBHOOK_RETRY_BASE_MS: '50',
		ROOMS_WEBHOOK_TIMEOUT_MS: '400',
	});
});
afterEach(() => {
	crowd.closeAll();
	receiver.respond = () => 200;
});
afterAll(async () => {
	await server?.close();
	await receiver?.close();
});

const metric = (key: string) => metricOf(server.url, key);
const attempts = (result: string) => metric(`rooms_webhook_attempts_total{result="${result}"}`);

const deliveries = async (roomId: string) =>
	(await api(server.url, 'GET', `/api/v1/rooms/${roomId}/webhooks`, { token: ownerToken() })).body.deliveries as any[];

describe('webhooks', () => {
	it('sends every room event in order, signed, with the live room card', async () => {
		const { room, hostUrl } = await createRoom(server.url, { title: 'Family call' });
		const host = await crowd.seat(room.code, 'Hana Li', { hostKey: hostKeyOf(hostUrl) });
		const bo = await crowd.seat(room.code, 'Bo Chen');
		await host.signaling.request('room.update', { locked: true });
		await host.signaling.request('room.update', { locked: false });
		await api(server.url, 'POST', `/api/v1/rooms/${room.id}/link/reset`, { token: ownerToken() });
		await bo.signaling.request('room.leave', {});
		await api(server.url, 'POST', `/api/v1/rooms/${room.id}/end`, { token: ownerToken() });

		// Ending the room with the host still in it: the host leaves (reason room-ended), then the room ends.
		const expected = ['room.created', 'room.started', 'participant.joined', 'participant.joined', 'room.locked', 'room.unlocked',
			'room.link_reset', 'participant.left', 'participant.left', 'room.ended'];
		await eventually(() => receiver.types(room.id).length >= expected.length, 5000, 'all webhooks');
		expect(receiver.types(room.id)).toEqual(expected);

		const mine = receiver.received.filter(({ json }) => json.room.id === room.id);
		for (const request of mine) {
			const headers = { signature: String(request.headers['rooms-signature']), timestamp: String(request.headers['rooms-timestamp']) };
			expect(verifyWebhook(secret, headers, request.body)).toBe(true);
			// A changed body, another secret or a replay an hour later do not verify.
			expect(verifyWebhook(secret, headers, request.body.replace('Family', 'Famiry'))).toBe(false);
			expect(verifyWebhook('another-secret-0123456789abcdef0123', headers, request.body)).toBe(false);
			expect(verifyWebhook(secret, headers, request.body, Number(headers.timestamp) + 3600)).toBe(false);
			expect(request.headers['rooms-delivery']).toBe(request.json.id);
		}
		const secondJoin = mine[3]!.json;
		expect(secondJoin.participant.name).toBe('Bo Chen');
		expect(secondJoin.room).toMatchObject({ title: 'Family call', participantCount: 2, participantNames: ['Hana', 'Bo'], locked: false, status: 'open' });
		expect(mine[4]!.json.room.locked).toBe(true);
		expect(mine.at(-2)!.json).toMatchObject({ participant: { name: 'Hana Li' }, reason: 'room-ended', room: { participantCount: 0 } });
		expect(mine.at(-1)!.json.room).toMatchObject({ status: 'ended', inviteUrl: null });
		expect((await deliveries(room.id)).every((delivery) => delivery.status === 'delivered')).toBe(true);
	});

	it('retries a failing endpoint with backoff until it recovers, keeping the order', async () => {
		let failures = 0;
		const [retriedBefore, deliveredBefore] = [await attempts('will-retry'), await attempts('delivered')];
		receiver.respond = ({ json }) => (json.type === 'room.created' && failures++ < 2 ? 503 : 200);
		const { room, hostUrl } = await createRoom(server.url);
		await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		await eventually(() => receiver.types(room.id).includes('participant.joined'), 5000, 'recovery');
		expect(receiver.types(room.id)).toEqual(['room.created', 'room.created', 'room.created', 'room.started', 'participant.joined']);

		const created = (await deliveries(room.id)).find((delivery) => delivery.event === 'room.created');
		expect(created.status).toBe('delivered');
		expect(created.attempts.map((attempt: any) => attempt.status)).toEqual([503, 503, 200]);
		// Exponential backoff: the second wait is longer than the first.
		const [a, b, c] = created.attempts.map((attempt: any) => Date.parse(attempt.at));
		expect(c - b).toBeGreaterThan(b - a);
		// /metrics counts the attempts by outcome: two to be retried, then three delivered.
		expect(await attempts('will-retry') - retriedBefore).toBe(2);
		await eventually(async () => await attempts('delivered') - deliveredBefore >= 3, 5000, 'three deliveries counted');
		expect(await attempts('failed')).toBe(0);
	});

	it('does not let a hanging endpoint delay joins, and times it out and retries', async () => {
		receiver.respond = ({ json }) => (json.type === 'room.created' ? 'hang' : 200);
		const { room, hostUrl } = await createRoom(server.url);
		await eventually(() => receiver.hanging.length > 0, 5000, 'a hanging delivery');
		const held = receiver.hanging[0]!;

		await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		for (let i = 0; i < 5; i++) await crowd.seat(room.code, `Guest ${i}`);
		// Everyone is in while the first delivery is still unanswered, and nothing overtook it.
		expect(held.writableEnded || held.destroyed).toBe(false);
		expect(receiver.types(room.id).every((type) => type === 'room.created')).toBe(true);

		await eventually(async () => (await deliveries(room.id)).find((d) => d.event === 'room.created')?.attempts.length >= 1, 5000, 'a timed-out attempt');
		const created = (await deliveries(room.id)).find((delivery) => delivery.event === 'room.created');
		expect(created.attempts[0].error).toMatch(/no answer within 400 ms/);
		expect(created.status).toBe('pending');
		// /metrics shows the queue behind it (counted every 5 s), and what is in flight.
		await eventually(async () => await metric('rooms_webhook_deliveries_pending') >= 8, 7000, 'the backlog in /metrics');
		await eventually(async () => await metric('rooms_webhook_deliveries_in_flight') >= 1, 5000, 'an attempt in flight in /metrics');

		receiver.respond = () => 200;
		await eventually(() => receiver.types(room.id).filter((type) => type === 'participant.joined').length === 6, 10_000, 'delivery after recovery');
		await eventually(async () => await metric('rooms_webhook_deliveries_pending') === 0, 7000, 'the backlog to empty in /metrics');
		expect(receiver.types(room.id).filter((type) => type !== 'room.created')[0]).toBe('room.started');
	});

	it('keeps undelivered events across a restart (at least once)', async () => {
		receiver.respond = () => 503;
		const { room } = await createRoom(server.url);
		await eventually(async () => (await deliveries(room.id))[0]?.attempts.length >= 1, 5000, 'a failed attempt');
		server = await server.restart();
		receiver.respond = () => 200;
		await eventually(async () => (await deliveries(room.id))[0]?.status === 'delivered', 5000, 'delivery after restart');
	});
});
