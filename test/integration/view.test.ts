/** What a person's screen shows (view.update): validated, rate-limited, and harmless for ids that are not theirs to see. */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.js';
import { createRoom } from '../support/server.js';
import { hostKeyOf, serverWithCrowd } from '../support/rooms.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

async function pair() {
	const created = await createRoom(fixture.server.url);
	const host = await crowd.seat(created.room.code, 'Hana', { hostKey: hostKeyOf(created.hostUrl) });
	const bo = await crowd.seat(created.room.code, 'Bo');
	return { host, bo };
}

describe('view.update', () => {
	it('accepts the tiles on screen, and refuses malformed or oversized views with INVALID_PAYLOAD', async () => {
		const { bo } = await pair();
		expect(await bo.signaling.request('view.update', { tiles: [{ producerId: 'someone-elses-or-none', height: 180 }] })).toEqual({});
		expect(await bo.signaling.request('view.update', { tiles: [] })).toEqual({});
		for (const bad of [
			{ tiles: [{ producerId: 'p', height: -1 }] },
			{ tiles: [{ producerId: 'p', height: 1.5 }] },
			{ tiles: [{ producerId: 'p', height: 100, extra: true }] },
			{ tiles: Array.from({ length: LIMITS.maxViewTiles + 1 }, (_, i) => ({ producerId: `p${i}`, height: 100 })) },
			{ tiles: 'all' },
		]) {
			const answer = await bo.signaling.sendUnchecked('view.update', bad);
			expect(answer?.ok).toBe(false);
			expect((answer as { error?: { code: string } })?.error?.code).toBe('INVALID_PAYLOAD');
		}
	});

	it('refuses a burst beyond the limit with RATE_LIMITED', async () => {
		const { host } = await pair();
		const results = await Promise.allSettled(Array.from({ length: LIMITS.viewBurst + 5 }, () => host.signaling.request('view.update', { tiles: [] })));
		const refused = results.filter((result) => result.status === 'rejected');
		expect(refused.length).toBeGreaterThanOrEqual(4);
		for (const result of refused) expect((result as PromiseRejectedResult).reason.code).toBe('RATE_LIMITED');
	});
});
