/**
 * End-to-end encrypted rooms, the server's side: the flag is set at creation
 * only, identities are passed on unread, boxes are relayed to one seated
 * person, chat takes boxes there and text elsewhere, ffmpeg's clear streams
 * are refused, producers are VP8 or Opus, and key frames can be asked for.
 * Real server, real sockets, real SQLite.
 */
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../shared/e2ee/bytes.js';
import { identityProof, newIdentity } from '../../shared/e2ee/identity.js';
import { newRoomSecret, parseRoomSecret, proofKey } from '../../shared/e2ee/roomSecret.js';
import { LIMITS } from '../../shared/limits.js';
import { newSrtpParameters } from '../../shared/srtp.js';
import { api, createRoom, joinToken } from '../support/server.js';
import { ownerToken, refusal, serverWithCrowd } from '../support/rooms.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;
const url = () => fixture.server.url;

/** A visit's identity for a seat, proven with the room's secret, as the browser makes it. */
async function identityFor(secret: string, participantId: string) {
	const identity = await newIdentity();
	return { publicKey: toBase64Url(identity.publicKey), proof: await identityProof(await proofKey(parseRoomSecret(secret)), identity.publicKey, participantId) };
}

/** Joins with an identity (or none) and returns the bot. */
async function seatWith(code: string, name: string, secret?: string) {
	const token = await joinToken(url(), code, name);
	const pid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).pid as string;
	const bot = await crowd.connect(token);
	const e2ee = secret ? await identityFor(secret, pid) : undefined;
	const result = await bot.signaling.request('room.join', { ...(e2ee ? { e2ee } : {}) });
	if (result.status !== 'joined') throw new Error('not seated');
	bot.joined = result.room;
	return { bot, e2ee };
}

const encryptedRoom = () => createRoom(url(), { e2ee: true });

