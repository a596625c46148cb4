/**
 * Per-person caps and per-connection rate limits, against the real server:
 * a flood is refused with a clear code, changes nothing, and does not slow
 * anyone else down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.js';
import { SignalingClient, SignalingError } from '../../web/src/signaling/SignalingClient.js';
import { api, createRoom, joinToken, startServer, type TestServer } from '../support/server.js';
import { Crowd, serverWithCrowd } from '../support/rooms.js';
import { median } from '../../tools/loadtest/src/measure.js';
import type { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

/** The codes a batch of requests ended with: 'ok' or the refusal's code. */
async function outcomes(requests: Promise<unknown>[]): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const result of await Promise.allSettled(requests)) {
		const key = result.status === 'fulfilled' ? 'ok' : (result.reason as SignalingError).code;
		counts[key] = (counts[key] ?? 0) + 1;
	}
	return counts;
}

/** Milliseconds one cheap request of the participant takes, to see whether someone else's flood slows it. */
async function refreshTime(participant: BotConnection): Promise<number> {
	const started = performance.now();
	await participant.signaling.request('session.refresh', {});
	return performance.now() - started;
}

describe('caps per person', () => {
	it('holds transports to three, even when the requests race', async () => {
		const { room } = await createRoom(fixture.server.url);
		const ana = await crowd.seat(room.code, 'Ana');
		const results = await outcomes(Array.from({ length: 6 }, (_, i) =>
			ana.signaling.request('transport.create', { direction: i % 2 ? 'send' : 'recv' })));
		expect(results).toEqual({ ok: LIMITS.maxTransports, LIMIT_REACHED: 6 - LIMITS.maxTransports });
		const live = fixture.server.server.liveRooms.get(room.id)!;
		const dump = await live.media.router.dump();
		expect(dump.transportIds).toHaveLength(LIMITS.maxTransports);
	});

	it('holds consumers to the cap, even when the requests race', async () => {
		const { room } = await createRoom(fixture.server.url);
		const [bo, cy] = [await crowd.stream(room.id, 'Bo'), await crowd.stream(room.id, 'Cy')];
		const producerId = await bo.sendAudio();
		await cy.receive(producerId);
		const transportId = cy.recvTransportId!;
		const extra = 10;
		const results = await outcomes(Array.from({ length: LIMITS.maxConsumers - 1 + extra }, () =>
			cy.signaling.request('consumer.createMany', { transportId, producerIds: [producerId] }).then(({ consumers: [consumer], refused: [refusal] }) => {
				if (!consumer) throw refusal!.error;
			})));
		expect(results).toEqual({ ok: LIMITS.maxConsumers - 1, LIMIT_REACHED: extra });
	});
});

describe('rate limits per connection', () => {
	it('refuses a chat flood with RATE_LIMITED while the others\' requests stay as fast as before', async () => {
		const { room } = await createRoom(fixture.server.url);
		const [mallory, bob] = [await crowd.seat(room.code, 'Mallory'), await crowd.seat(room.code, 'Bob')];
		// A request of another class, within its own bucket: 2 went on joining, 16 here.
		const timed = () => refreshTime(bob);
		const before: number[] = [];
		for (let i = 0; i < 8; i++) before.push(await timed());

		const flood = outcomes(Array.from({ length: 3000 }, () => mallory.signaling.request('chat.send', { text: 'spam' })));
		const during: number[] = [];
		for (let i = 0; i < 8; i++) during.push(await timed());
		const results = await flood;
		expect(results.ok).toBeLessThanOrEqual(LIMITS.requestLimits.chat.burst + 5);
		expect(results.RATE_LIMITED).toBeGreaterThanOrEqual(3000 - LIMITS.requestLimits.chat.burst - 5);
		// Bob sees nearly nothing of it: neither the refused messages nor a slower server.
		expect(bob.events.filter(({ event }) => event === 'chat.message').length).toBe(results.ok);
		expect(median(during)).toBeLessThan(median(before) * 3 + 20);
	});
});

/** Opens a connection with `token` and closes it again; resolves 'ok' or the refusal's code. */
async function connectOnce(url: string, token: string): Promise<string> {
	const client = new SignalingClient(url, token, { reconnection: false });
	try {
		await client.connect();
		return 'ok';
	} catch (error) {
		return (error as SignalingError).code;
	} finally {
		client.close();
	}
}

describe('connections per participant', () => {
	it('lets a token open a burst of connections (reconnects), then refuses with RATE_LIMITED', async () => {
		const { room } = await createRoom(fixture.server.url);
		const token = await joinToken(fixture.server.url, room.code, 'Ana');
		const results: string[] = [];
		for (let i = 0; i < LIMITS.connectionsPerParticipant.burst + 3; i++) results.push(await connectOnce(fixture.server.url, token));
		expect(results.slice(0, LIMITS.connectionsPerParticipant.burst)).toEqual(Array(LIMITS.connectionsPerParticipant.burst).fill('ok'));
		expect(results.slice(LIMITS.connectionsPerParticipant.burst)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
		// Someone else is not held back by it.
		expect(await connectOnce(fixture.server.url, await joinToken(fixture.server.url, room.code, 'Bo'))).toBe('ok');
	});
});

describe('limits per address', () => {
	const PER_MINUTE = 20;
	let server: TestServer;
	const crowd = new Crowd(() => server.url);
	beforeAll(async () => {
		server = await startServer({ ROOMS_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE), ROOMS_WEB_ROOMS_PER_HOUR: '3' });
	});
	afterAll(async () => {
		crowd.closeAll();
		await server?.close();
	});

	it('refuses a flood of connections from one address with RATE_LIMITED before reading a token, while those in a call stay as fast', async () => {
		const { room } = await createRoom(server.url);
		const bob = await crowd.seat(room.code, 'Bob');
		const timed = () => refreshTime(bob);
		const before: number[] = [];
		for (let i = 0; i < 8; i++) before.push(await timed());
		const floodStarted = Date.now();
		const flood = Promise.all(Array.from({ length: 300 }, () => connectOnce(server.url, 'junk')));
		const during: number[] = [];
		for (let i = 0; i < 8; i++) during.push(await timed());
		const counts: Record<string, number> = {};
		for (const result of await flood) counts[result] = (counts[result] ?? 0) + 1;
		// Bob's connection took one; the rest of the burst went to the flood, refused for its junk token. The bucket
		// refills one every 60/PER_MINUTE s, and a flood a busy machine drags out earns those too (seen: 4 more, 12 s).
		const refilled = Math.floor((Date.now() - floodStarted) / (60_000 / PER_MINUTE));
		expect(Object.keys(counts).sort()).toEqual(['AUTH_INVALID', 'RATE_LIMITED']);
		expect(counts.AUTH_INVALID).toBeGreaterThanOrEqual(PER_MINUTE - 1);
		expect(counts.AUTH_INVALID).toBeLessThanOrEqual(PER_MINUTE - 1 + refilled);
		expect(counts.AUTH_INVALID! + counts.RATE_LIMITED!).toBe(300);
		expect(median(during)).toBeLessThan(median(before) * 3 + 20);
	});

	it('limits rooms made on the landing page per address and per hour, with 429 RATE_LIMITED', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++) statuses.push((await api(server.url, 'POST', '/api/v1/web/rooms', { body: { name: 'Ana' } })).status);
		expect(statuses).toEqual([201, 201, 201, 429]);
		const refused = await api(server.url, 'POST', '/api/v1/web/rooms', { body: { name: 'Ana' } });
		expect(refused.body.error.code).toBe('RATE_LIMITED');
	});
});
