/**
 * The owner app's ingest API: who may call it, what it answers, SRTP that
 * really reaches the others, and when a streamed participant leaves.
 */
import dgram from 'node:dgram';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IngestResponse } from '../../shared/api.js';
import { loadClip } from '../../tools/loadtest/src/bots/clip.js';
import { RtpStream, SrtpProtector, vp8Payloads } from '../../tools/loadtest/src/bots/rtp.js';
import { api, appToken, createRoom } from '../support/server.js';
import { ownerToken, serverWithCrowd } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';

const fixture = serverWithCrowd({ ROOMS_INGEST_IDLE_SECONDS: '1' });
const { crowd } = fixture;

async function ingest(roomId: string, body: Record<string, unknown>, token = ownerToken()) {
	return api<IngestResponse & { error?: { code: string } }>(fixture.server.url, 'POST', `/api/v1/rooms/${roomId}/ingest`, { token, body });
}

/** Sends the bots' VP8 clip to the stream the API answered with, `frames` frames at 30 per second. */
async function sendVideo(response: IngestResponse, frames: number): Promise<void> {
	const { video, srtp } = response;
	const stream = new RtpStream(video!.ssrc, video!.payloadType, video!.clockRate, new SrtpProtector(srtp!));
	const socket = dgram.createSocket('udp4');
	const clip = (await loadClip()).video[0]!;
	try {
		for (let index = 0; index < frames; index++) {
			const payloads = vp8Payloads(clip[index % clip.length]!.data, { pictureId: index, tl0PicIdx: index, temporalLayer: 0, layerSync: false });
			for (const [i, payload] of payloads.entries()) {
				socket.send(stream.packet(payload, index * 3000, i === payloads.length - 1), video!.port, video!.ip);
			}
			await new Promise((resolve) => setTimeout(resolve, 33));
		}
	} finally {
		socket.close();
	}
}

describe('ingest API', () => {
	// Encoded once per machine, in the background; the tests time media from when it is ready.
	beforeAll(() => loadClip(), 60_000);

	it('is for the room\'s owner app only', async () => {
		const { room } = await createRoom(fixture.server.url);
		expect((await ingest(room.id, { name: 'Feed' }, '')).status).toBe(401);
		const stranger = await ingest(room.id, { name: 'Feed' }, appToken('whatsapp', '+15550001111', 'Mallory'));
		expect([stranger.status, stranger.body.error?.code]).toEqual([404, 'ROOM_NOT_FOUND']);
		const bad = await ingest(room.id, { name: '', video: 'yes' });
		expect([bad.status, bad.body.error?.code]).toEqual([400, 'INVALID_PAYLOAD']);
		expect(fixture.server.server.liveRooms.get(room.id)?.participantCount ?? 0).toBe(0);
	});

	it('seats a streamed participant whose SRTP video reaches the others', async () => {
		const { room } = await createRoom(fixture.server.url);
		const viewer = await crowd.stream(room.id, 'Viewer');
		const created = await ingest(room.id, { name: 'Lecture', audio: true, video: true });
		expect(created.status).toBe(201);
		const body = created.body;
		expect(body).toMatchObject({
			participantId: expect.any(String),
			token: expect.any(String),
			srtp: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/) },
			audio: { codec: 'opus', payloadType: 100, clockRate: 48000, ip: '127.0.0.1', port: expect.any(Number) },
			video: { codec: 'VP8', payloadType: 101, clockRate: 90000, ip: '127.0.0.1', port: expect.any(Number) },
		});
		// Each stream, and each one's RTCP, has its own port: an encoder sends each from a socket of its own.
		expect(new Set([body.audio!.port, body.audio!.rtcpPort, body.video!.port, body.video!.rtcpPort]).size).toBe(4);
		const joined = await viewer.waitFor('participant.joined', (person) => person.id === body.participantId);
		expect(joined).toMatchObject({ name: 'Lecture', role: 'guest', appName: 'Messenger' });
		expect(joined.identity).toBeUndefined();

		await viewer.waitFor('producer.new', (producer) => producer.id === body.video!.producerId);
		await viewer.receive(body.video!.producerId);
		const sending = sendVideo(body, 30);
		await eventually(() => viewer.receivedPackets >= 20, 5000, 'the streamed video at the viewer');
		await sending;
	});

	it('frees the seat of a stream that stops sending, and when the owner removes it', async () => {
		const { room } = await createRoom(fixture.server.url);
		const viewer = await crowd.stream(room.id, 'Viewer');
		const silent = (await ingest(room.id, { name: 'Silent', video: true })).body;
		await viewer.waitFor('participant.left', (event) => event.participantId === silent.participantId, 6000);

		const removed = (await ingest(room.id, { name: 'Removed', audio: true })).body;
		await viewer.waitFor('participant.joined', (person) => person.id === removed.participantId);
		const response = await api(fixture.server.url, 'DELETE', `/api/v1/rooms/${room.id}/participants/${removed.participantId}`, { token: ownerToken() });
		expect(response.status).toBe(204);
		await viewer.waitFor('participant.left', (event) => event.participantId === removed.participantId && event.reason === 'removed');
	});

	it('keeps a room with only a stream in it open, and closes it when the stream leaves', async () => {
		const { room } = await createRoom(fixture.server.url);
		const body = (await ingest(room.id, { name: 'Alone', video: true })).body;
		const live = fixture.server.server.liveRooms.get(room.id)!;
		expect(live.seated(body.participantId)).toBeDefined();
		await eventually(() => live.closed, 6000, 'the room to close once the idle stream left');
	});

	it('answers a token only, for a bot that signals itself, and refuses a full room', async () => {
		const { room } = await createRoom(fixture.server.url, { maxParticipants: 2 });
		const tokenOnly = (await ingest(room.id, { name: 'Bot' })).body;
		expect(Object.keys(tokenOnly).sort()).toEqual(['participantId', 'signalingPath', 'token']);
		expect(tokenOnly.signalingPath).toBe('/socket.io');
		await crowd.stream(room.id, 'One');
		await crowd.stream(room.id, 'Two');
		const full = await ingest(room.id, { name: 'Three', audio: true });
		expect([full.status, full.body.error?.code]).toEqual([409, 'ROOM_FULL']);
	});
});
