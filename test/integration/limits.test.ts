/**
 * Per-person caps and per-connection rate limits, against the real server:
 * a flood is refused with a clear code, changes nothing, and does not slow
 * anyone else down.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.js';
import { SignalingError } from '../../web/src/signaling/SignalingClient.js';
import { createRoom } from '../support/server.js';
import { serverWithCrowd } from '../support/rooms.js';
import { median } from '../bench/support/measure.js';

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
			cy.signaling.request('consumer.create', { transportId, producerId })));
		expect(results).toEqual({ ok: LIMITS.maxConsumers - 1, LIMIT_REACHED: extra });
	});
});

describe('rate limits per connection', () => {
	it('refuses a chat flood with RATE_LIMITED while the others\' requests stay as fast as before', async () => {
		const { room } = await createRoom(fixture.server.url);
		const [mallory, bob] = [await crowd.seat(room.code, 'Mallory'), await crowd.seat(room.code, 'Bob')];
		// A request of another class, within its own bucket: 2 went on joining, 16 here.
		const timed = async () => {
			const started = performance.now();
			await bob.signaling.request('session.refresh', {});
			return performance.now() - started;
		};
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
