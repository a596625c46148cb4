/**
 * A view that arrives while consumers are being created: every video consumer
 * ends at the layers and the pause its tile asks for, however the requests
 * interleave. (A consumer created while a view.update ran used to keep
 * mediasoup's default, the top layer, and be resumed at it: +42 % egress.)
 */
import { describe, expect, it } from 'vitest';
import { BotSwarm } from '../../tools/loadtest/src/bots/BotSwarm.js';
import { createRoom } from '../support/server.js';
import { ownerToken, serverWithCrowd } from '../support/rooms.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

describe('views racing consumers', () => {
	it('applies the latest view to consumers created while it arrived: thumbnails at the lowest layer, off-screen video paused', async () => {
		const { room } = await createRoom(fixture.server.url, { maxParticipants: 50 });
		const senders = new BotSwarm();
		try {
			await senders.join(4, (index) => ({ url: fixture.server.url, roomId: room.id, appToken: ownerToken(), name: `Sender ${index + 1}`, speaking: false }));
			const live = fixture.server.server.liveRooms.get(room.id)!;
			const cameras = () => [...live.participants()].flatMap((participant) => participant.media.producerViews())
				.filter(({ kind, source }) => kind === 'video' && source === 'camera').map(({ id }) => id);
			await expect.poll(() => cameras().length).toBe(4);
			const producers = cameras();
			for (let round = 0; round < 16; round++) {
				const viewer = await crowd.stream(room.id, `Viewer ${round + 1}`);
				// The receive transport first (consuming the first camera), then the rest at once, and the view a moment
				// behind: after the consumes read the view, while the worker creates them, before they are registered.
				await viewer.receive(producers[0]!);
				const [shown, hidden] = [producers.slice(0, 3), producers.slice(3)];
				const creating = producers.slice(1).map((producerId) => viewer.consume([producerId]).then(({ consumers: [consumer] }) => consumer!));
				await new Promise((resolve) => setTimeout(resolve, round % 4));
				const viewing = viewer.signaling.request('view.update', { tiles: shown.map((producerId) => ({ producerId, height: 90 })) });
				const created = await Promise.all(creating);
				await viewing;
				await viewer.resume(created.map(({ id }) => id));

				const consumers = live.seated(viewer.id)!.media.videoConsumers();
				expect(consumers).toHaveLength(4);
				for (const consumer of consumers) {
					const onScreen = shown.includes(consumer.producerId);
					expect({ round, onScreen, layers: onScreen ? consumer.preferredLayers : undefined, paused: consumer.paused })
						.toEqual({ round, onScreen, layers: onScreen ? { spatialLayer: 0, temporalLayer: 1 } : undefined, paused: !onScreen });
				}
				expect(hidden).toHaveLength(1);
			}
		} finally {
			senders.close();
		}
	}, 60_000);
});
