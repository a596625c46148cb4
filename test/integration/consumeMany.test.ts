/**
 * The join in one round trip and consumers in batches (RoomMedia.consumeMany),
 * against the real server and worker: the join's answer brings the router's
 * capabilities and an open receive transport; one request creates a
 * participant's consumers of several producers, paused, and one resumes them;
 * what cannot be consumed is refused on its own; a batch costs its size in
 * the rate limit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.js';
import type { RtpCapabilities } from '../../shared/schemas.js';
import { api, createRoom, joinToken } from '../support/server.js';
import { ownerToken, refusal, serverWithCrowd } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

afterAll(() => crowd.closeAll());

describe('the join in one round trip', () => {
	it('answers the router\'s capabilities, and the receive transport when asked for one', async () => {
		const { room } = await createRoom(fixture.server.url);
		const ana = await crowd.connect(await joinToken(fixture.server.url, room.code, 'Ana'));
		const answer = await ana.signaling.request('room.join', { receive: 'webrtc' });
		expect(answer.status).toBe('joined');
		expect(answer.routerRtpCapabilities.codecs!.map(({ mimeType }) => mimeType)).toEqual(live(room.id).media.rtpCapabilities.codecs!.map(({ mimeType }) => mimeType));
		expect(answer.recvTransport).toMatchObject({ type: 'webrtc', iceParameters: expect.any(Object), dtlsParameters: expect.any(Object) });
		if (answer.status !== 'joined') throw new Error('not seated');
		expect(live(room.id).seated(answer.room.self.id)!.media.transport(answer.recvTransport!.id).appData.direction).toBe('recv');

		const bo = await crowd.connect(await joinToken(fixture.server.url, room.code, 'Bo'));
		const plain = await bo.signaling.request('room.join', {});
		expect(plain.routerRtpCapabilities.codecs!.length).toBeGreaterThan(0);
		expect(plain.recvTransport).toBeUndefined();
		// A guest may not have a plain transport: the seat stands, the transport is asked for again and refused there.
		const cy = await crowd.connect(await joinToken(fixture.server.url, room.code, 'Cy'));
		const refusedPlain = await cy.signaling.request('room.join', { receive: 'plain' });
		expect(refusedPlain.status).toBe('joined');
		expect(refusedPlain.recvTransport).toBeUndefined();
		expect(await refusal(cy.signaling.request('transport.create', { direction: 'recv', type: 'plain' }))).toBe('FORBIDDEN');
	});

	it('answers the router\'s capabilities to someone put in the lobby, and no transport', async () => {
		const { room } = await createRoom(fixture.server.url);
		expect((await api(fixture.server.url, 'PATCH', `/api/v1/rooms/${room.id}`, { token: ownerToken(), body: { locked: true } })).status).toBe(200);
		// Asking for the receive transport too: a seat has none to give yet, so none is opened.
		const dee = await crowd.connect(await joinToken(fixture.server.url, room.code, 'Dee', { wait: true }));
		const result = await dee.signaling.request('room.join', { wait: true, receive: 'webrtc' });
		expect(result).toMatchObject({ status: 'waiting', routerRtpCapabilities: { codecs: expect.any(Array) } });
		expect(result.recvTransport).toBeUndefined();
	});
});

describe('consumers in batches', () => {
	it('creates consumers of several producers in one request, paused until one request resumes them, and refuses the rest one by one', async () => {
		const { room } = await createRoom(fixture.server.url);
		const senders = await Promise.all(['Ana', 'Bo', 'Cy'].map((name) => crowd.stream(room.id, name)));
		const producers = await Promise.all(senders.map((sender) => sender.sendAudio()));
		const viewer = await crowd.stream(room.id, 'Viewer');
		expect(viewer.recvTransportId).toBeUndefined();
		await viewer.receive(producers[0]!);

		const { consumers, refused } = await viewer.consume([producers[1]!, producers[2]!, producers[1]!, 'no-such-producer']);
		expect(consumers.map(({ producerId }) => producerId).sort()).toEqual([producers[1], producers[2]].sort());
		expect(refused).toEqual([{ producerId: 'no-such-producer', error: expect.objectContaining({ code: 'NOT_FOUND' }) }]);
		const seat = () => live(room.id).seated(viewer.id)!.media;
		expect(consumers.map(({ id }) => seat().consumer(id).paused)).toEqual([true, true]);

		// One foreign id: nothing is resumed.
		expect(await refusal(viewer.signaling.request('consumer.resumeMany', { consumerIds: [consumers[0]!.id, 'someone-elses'] }))).toBe('NOT_FOUND');
		expect(consumers.map(({ id }) => seat().consumer(id).paused)).toEqual([true, true]);
		await viewer.resume(consumers.map(({ id }) => id));
		expect(consumers.map(({ id }) => seat().consumer(id).paused)).toEqual([false, false]);
		const before = viewer.receivedPackets;
		await eventually(() => viewer.receivedPackets > before + 20, 5000, 'RTP from the batch');
	});

	it('needs the client\'s capabilities once per session, and refuses different ones', async () => {
		const { room } = await createRoom(fixture.server.url);
		const sender = await crowd.stream(room.id, 'Ana');
		const producerId = await sender.sendAudio();
		const viewer = await crowd.stream(room.id, 'Bo');
		const transport = await viewer.signaling.request('transport.create', { direction: 'recv', type: 'plain' });
		const request = (rtpCapabilities?: RtpCapabilities) => viewer.signaling.request('consumer.createMany', {
			transportId: transport.id, producerIds: [producerId], ...(rtpCapabilities ? { rtpCapabilities } : {}),
		});
		expect(await refusal(request())).toBe('INVALID_PAYLOAD');
		expect(live(room.id).seated(viewer.id)!.media.videoConsumers()).toHaveLength(0);
		const router = live(room.id).media.rtpCapabilities as RtpCapabilities;
		expect((await request(router)).consumers).toHaveLength(1);
		// The same again, or none: as given. Different ones: refused, and nothing made.
		const audioOnly = { ...router, codecs: router.codecs!.filter(({ kind }) => kind === 'audio') };
		expect(await refusal(request(audioOnly))).toBe('INVALID_PAYLOAD');
		expect((await request(router)).consumers).toHaveLength(1);
		expect((await request()).consumers).toHaveLength(1);
	});

	it('costs its size in the rate limit: batching is no way around it', async () => {
		const { room } = await createRoom(fixture.server.url);
		const viewer = await crowd.stream(room.id, 'Bo');
		const transport = await viewer.signaling.request('transport.create', { direction: 'recv', type: 'plain' });
		const router = live(room.id).media.rtpCapabilities as RtpCapabilities;
		const batch = Array.from({ length: LIMITS.maxConsumers }, (_, index) => `missing-${index}`);
		const { burst } = LIMITS.requestLimits.media;
		const outcomes: string[] = [];
		for (let sent = 0; sent < Math.ceil(burst / batch.length) + 1; sent++) {
			outcomes.push(await viewer.signaling.request('consumer.createMany', { transportId: transport.id, producerIds: batch, rtpCapabilities: router })
				.then(({ refused }) => `refused ${refused.length}`, (error: { code: string }) => error.code));
		}
		const whole = Math.floor((burst - 1) / batch.length);
		expect(outcomes.slice(0, whole)).toEqual(Array(whole).fill(`refused ${batch.length}`));
		expect(outcomes.at(-1)).toBe('RATE_LIMITED');
	});
});

function live(roomId: string) {
	return fixture.server.server.liveRooms.get(roomId)!;
}
