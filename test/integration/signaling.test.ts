import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, createRoom, joinToken, startServer, type TestServer } from '../support/server.js';
import { hostKeyOf, ownerToken, refusal } from '../support/rooms.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';
import { eventually } from '../support/eventually.js';
import type { RtpCapabilities } from '../../shared/schemas.js';

let server: TestServer;
const open: BotConnection[] = [];
beforeAll(async () => {
	server = await startServer();
});
afterEach(() => {
	for (const participant of open.splice(0)) participant.close();
});
afterAll(async () => {
	await server?.close();
});

async function participant(code: string, name: string, options: { join?: boolean } = {}): Promise<BotConnection> {
	const joined = await BotConnection.connect(server.url, await joinToken(server.url, code, name), options);
	open.push(joined);
	return joined;
}

/** An ingest participant of the room's owner app: the only kind that can send and receive plain SRTP. */
async function streamer(roomId: string, name: string): Promise<BotConnection> {
	const joined = await BotConnection.ingest(server.url, roomId, name, ownerToken());
	open.push(joined);
	return joined;
}


describe('media forwarding', () => {
	it('forwards one participant\'s RTP to the two others through the SFU', async () => {
		const { room } = await createRoom(server.url);
		const ana = await streamer(room.id, 'Ana');
		const bo = await streamer(room.id, 'Bo');
		const cy = await streamer(room.id, 'Cy');
		expect(cy.joined.participants.map((p) => p.name).sort()).toEqual(['Ana', 'Bo']);

		const producerId = await ana.sendAudio({ packetsPerSecond: 100 });
		const announced = await bo.waitFor('producer.new', (p) => p.id === producerId);
		expect(announced).toMatchObject({ participantId: ana.id, kind: 'audio', source: 'mic', paused: false });
		await cy.waitFor('producer.new', (p) => p.id === producerId);

		const boConsumer = await bo.receive(producerId);
		await cy.receive(producerId);
		await eventually(() => bo.receivedPackets >= 20 && cy.receivedPackets >= 20, 5000, 'RTP at both receivers');

		// The SFU's own counters agree: the consumer sent what the producer received.
		const live = server.server.liveRooms.get(room.id)!;
		const consumer = live.seated(bo.id)!.media.consumer(boConsumer);
		const stats = await consumer.getStats();
		const outbound = stats.find((s) => s.type === 'outbound-rtp');
		expect(outbound?.packetCount).toBeGreaterThan(0);

		// And /metrics reports the media flowing: received from Ana, sent twice as much to Bo and Cy.
		const bitrate = async (direction: string) => {
			const text = await (await fetch(`${server.url}/metrics`)).text();
			return Number(new RegExp(`^rooms_media_bitrate_bits_per_second\\{worker="0",direction="${direction}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
		};
		await eventually(async () => (await bitrate('received')) > 0 && (await bitrate('sent')) > (await bitrate('received')), 5000, 'the bitrate in /metrics');
	});

	it('tells the others when a producer is muted, unmuted and closed', async () => {
		const { room } = await createRoom(server.url);
		const ana = await streamer(room.id, 'Ana');
		const bo = await streamer(room.id, 'Bo');
		const producerId = await ana.sendAudio();
		await bo.waitFor('producer.new', (p) => p.id === producerId);
		const consumerId = await bo.receive(producerId);

		await ana.signaling.request('producer.pause', { producerId });
		await bo.waitFor('producer.paused', (p) => p.producerId === producerId && p.participantId === ana.id);
		const before = bo.receivedPackets;
		await new Promise((resolve) => setTimeout(resolve, 300));
		// A paused producer forwards nothing (allow what was already in flight).
		expect(bo.receivedPackets - before).toBeLessThanOrEqual(3);

		await ana.signaling.request('producer.resume', { producerId });
		await bo.waitFor('producer.resumed', (p) => p.producerId === producerId);
		await eventually(() => bo.receivedPackets > before + 5, 3000, 'RTP after unmute');

		await ana.signaling.request('producer.close', { producerId });
		await bo.waitFor('producer.closed', (p) => p.producerId === producerId);
		await bo.waitFor('consumer.closed', (p) => p.consumerId === consumerId);
	});

	it('sends existing producers to a late joiner', async () => {
		const { room } = await createRoom(server.url);
		const ana = await streamer(room.id, 'Ana');
		const producerId = await ana.sendAudio();
		const late = await streamer(room.id, 'Late');
		expect(late.joined.producers).toEqual([expect.objectContaining({ id: producerId, participantId: ana.id })]);
		await late.receive(producerId);
		await eventually(() => late.receivedPackets > 5, 3000, 'RTP at the late joiner');
	});
});

describe('membership', () => {
	it('announces joins and leaves to the others', async () => {
		const { room } = await createRoom(server.url);
		const ana = await participant(room.code, 'Ana');
		const bo = await participant(room.code, 'Bo');
		await ana.waitFor('participant.joined', (p) => p.id === bo.id && p.name === 'Bo' && p.role === 'guest');
		await bo.signaling.request('room.leave', {});
		await ana.waitFor('participant.left', (p) => p.participantId === bo.id && p.reason === 'left');
		await bo.waitFor('session.closed', (p) => p.reason === 'left');
		await eventually(() => !bo.signaling.connected, 2000, 'socket closed after leaving');
	});

	it('treats a socket the client closes itself as leaving, at once', async () => {
		const { room } = await createRoom(server.url);
		const ana = await participant(room.code, 'Ana');
		const bo = await participant(room.code, 'Bo');
		bo.signaling.close();
		await ana.waitFor('participant.left', (p) => p.participantId === bo.id && p.reason === 'disconnected');
	});

	it('lets a participant reconnect with a refreshed token and keep one seat', async () => {
		const { room } = await createRoom(server.url, { maxParticipants: 2 });
		const ana = await participant(room.code, 'Ana');
		const bo = await participant(room.code, 'Bo');
		const { token } = await bo.signaling.request('session.refresh', {});
		const again = await BotConnection.connect(server.url, token);
		open.push(again);
		expect(again.id).toBe(bo.id);
		await bo.waitFor('session.closed', (p) => p.reason === 'replaced');
		expect((await api(server.url, 'GET', `/api/v1/invites/${room.code}`)).body.participantCount).toBe(2);
		expect(ana.events.filter((e) => e.event === 'participant.left')).toEqual([]);
	});

	it('delivers a private message to its recipient only, and refuses unknown or self recipients', async () => {
		const { room } = await createRoom(server.url);
		const ana = await participant(room.code, 'Ana');
		const bo = await participant(room.code, 'Bo');
		const cy = await participant(room.code, 'Cy');
		const sent = await ana.signaling.request('chat.send', { text: 'just for you', to: bo.id });
		expect(sent.to).toEqual({ id: bo.id, name: 'Bo' });
		expect(await bo.waitFor('chat.message', (m) => m.id === sent.id)).toMatchObject({ text: 'just for you', to: { id: bo.id } });
		await ana.signaling.request('chat.send', { text: 'for everyone' });
		await cy.waitFor('chat.message', (m) => m.text === 'for everyone');
		expect(cy.events.some((e) => e.event === 'chat.message' && e.payload.text === 'just for you')).toBe(false);
		expect(await refusal(ana.signaling.request('chat.send', { text: 'x', to: ana.id }))).toBe('NOT_FOUND');
		expect(await refusal(ana.signaling.request('chat.send', { text: 'x', to: 'nobody' }))).toBe('NOT_FOUND');
	});

	it('refuses chat with a bidi override or a control character, and keeps the joiners scripts and emoji need', async () => {
		const { room } = await createRoom(server.url);
		const ana = await participant(room.code, 'Ana');
		const bo = await participant(room.code, 'Bo');
		for (const text of ['https://example.com/\u202Egpj.exe', 'a\u2066b', 'bell\u0007', 'zero\u200Bwidth']) {
			expect(await refusal(ana.signaling.request('chat.send', { text }))).toBe('INVALID_PAYLOAD');
		}
		const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
		const persian = 'می\u200Cخواهم';
		for (const text of [family, persian]) expect((await ana.signaling.request('chat.send', { text })).text).toBe(text);
		await bo.waitFor('chat.message', (m) => m.text === persian);
		expect(bo.events.flatMap((e) => (e.event === 'chat.message' ? [e.payload.text] : []))).toEqual([family, persian]);
	});

	it('relays chat to the others without echoing it back', async () => {
		const { room } = await createRoom(server.url);
		const ana = await participant(room.code, 'Ana');
		const bo = await participant(room.code, 'Bo');
		const sent = await ana.signaling.request('chat.send', { text: '  hello <b>there</b>  ' });
		expect(sent).toMatchObject({ participantId: ana.id, name: 'Ana', text: 'hello <b>there</b>' });
		await bo.waitFor('chat.message', (m) => m.id === sent.id && m.text === 'hello <b>there</b>');
		expect(ana.events.some((e) => e.event === 'chat.message')).toBe(false);
	});
});

describe('validation and authorization', () => {
	it('refuses a handshake without a valid participant token', async () => {
		for (const auth of [{}, { token: 'nope' }, { token: 42 }]) {
			const socket = io(server.url, { auth, transports: ['websocket'], reconnection: false });
			const error = await new Promise<Error & { data?: { code: string } }>((resolve) => socket.once('connect_error', resolve));
			socket.close();
			expect(error.data?.code).toBe('AUTH_INVALID');
		}
	});

	it('answers bad payloads with INVALID_PAYLOAD and keeps serving', async () => {
		const { room } = await createRoom(server.url);
		const ana = await streamer(room.id, 'Ana');
		const emit = (name: string, payload: unknown) => ana.signaling.sendUnchecked(name, payload);
		for (const payload of [null, 'text', 42, [], { direction: 'sideways' }, { direction: 'send', extra: 1 }]) {
			expect(await emit('transport.create', payload)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
		}
		expect(await emit('producer.create', { transportId: 'x', kind: 'audio', source: 'mic', rtpParameters: { codecs: [] } }))
			.toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
		expect(await emit('chat.send', { text: 'x'.repeat(5000) })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
		// An event without an ack is ignored rather than crashing anything.
		await ana.signaling.sendUnchecked('chat.send', { text: 'no ack' }, { ack: false });
		const transport = await ana.signaling.request('transport.create', { direction: 'send', type: 'plain' });
		// Badly shaped RTP parameters are refused by the schema...
		expect(await emit('producer.create', {
			transportId: transport.id, kind: 'audio', source: 'mic', rtpParameters: { codecs: [{ mimeType: 'audio/nonsense' }] },
		})).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.stringMatching(/^rtpParameters\.codecs\.0\./) } });
		// ...and well-shaped ones with values mediasoup rejects (a codec the room does not offer) by mediasoup.
		expect(await emit('producer.create', {
			transportId: transport.id, kind: 'audio', source: 'mic',
			rtpParameters: { codecs: [{ mimeType: 'audio/nonsense', payloadType: 100, clockRate: 48000 }], encodings: [{ ssrc: 1111 }] },
		})).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
		expect(await ana.signaling.request('chat.send', { text: 'still here' })).toMatchObject({ text: 'still here' });
	});

	it('refuses media requests before joining', async () => {
		const { room } = await createRoom(server.url);
		const ana = await participant(room.code, 'Ana', { join: false });
		expect(await refusal(ana.signaling.request('transport.create', { direction: 'send' }))).toBe('NOT_JOINED');
		expect(await refusal(ana.signaling.request('chat.send', { text: 'hi' }))).toBe('NOT_JOINED');
	});

	it('finds ids only among the caller\'s own objects', async () => {
		const { room } = await createRoom(server.url);
		const ana = await streamer(room.id, 'Ana');
		const bo = await streamer(room.id, 'Bo');
		const producerId = await ana.sendAudio();
		const anaTransport = await ana.signaling.request('transport.create', { direction: 'recv', type: 'plain' });
		const rtpCapabilities = server.server.liveRooms.get(room.id)!.media.rtpCapabilities as RtpCapabilities;
		const consume = (who: typeof ana) => who.signaling.request('consumer.createMany', { transportId: anaTransport.id, producerIds: [producerId], rtpCapabilities });
		expect(await refusal(bo.signaling.request('producer.pause', { producerId }))).toBe('NOT_FOUND');
		expect(await refusal(bo.signaling.request('producer.close', { producerId }))).toBe('NOT_FOUND');
		expect(await refusal(consume(bo))).toBe('NOT_FOUND');
		// Her own producer, on her own transport: the request goes through, and that producer is refused in it.
		expect(await consume(ana)).toMatchObject({ consumers: [], refused: [{ producerId, error: { code: 'NOT_FOUND' } }] });
	});

	it('keeps plain transports to the owner app\'s ingest participants, sending only to their own address', async () => {
		const { room, hostUrl } = await createRoom(server.url);
		const guest = await participant(room.code, 'Ana');
		const host = await BotConnection.connect(server.url, await joinToken(server.url, room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) }));
		open.push(host);
		for (const person of [guest, host]) {
			expect(await refusal(person.signaling.request('transport.create', { direction: 'send', type: 'plain' }))).toBe('FORBIDDEN');
			expect(await refusal(person.signaling.request('transport.create', { direction: 'recv', type: 'plain' }))).toBe('FORBIDDEN');
		}
		const webrtc = await guest.signaling.request('transport.create', { direction: 'send' });
		expect(webrtc).toMatchObject({ type: 'webrtc', iceCandidates: expect.arrayContaining([expect.objectContaining({ ip: '127.0.0.1', protocol: 'udp' })]) });

		const bot = await streamer(room.id, 'Bot');
		const recv = await bot.signaling.request('transport.create', { direction: 'recv', type: 'plain' });
		expect(recv).toMatchObject({ type: 'plain', srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: expect.any(String) } });
		const srtpParameters = { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' as const, keyBase64: Buffer.alloc(30, 7).toString('base64') };
		// Pointing the server's media at somebody else's address would make it a reflector.
		expect(await refusal(bot.signaling.request('transport.connect', { transportId: recv.id, ip: '127.0.0.2', port: 5000, srtpParameters })))
			.toBe('FORBIDDEN');
		expect(await refusal(bot.signaling.request('transport.connect', { transportId: recv.id, ip: '127.0.0.1', port: 5000 })))
			.toBe('INVALID_PAYLOAD');
		await bot.signaling.request('transport.connect', { transportId: recv.id, ip: '127.0.0.1', port: 5000, srtpParameters });
	});

	it('answers an unexpected fault with a generic INTERNAL, logs it with its stack, and keeps serving', async () => {
		const lines: string[] = [];
		const own = await startServer({ LOG_LEVEL: 'error' }, undefined, { logTo: { write: (line) => lines.push(line) } });
		try {
			const { room } = await createRoom(own.url);
			const ana = await BotConnection.connect(own.url, await joinToken(own.url, room.code, 'Ana'));
			// A fault no request can cause: the room's router is gone under it.
			own.server.liveRooms.get(room.id)!.media.router.close();
			const answer = await ana.signaling.sendUnchecked('transport.create', { direction: 'send' });
			expect(answer).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
			const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'signalling request failed');
			expect(logged).toMatchObject({ request: 'transport.create', err: { type: expect.any(String), stack: expect.stringContaining('\n    at ') } });
			expect(await ana.signaling.request('chat.send', { text: 'still here' })).toMatchObject({ text: 'still here' });
			ana.close();
		} finally {
			await own.close();
		}
	});
});

describe('the same person again', () => {
	it('takes their own seat over from another tab (same browser key), even in a full room; the first session is told', async () => {
		const { room } = await createRoom(server.url, { maxParticipants: 2 });
		const ana = await participant(room.code, 'Ana');
		const first = await BotConnection.connect(server.url, await joinToken(server.url, room.code, 'Bo', { guestKey: 'bo-browser-key-0123456789' }));
		open.push(first);
		const secondTab = await BotConnection.connect(server.url, await joinToken(server.url, room.code, 'Bo', { guestKey: 'bo-browser-key-0123456789' }));
		open.push(secondTab);
		expect(secondTab.id).toBe(first.id);
		await first.waitFor('session.closed', (p) => p.reason === 'replaced');
		expect((await api(server.url, 'GET', `/api/v1/invites/${room.code}`)).body.participantCount).toBe(2);
		expect(ana.events.filter((e) => e.event === 'participant.joined').length).toBe(1);
	});
});
