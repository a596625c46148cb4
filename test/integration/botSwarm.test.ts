/**
 * The bot swarm as the load tool drives it: each bot waits for its turn, and a
 * run stopped while bots are still joining (Ctrl-C) sends no more, while the
 * joins under way finish.
 */
import { describe, expect, it } from 'vitest';
import { BotSwarm } from '../../tools/loadtest/src/bots/BotSwarm.js';
import { createRoom } from '../support/server.js';
import { ownerToken, serverWithCrowd } from '../support/rooms.js';

const fixture = serverWithCrowd();

describe('BotSwarm', () => {
	it('joins no more bots once its pace says stop', async () => {
		const { room } = await createRoom(fixture.server.url);
		const swarm = new BotSwarm();
		const stopping = new AbortController();
		const started: number[] = [];
		try {
			await swarm.join(6, (index) => {
				started.push(index);
				// Stopped as the second bot sets out: both joins are under way.
				if (index === 1) stopping.abort();
				return { url: fixture.server.url, roomId: room.id, appToken: ownerToken(), name: `Bot ${index + 1}`, speaking: false,
					grid: { tiles: 1, tileHeight: 180, speakerHeight: 360 } };
			}, {
				concurrency: 2,
				pace: async () => !stopping.signal.aborted,
			});
			expect(started).toEqual([0, 1]);
			expect(swarm.bots).toHaveLength(2);
			expect(swarm.bots.every((bot) => bot.participantId)).toBe(true);
		} finally {
			swarm.close();
		}
	});
});