describe('an end-to-end encrypted room', () => {
	it('is chosen at creation (API and landing page), shown in the room and invite views, and never changed', async () => {
		const { room } = await encryptedRoom();
		expect(room).toMatchObject({ e2ee: true });
		expect((await createRoom(url())).room).toMatchObject({ e2ee: false });
		expect((await api(url(), 'GET', `/api/v1/invites/${room.code}`)).body).toMatchObject({ e2ee: true });
		const patch = await api(url(), 'PATCH', `/api/v1/rooms/${room.id}`, { token: ownerToken(), body: { e2ee: false } });
		expect(patch.status).toBe(400);
		expect((await api(url(), 'GET', `/api/v1/rooms/${room.id}`, { token: ownerToken() })).body.room).toMatchObject({ e2ee: true });
		const web = await api(url(), 'POST', '/api/v1/web/rooms', { body: { name: 'Ana', e2ee: true } });
		expect(web.status).toBe(201);
		expect(web.body.room).toMatchObject({ e2ee: true });
		expect(web.body.inviteUrl).not.toContain('k=');
		const { bot } = await seatWith(room.code, 'Ana');
		expect(bot.joined.settings.e2ee).toBe(true);
	});

	it('passes each identity on to the others as it came, and refuses identities in clear rooms and malformed ones', async () => {
		const secret = newRoomSecret();
		const { room } = await encryptedRoom();
		const { bot: ana, e2ee: anaIdentity } = await seatWith(room.code, 'Ana', secret);
		const { bot: bo } = await seatWith(room.code, 'Bo', secret);
		expect(bo.joined.participants.find((view: { id: string }) => view.id === ana.id)?.e2ee).toEqual(anaIdentity);
		const boJoined = await ana.waitFor('participant.joined', (view) => view.id === bo.id);
		expect(boJoined.e2ee.publicKey).toHaveLength(87);

		const clear = await createRoom(url());
		await expect(seatWith(clear.room.code, 'Cy', secret)).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
		const cy = await crowd.connect(await joinToken(url(), room.code, 'Cy'));
		for (const e2ee of [{ publicKey: 'short', proof: anaIdentity!.proof }, { publicKey: anaIdentity!.publicKey, proof: `${anaIdentity!.proof}=` }, { publicKey: anaIdentity!.publicKey }]) {
			const answer = await cy.signaling.sendUnchecked('room.join', { e2ee });
			expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
		}
		expect(fixture.server.server.liveRooms.get(room.id)!.participantCount).toBe(2);
	});

	it('relays a box to the one seated person it is for, with who sent it, and refuses the rest', async () => {
		const { room } = await encryptedRoom();
		const { bot: ana } = await seatWith(room.code, 'Ana');
		const { bot: bo } = await seatWith(room.code, 'Bo');
		const { bot: cy } = await seatWith(room.code, 'Cy');
		const box = toBase64Url(crypto.getRandomValues(new Uint8Array(LIMITS.maxBoxBytes)));
		expect(await ana.signaling.request('e2ee.send', { to: bo.id, box })).toEqual({});
		expect(await bo.waitFor('e2ee.message')).toEqual({ from: ana.id, box });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(cy.events.filter(({ event }) => event === 'e2ee.message')).toEqual([]);

		expect(await refusal(ana.signaling.request('e2ee.send', { to: ana.id, box }))).toBe('NOT_FOUND');
		expect(await refusal(ana.signaling.request('e2ee.send', { to: 'nobody-here', box }))).toBe('NOT_FOUND');
		const tooBig = toBase64Url(new Uint8Array(LIMITS.maxBoxBytes + 1));
		expect(await refusal(ana.signaling.request('e2ee.send', { to: bo.id, box: tooBig }))).toBe('INVALID_PAYLOAD');
		expect(await refusal(ana.signaling.request('e2ee.send', { to: bo.id, box: 'not base64url!' }))).toBe('INVALID_PAYLOAD');

		const clear = await createRoom(url());
		const { bot: dee } = await seatWith(clear.room.code, 'Dee');
		const { bot: eve } = await seatWith(clear.room.code, 'Eve');
		expect(await refusal(dee.signaling.request('e2ee.send', { to: eve.id, box }))).toBe('FORBIDDEN');
	});

	it('limits key messages to their own burst, without touching the others\' requests', async () => {
		const { room } = await encryptedRoom();
		const { bot: ana } = await seatWith(room.code, 'Ana');
		const { bot: bo } = await seatWith(room.code, 'Bo');
		const burst = LIMITS.requestLimits.e2ee.burst;
		const results = await Promise.allSettled(Array.from({ length: burst + 30 }, () => ana.signaling.request('e2ee.send', { to: bo.id, box: 'AAAA' })));
		const refused = results.filter((result) => result.status === 'rejected');
		expect(refused.length).toBeGreaterThanOrEqual(20);
		for (const result of refused) expect((result as PromiseRejectedResult).reason.code).toBe('RATE_LIMITED');
		expect(await ana.signaling.request('reaction.send', { emoji: '👍' })).toEqual({});
	});

	it('takes chat as boxes, relayed unread, and refuses text; a clear room refuses boxes', async () => {
		const { room } = await encryptedRoom();
		const { bot: ana } = await seatWith(room.code, 'Ana');
		const { bot: bo } = await seatWith(room.code, 'Bo');
		expect(await refusal(ana.signaling.request('chat.send', { text: 'hello' }))).toBe('INVALID_PAYLOAD');
		const sent = await ana.signaling.request('chat.send', { box: 'c2VhbGVk' });
		expect(sent).toMatchObject({ participantId: ana.id, box: 'c2VhbGVk' });
		expect(sent).not.toHaveProperty('text');
		expect(await bo.waitFor('chat.message')).toMatchObject({ box: 'c2VhbGVk', name: 'Ana' });
		const privately = await ana.signaling.request('chat.send', { box: 'cHJpdmF0ZQ', to: bo.id });
		expect(privately).toMatchObject({ box: 'cHJpdmF0ZQ', to: { id: bo.id, name: 'Bo' } });
		expect(await refusal(ana.signaling.request('chat.send', { box: 'x', text: 'both' }))).toBe('INVALID_PAYLOAD');
		expect(await refusal(ana.signaling.request('chat.send', {} as never))).toBe('INVALID_PAYLOAD');

		const clear = await createRoom(url());
		const { bot: cy } = await seatWith(clear.room.code, 'Cy');
		expect(await refusal(cy.signaling.request('chat.send', { box: 'c2VhbGVk' }))).toBe('INVALID_PAYLOAD');
		expect(await cy.signaling.request('chat.send', { text: 'in clear' })).toMatchObject({ text: 'in clear' });
	});

	it('refuses ffmpeg\'s clear streams (409 E2EE_ROOM) but gives a token-only ingest participant a seat', async () => {
		const { room } = await encryptedRoom();
		const streams = await api(url(), 'POST', `/api/v1/rooms/${room.id}/ingest`, { token: ownerToken(), body: { name: 'Camera', video: true } });
		expect(streams.status).toBe(409);
		expect(streams.body.error.code).toBe('E2EE_ROOM');
		expect(fixture.server.server.liveRooms.get(room.id)?.participantCount ?? 0).toBe(0);
		const observer = await crowd.stream(room.id, 'Observer');
		expect(observer.joined.settings.e2ee).toBe(true);
	});

	it('takes VP8 and Opus producers only, and asks a sender for a key frame for the consumer\'s owner, rate-limited', async () => {
		const { room } = await encryptedRoom();
		const sender = await crowd.stream(room.id, 'Sender');
		const viewer = await crowd.stream(room.id, 'Viewer');
		const transport = await sender.signaling.request('transport.create', { direction: 'send', type: 'plain' });
		await sender.signaling.request('transport.connect', { transportId: transport.id, srtpParameters: newSrtpParameters() });
		const video = (mimeType: string, parameters: Record<string, unknown> = {}) => ({
			transportId: transport.id, kind: 'video' as const, source: 'camera' as const,
			rtpParameters: { codecs: [{ mimeType, payloadType: 101, clockRate: 90000, parameters }], encodings: [{ ssrc: 1111 }] },
		});
		expect(await refusal(sender.signaling.request('producer.create', video('video/H264', { 'packetization-mode': 1, 'profile-level-id': '42e01f' })))).toBe('INVALID_PAYLOAD');
		expect(await refusal(sender.signaling.request('producer.create', video('video/VP9', { 'profile-id': 2 })))).toBe('INVALID_PAYLOAD');
		const { id: producerId } = await sender.signaling.request('producer.create', video('video/VP8'));

		const consumerId = await viewer.receive(producerId);
		expect(await viewer.signaling.request('consumer.requestKeyFrame', { consumerId })).toEqual({});
		expect(await refusal(sender.signaling.request('consumer.requestKeyFrame', { consumerId }))).toBe('NOT_FOUND');
		const results = await Promise.allSettled(Array.from({ length: LIMITS.keyFrameRequestBurst + 5 }, () => viewer.signaling.request('consumer.requestKeyFrame', { consumerId })));
		expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.code))
			.toContain('RATE_LIMITED');
	});
});
