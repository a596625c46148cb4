/**
 * Who speaks (the room's ActiveSpeakerObserver and AudioLevelObserver): the
 * events only tell of changes, so someone who joins while a person is talking
 * learns who it is from the join itself. A bot publishes real Opus with the
 * audio-level extension; the others are guests.
 */
import { describe, expect, it } from 'vitest';
import { BotSwarm } from '../../tools/loadtest/src/bots/BotSwarm.js';
import { createRoom } from '../support/server.js';
import { ownerToken, serverWithCrowd } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

describe('speakers', () => {
	it('tells someone who joins while a person talks who the dominant speaker is and who is audible', async () => {
		const { room } = await createRoom(fixture.server.url);
		const early = await crowd.seat(room.code, 'Early');
		const swarm = new BotSwarm();
		try {
			await swarm.join(1, () => ({
				url: fixture.server.url, roomId: room.id, appToken: ownerToken(), name: 'Talker', speaking: true,
				grid: { tiles: 1, tileHeight: 180, speakerHeight: 360 },
			}));
			const talker = swarm.bots[0]!.participantId;
			await early.waitFor('speaker.active', ({ participantId }) => participantId === talker, 10_000);
			await early.waitFor('speaking.changed', ({ participantIds }) => participantIds.includes(talker), 10_000);

			// The talker goes on talking: no change, so no event tells the late one.
			const late = await crowd.seat(room.code, 'Late');
			expect(late.joined.activeSpeakerId).toBe(talker);
			expect(late.joined.speakingIds).toEqual([talker]);

			// A speaker who left is nobody's to be told of.
			swarm.close();
			await eventually(() => late.events.some(({ event, payload }) => event === 'participant.left' && payload.participantId === talker),
				5000, 'the talker to leave');
			const after = await crowd.seat(room.code, 'After');
			expect(after.joined.activeSpeakerId).toBeNull();
			expect(after.joined.speakingIds).toEqual([]);
		} finally {
			swarm.close();
		}
	});
});
