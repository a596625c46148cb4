/** Raised hands (a queue everyone sees in order), reactions (broadcast, rate-limited) and the host's spotlight, over real sockets. */
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/server.js';
import { hostKeyOf, refusal, serverWithCrowd } from '../support/rooms.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

async function room() {
	const created = await createRoom(fixture.server.url);
	const host = await crowd.seat(created.room.code, 'Hana', { hostKey: hostKeyOf(created.hostUrl) });
	const [ana, bo, cy] = await Promise.all(['Ana', 'Bo', 'Cy'].map((name) => crowd.seat(created.room.code, name)));
	return { ...created, host, ana: ana!, bo: bo!, cy: cy! };
}

const order = (update: { hands: { participantId: string }[] }) => update.hands.map(({ participantId }) => participantId);

describe('raised hands', () => {
	it('keeps hands in the order they went up, for everyone and for late joiners', async () => {
		const { room: created, host, ana, bo, cy } = await room();
		await ana.signaling.request('hand.raise', {});
		await cy.signaling.request('hand.raise', {});
		const answer = await bo.signaling.request('hand.raise', {});
		expect(order(answer)).toEqual([ana.id, cy.id, bo.id]);
		// Raising again keeps one's place.
		expect(order(await ana.signaling.request('hand.raise', {}))).toEqual([ana.id, cy.id, bo.id]);
		await host.waitFor('hands.updated', (update) => update.hands.length === 3);

		const late = await crowd.seat(created.code, 'Dee');
		expect(order(late.joined)).toEqual([ana.id, cy.id, bo.id]);
	});

	it('lets people lower their own hand, hosts lower anyone\'s, and drops the hand of someone who leaves', async () => {
		const { host, ana, bo, cy } = await room();
		for (const person of [ana, bo, cy]) await person.signaling.request('hand.raise', {});
		expect(order(await bo.signaling.request('hand.lower', {}))).toEqual([ana.id, cy.id]);
		expect(await refusal(bo.signaling.request('hand.lower', { participantId: ana.id }))).toBe('FORBIDDEN');
		expect(order(await host.signaling.request('hand.lower', { participantId: ana.id }))).toEqual([cy.id]);
		cy.close();
		await host.waitFor('hands.updated', (update) => update.hands.length === 0);
	});
});

describe('reactions', () => {
	it('reach everyone else with who sent them, and only from the fixed set', async () => {
		const { host, ana, bo } = await room();
		await ana.signaling.request('reaction.send', { emoji: '🎉' });
		for (const other of [host, bo]) {
			expect(await other.waitFor('reaction')).toEqual({ participantId: ana.id, emoji: '🎉' });
		}
		expect((await ana.signaling.sendUnchecked('reaction.send', { emoji: '<img src=x>' }))?.ok).toBe(false);
	});

	it('refuses a burst beyond the limit with RATE_LIMITED, and lets the others react meanwhile', async () => {
		const { ana, bo } = await room();
		const results = await Promise.allSettled(Array.from({ length: 12 }, () => ana.signaling.request('reaction.send', { emoji: '👍' })));
		const refused = results.filter((result) => result.status === 'rejected');
		expect(results.length - refused.length).toBe(5);
		for (const result of refused) expect((result as PromiseRejectedResult).reason.code).toBe('RATE_LIMITED');
		expect(await bo.signaling.request('reaction.send', { emoji: '👏' })).toEqual({});
	});
});

describe('spotlight for everyone', () => {
	it('is set by hosts only, reaches everyone and late joiners, and clears when the person leaves', async () => {
		const { room: created, host, ana, bo } = await room();
		expect(await refusal(ana.signaling.request('room.spotlight', { participantId: bo.id }))).toBe('FORBIDDEN');
		expect(await refusal(host.signaling.request('room.spotlight', { participantId: 'nobody-here' }))).toBe('NOT_FOUND');
		expect((await host.signaling.sendUnchecked('room.spotlight', { participantId: 42 }))?.ok).toBe(false);

		expect(await host.signaling.request('room.spotlight', { participantId: ana.id })).toEqual({ participantId: ana.id });
		for (const person of [ana, bo]) expect(await person.waitFor('spotlight.changed')).toEqual({ participantId: ana.id });
		const late = await crowd.seat(created.code, 'Dee');
		expect(late.joined.spotlightId).toBe(ana.id);

		ana.close();
		await bo.waitFor('spotlight.changed', ({ participantId }) => participantId === null);
	});

	it('is rate-limited per host', async () => {
		const { host, ana, bo } = await room();
		const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => host.signaling.request('room.spotlight', { participantId: i % 2 ? ana.id : bo.id })));
		const refused = results.filter((result) => result.status === 'rejected');
		expect(refused.length).toBe(4);
		for (const result of refused) expect((result as PromiseRejectedResult).reason.code).toBe('RATE_LIMITED');
	});
});
