/**
 * The others see a person's connection trouble: their browser says its audio
 * and video cannot get through (media.health), or their signalling dropped
 * and the seat waits for them. Over real sockets.
 */
import { describe, expect, it } from 'vitest';
import { createRoom, joinToken } from '../support/server.js';
import { refusal, serverWithCrowd } from '../support/rooms.js';

const GRACE_SECONDS = 2;
const fixture = serverWithCrowd({ ROOMS_RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) });
const { crowd } = fixture;

const updatesOf = (person: { events: { event: string; payload: any }[] }, id: string) => person.events
	.filter(({ event, payload }) => event === 'participant.updated' && payload.id === id)
	.map(({ payload }) => payload.connectionTrouble ?? false);

describe('connection trouble', () => {
	it('marks a person whose media cannot get through for the others and late joiners, once per change, until it can', async () => {
		const { room } = await createRoom(fixture.server.url);
		const ana = await crowd.seat(room.code, 'Ana');
		const bo = await crowd.seat(room.code, 'Bo');

		expect(await bo.signaling.request('media.health', { unreachable: true })).toEqual({});
		const marked = await ana.waitFor('participant.updated', (view) => view.id === bo.id);
		expect(marked).toMatchObject({ id: bo.id, name: 'Bo', role: 'guest', connectionTrouble: true });
		// Saying it again changes nothing, and nobody is told again.
		await bo.signaling.request('media.health', { unreachable: true });
		const late = await crowd.seat(room.code, 'Cy');
		expect(late.joined.participants.find((view: { id: string }) => view.id === bo.id)?.connectionTrouble).toBe(true);

		await bo.signaling.request('media.health', { unreachable: false });
		await ana.waitFor('participant.updated', (view) => view.id === bo.id && view.connectionTrouble === undefined);
		const unmarked = await late.waitFor('participant.updated', (view) => view.id === bo.id);
		expect(unmarked).not.toHaveProperty('connectionTrouble');
		expect(updatesOf(ana, bo.id)).toEqual([true, false]);
		// Nobody tells oneself.
		expect(updatesOf(bo, bo.id)).toEqual([]);
	});

	it('refuses a report that is not a yes or no, and a flood beyond the limit', async () => {
		const { room } = await createRoom(fixture.server.url);
		const ana = await crowd.seat(room.code, 'Ana');
		const bo = await crowd.seat(room.code, 'Bo');
		const bad = await bo.signaling.sendUnchecked('media.health', { unreachable: 'yes' });
		expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
		expect(await refusal(bo.signaling.request('media.health', {} as never))).toBe('INVALID_PAYLOAD');

		const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => bo.signaling.request('media.health', { unreachable: i % 2 === 0 })));
		const refused = results.filter((result) => result.status === 'rejected');
		expect(refused.length).toBeGreaterThanOrEqual(3);
		for (const result of refused) expect((result as PromiseRejectedResult).reason.code).toBe('RATE_LIMITED');
		// At most as many changes reached the others as reports were let through.
		await ana.waitFor('participant.updated', (view) => view.id === bo.id);
		expect(updatesOf(ana, bo.id).length).toBeLessThanOrEqual(results.length - refused.length);
	});

	it('marks a person whose connection dropped while their seat is kept, and unmarks them when they come back', async () => {
		const { room } = await createRoom(fixture.server.url);
		const ana = await crowd.seat(room.code, 'Ana');
		const token = await joinToken(fixture.server.url, room.code, 'Bo');
		const bo = await crowd.connect(token);
		await bo.join();
		bo.signaling.drop();
		expect(await ana.waitFor('participant.updated', (view) => view.id === bo.id)).toMatchObject({ connectionTrouble: true });

		const back = await crowd.connect(token);
		expect((await back.join()).status).toBe('joined');
		await ana.waitFor('participant.updated', (view) => view.id === bo.id && view.connectionTrouble === undefined);
		expect(updatesOf(ana, bo.id)).toEqual([true, false]);
		expect(ana.events.filter(({ event }) => event === 'participant.left')).toEqual([]);
	});
});
