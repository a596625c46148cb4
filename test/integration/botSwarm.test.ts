/**
 * The bot swarm as the load tool drives it: each bot waits for its turn, and a
 * run stopped while bots are still joining (Ctrl-C) sends no more, while the
 * joins under way finish. In an end-to-end encrypted room, bots exchange keys
 * as browsers do and the SFU forwards only sealed frames of theirs.
 */
import { describe, expect, it } from 'vitest';
import { BotSwarm } from '../../tools/loadtest/src/bots/BotSwarm.js';
import { newRoomSecret } from '../../shared/e2ee/roomSecret.js';
import { ForwardedFrames } from '../support/forwardedFrames.js';
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

	it('exchanges keys in an encrypted room and sends only sealed frames; without the link\'s key, a bot refuses to join', async () => {
		const { room } = await createRoom(fixture.server.url, { e2ee: true });
		const swarm = new BotSwarm();
		const roomSecret = newRoomSecret();
		const options = (index: number) => ({ url: fixture.server.url, roomId: room.id, appToken: ownerToken(), name: `Bot ${index + 1}`,
			speaking: true, grid: { tiles: 2, tileHeight: 180, speakerHeight: 360 }, roomSecret });
		let recorder: ForwardedFrames | undefined;
		try {
			await swarm.join(3, options, { concurrency: 1 });
			// Each bot holds a key of each other bot's.
			await expect.poll(() => Math.min(...swarm.bots.map(({ keyTraffic }) => keyTraffic.received)), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
			recorder = await ForwardedFrames.start(fixture.server.url, room.id);
			// The recorder, seated without an identity, is the one they do not verify.
			await expect.poll(() => swarm.bots.map(({ keyTraffic }) => keyTraffic.unverified), { timeout: 10_000 }).toEqual([1, 1, 1]);
			await expect.poll(() => recorder!.counts.video.frames, { timeout: 10_000 }).toBeGreaterThan(100);
			await expect.poll(() => recorder!.counts.audio.frames, { timeout: 10_000 }).toBeGreaterThan(100);
			for (const kind of ['audio', 'video'] as const) expect(recorder!.counts[kind].sealed).toBe(recorder!.counts[kind].frames);
			expect(swarm.bots.every(({ media }) => media.encryptionError === undefined)).toBe(true);

			const keyless = new BotSwarm();
			try {
				await expect(keyless.join(1, (index) => ({ ...options(index + 3), roomSecret: undefined }))).rejects.toThrow(/end-to-end encrypted: give the full invite link/);
			} finally {
				keyless.close();
			}
		} finally {
			swarm.close();
			recorder?.close();
		}
	});
});
