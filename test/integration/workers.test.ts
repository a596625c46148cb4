/**
 * A room bigger than one worker's consumer budget grows onto another worker,
 * and works as on one: real bots publish VP8 simulcast and Opus over SRTP,
 * and every one of them receives every other's media across the pipe.
 */
import { describe, expect, it } from 'vitest';
import { BotSwarm } from '../../tools/loadtest/src/bots/BotSwarm.js';
import { createRoom, startServer } from '../support/server.js';
import { ownerToken } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';

describe('a room across workers', () => {
	it('spreads a 4-person room over 2 workers when the budget is tiny, with media and the active speaker flowing both ways', async () => {
		const server = await startServer({ ROOMS_WORKERS: '2', ROOMS_WORKER_CONSUMER_BUDGET: '4' });
		const swarm = new BotSwarm();
		try {
			const { room } = await createRoom(server.url);
			// The second to join speaks: the room grows for them, so their microphone is on the new worker, the observers on the first.
			await swarm.join(4, (index) => ({
				url: server.url, roomId: room.id, appToken: ownerToken(), name: `Bot ${index}`, speaking: index === 1,
				grid: { tiles: 3, tileHeight: 180, speakerHeight: 360 },
			}), { concurrency: 1 });
			const live = server.server.liveRooms.get(room.id)!;
			expect(live.media.routers.placements.map(({ workerIndex }) => workerIndex).sort()).toEqual([0, 1]);
			const workers = await Promise.all(swarm.bots.map((bot) => live.media.workerIndexOf(live.seated(bot.participantId)!.media)));
			expect(new Set(workers)).toEqual(new Set([0, 1]));
			const grown = live.media.routers.placements.find((placement) => placement !== live.media.routers.primary)!.workerIndex;
			expect(workers[1]).toBe(grown);

			// Each bot receives the three others' video, and the speaker's audio, wherever they are.
			const flowing = (bot: (typeof swarm.bots)[number]) => [...bot.media.received.values()].filter((stream) => stream.packets >= 20).length;
			await eventually(() => swarm.bots.every((bot, index) => flowing(bot) >= (index === 1 ? 3 : 4)), 10_000, 'media at every bot');
			const speaker = swarm.bots[1]!.participantId;
			await eventually(() => swarm.bots.every((bot) => bot === swarm.bots[1] || bot.activeSpeaker === speaker), 10_000, 'the active speaker at everyone');
			expect(swarm.totals().lost).toBe(0);
			expect(server.server.workers.consumerCounts().every(({ consumers }) => consumers > 0)).toBe(true);

			// The worker the room grew onto dies: only the people on it lose their session; the others' call goes on.
			process.kill(server.server.workers.pidOf(grown)!, 'SIGKILL');
			const lost = swarm.bots.filter((_, index) => workers[index] === grown).map((bot) => bot.participantId);
			const kept = swarm.bots.filter((_, index) => workers[index] !== grown);
			await eventually(() => lost.every((id) => !live.seated(id)), 5000, 'the second worker\'s people to leave');
			expect(live.closed).toBe(false);
			expect(kept.every((bot) => live.seated(bot.participantId))).toBe(true);
			const before = kept.map((bot) => bot.media.totals().packets);
			await eventually(() => kept.every((bot, index) => bot.media.totals().packets > before[index]! + 20), 5000, 'media among the others');
		} finally {
			swarm.close();
			await server.close();
		}
	});
});
