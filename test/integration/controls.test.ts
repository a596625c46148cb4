/**
 * Every host control through the owner app's REST API and through a host
 * in the room (Socket.IO), against a real server with real workers.
 */
import { describe, expect, it } from 'vitest';
import { api, appToken, createRoom, joinAppToken, joinToken, startServer } from '../support/server.js';
import { Crowd, hostKeyOf, ownerJoinToken, ownerToken, refusal, roomOf, serverWithCrowd } from '../support/rooms.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';
import { eventually } from '../support/eventually.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

const patch = (roomId: string, body: unknown, token = ownerToken()) => api(fixture.server.url, 'PATCH', `/api/v1/rooms/${roomId}`, { token, body });

async function hostedRoom(body: Record<string, unknown> = {}) {
	const created = await createRoom(fixture.server.url, body);
	const host = await crowd.seat(created.room.code, 'Hana', { hostKey: hostKeyOf(created.hostUrl) });
	return { ...created, host };
}

describe('lock and knock', () => {
	it('refuses a locked room, lets a knock in when a host admits it and turns one away when denied', async () => {
		const { room, host } = await hostedRoom();
		expect((await patch(room.id, { locked: true })).body.room.locked).toBe(true);
		await host.waitFor('room.updated', (settings) => settings.locked === true);

		const refused = await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Bo' } });
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('ROOM_LOCKED');

		const bo = await crowd.arrive(room.code, 'Bo');
		expect(bo.result).toEqual({ status: 'waiting', lobby: { reason: 'knock', position: 1 }, routerRtpCapabilities: expect.any(Object) });
		const lobby = await host.waitFor('lobby.updated', ({ entries }) => entries.some((entry: any) => entry.name === 'Bo'));
		expect(lobby.entries).toEqual([expect.objectContaining({ id: expect.any(String), name: 'Bo', reason: 'knock' })]);

		await host.signaling.request('lobby.admit', { participantId: lobby.entries[0].id });
		const admitted = await bo.participant.admitted();
		expect(admitted.self.name).toBe('Bo');
		expect(admitted.settings.locked).toBe(true);
		await host.waitFor('participant.joined', (p) => p.name === 'Bo');

		const cy = await crowd.arrive(room.code, 'Cy');
		const cyEntry = (await host.waitFor('lobby.updated', ({ entries }) => entries.some((e: any) => e.name === 'Cy'))).entries
			.find((e: any) => e.name === 'Cy');
		// The owner app can answer knocks too.
		const denied = await api(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/lobby/${cyEntry.id}/deny`, { token: ownerToken() });
		expect(denied.status).toBe(204);
		expect(await cy.participant.waitFor('session.closed')).toEqual({ reason: 'denied' });
		expect((await roomOf(fixture.server.url, room.id)).participants.map((p: any) => p.name).sort()).toEqual(['Bo', 'Hana']);
	});

	it('turns a knock away when nobody answers in time', async () => {
		const quick = await startServer({ ROOMS_KNOCK_TIMEOUT_SECONDS: '1' });
		const local = new Crowd(() => quick.url);
		try {
			const created = await createRoom(quick.url);
			await local.seat(created.room.code, 'Hana', { hostKey: hostKeyOf(created.hostUrl) });
			await api(quick.url, 'PATCH', `/api/v1/rooms/${created.room.id}`, { token: ownerToken(), body: { locked: true } });
			const bo = await local.arrive(created.room.code, 'Bo');
			expect(bo.result.status).toBe('waiting');
			expect(await bo.participant.waitFor('session.closed', () => true, 5000)).toEqual({ reason: 'knock-timeout' });
		} finally {
			local.closeAll();
			await quick.close();
		}
	});
});

describe('removal', () => {
	it('disconnects the person, locks the room, and keeps their browser out after an unlock', async () => {
		const { room, host } = await hostedRoom();
		const bo = await crowd.seat(room.code, 'Bo', { guestKey: 'bo-browser-key-0123456789' });
		await host.signaling.request('participant.remove', { participantId: bo.id });
		expect(await bo.waitFor('session.closed')).toEqual({ reason: 'removed' });
		await host.waitFor('participant.left', (event) => event.participantId === bo.id && event.reason === 'removed');

		// autoLockOnRemove is on by default, as in Messenger Rooms.
		await host.waitFor('room.updated', (settings) => settings.locked === true);
		expect((await patch(room.id, { locked: false })).body.room.locked).toBe(false);

		const fresh = await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Bo again', guestKey: 'bo-browser-key-0123456789' } });
		expect(fresh.status).toBe(403);
		expect(fresh.body.error.code).toBe('REMOVED');
		// The join page learns it before anyone clicks Join; other browsers are not affected.
		const status = (guestKey: unknown) => api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/status`, { body: { guestKey } });
		expect((await status('bo-browser-key-0123456789')).body).toMatchObject({ code: room.code, removed: true, denied: false });
		expect((await status('cy-browser-key-0123456789')).body).toMatchObject({ code: room.code, removed: false });
		expect((await status('short')).status).toBe(400);

		// The old token does not even connect again.
		expect(await refusal(crowd.connect(bo.signaling.token))).toBe('REMOVED');

		// Someone else's browser still gets in.
		await crowd.seat(room.code, 'Cy', { guestKey: 'cy-browser-key-0123456789' });
	});

	it('bans a signed-in person by identity, through the REST API', async () => {
		const { room, host } = await hostedRoom({ autoLockOnRemove: false });
		const ivy = await crowd.seat(room.code, 'Ivy', { appToken: joinAppToken('whatsapp', '+15550001111', 'Ivy') });
		const removed = await api(fixture.server.url, 'DELETE', `/api/v1/rooms/${room.id}/participants/${ivy.id}`, { token: ownerToken() });
		expect(removed.status).toBe(204);
		expect(await ivy.waitFor('session.closed')).toEqual({ reason: 'removed' });
		const again = await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, {
			body: { name: 'Ivy', appToken: joinAppToken('whatsapp', '+15550001111', 'Ivy'), guestKey: 'a-brand-new-browser-key' },
		});
		expect(again.body.error.code).toBe('REMOVED');
		expect((await roomOf(fixture.server.url, room.id)).locked).toBe(false);
		expect(host.last('room.updated')).toBeUndefined();
	});
});

describe('ending, resetting and expiring links', () => {
	it('ends the room for everyone from the room; the link answers ROOM_ENDED', async () => {
		const { room, host } = await hostedRoom();
		const bo = await crowd.seat(room.code, 'Bo');
		await host.signaling.request('room.end', {});
		expect(await bo.waitFor('session.closed')).toEqual({ reason: 'room-ended' });
		const invite = await api(fixture.server.url, 'GET', `/api/v1/invites/${room.code}`);
		expect(invite.status).toBe(410);
		expect(invite.body.error.code).toBe('ROOM_ENDED');
	});

	it('resets the link: the old code says so, the new one works, and people in the room learn it', async () => {
		const { room, host, hostUrl } = await hostedRoom();
		const reset = await api(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/link/reset`, { token: ownerToken() });
		expect(reset.status).toBe(200);
		const newCode = reset.body.room.code;
		expect(newCode).not.toBe(room.code);
		expect(reset.body.inviteUrl).toBe(`${fixture.server.url}/r/${newCode}`);

		const old = await api(fixture.server.url, 'GET', `/api/v1/invites/${room.code}`);
		expect(old.status).toBe(404);
		expect(old.body.error).toMatchObject({ code: 'INVITE_NOT_FOUND', reason: 'link-reset' });
		expect((await api(fixture.server.url, 'GET', `/api/v1/invites/${newCode}`)).status).toBe(200);
		await host.waitFor('room.updated', (settings) => settings.code === newCode);

		// The old host key went with the old link.
		const oldKey = await api(fixture.server.url, 'POST', `/api/v1/invites/${newCode}/join`, { body: { name: 'Hana', hostKey: hostKeyOf(hostUrl) } });
		expect(oldKey.body.error.code).toBe('AUTH_INVALID');
		const newKey = await api(fixture.server.url, 'POST', `/api/v1/invites/${newCode}/join`, { body: { name: 'Hana', hostKey: hostKeyOf(reset.body.hostUrl) } });
		expect(newKey.body.role).toBe('host');
	});

	it('lets an expired link answer INVITE_EXPIRED to guests while the host can still come in', async () => {
		const { room } = await createRoom(fixture.server.url, { expiresAt: new Date(Date.now() + 800).toISOString() });
		expect((await api(fixture.server.url, 'GET', `/api/v1/invites/${room.code}`)).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 900));
		const invite = await api(fixture.server.url, 'GET', `/api/v1/invites/${room.code}`);
		expect(invite.status).toBe(410);
		expect(invite.body.error.code).toBe('INVITE_EXPIRED');
		const host = await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Hana', appToken: ownerJoinToken() } });
		expect(host.body.role).toBe('host');
		expect((await patch(room.id, { expiresAt: new Date(Date.now() - 1000).toISOString() })).status).toBe(400);
	});
});

describe('who can join', () => {
	it('admits only people signed in through an app when the audience is signed-in', async () => {
		const { room } = await hostedRoom();
		expect((await patch(room.id, { audience: 'signed-in' })).body.room.audience).toBe('signed-in');
		const anonymous = await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Anon' } });
		expect(anonymous.body.error.code).toBe('SIGNED_IN_ONLY');
		const wa = await crowd.seat(room.code, 'Wes', { appToken: joinAppToken('whatsapp', '+15550002222', 'Wes') });
		expect(wa.joined.self).toMatchObject({ name: 'Wes', appName: 'WhatsApp' });
		// Not even one's own app identity travels over the room's connection: the owner API alone has it.
		expect(wa.joined.self).not.toHaveProperty('identity');
	});

	it('keeps guests waiting until the host arrives, then lets them in', async () => {
		const { room, hostUrl } = await createRoom(fixture.server.url, { waitForHost: true });
		const bo = await crowd.arrive(room.code, 'Bo');
		expect(bo.result).toEqual({ status: 'waiting', lobby: { reason: 'host', position: 1 }, routerRtpCapabilities: expect.any(Object) });
		expect((await api(fixture.server.url, 'GET', `/api/v1/invites/${room.code}`)).body).toMatchObject({ hostPresent: false, waitForHost: true });
		const host = await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		const admitted = await bo.participant.admitted();
		expect(admitted.participants.map((p) => p.name)).toContain('Hana');
		await host.waitFor('participant.joined', (p) => p.name === 'Bo');
		// With the host in, the next guest sits down at once.
		await crowd.seat(room.code, 'Cy');
	});

	it('queues people for a full room and seats them in order as seats free up', async () => {
		const { room } = await hostedRoom({ maxParticipants: 2 });
		const bo = await crowd.seat(room.code, 'Bo');
		const full = await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Cy' } });
		expect(full.body.error.code).toBe('ROOM_FULL');
		const cy = await crowd.arrive(room.code, 'Cy');
		const di = await crowd.arrive(room.code, 'Di');
		expect(cy.result).toEqual({ status: 'waiting', lobby: { reason: 'queue', position: 1 }, routerRtpCapabilities: expect.any(Object) });
		expect(di.result).toEqual({ status: 'waiting', lobby: { reason: 'queue', position: 2 }, routerRtpCapabilities: expect.any(Object) });
		await bo.signaling.request('room.leave', {});
		expect((await cy.participant.admitted()).self.name).toBe('Cy');
		expect(await di.participant.waitFor('lobby.status', (status) => status.position === 1)).toEqual({ reason: 'queue', position: 1 });
		expect(di.participant.last('room.admitted')).toBeUndefined();
	});
});

describe('co-hosts and succession', () => {
	it('hands the room to a co-host when the host leaves, and back when the host returns', async () => {
		const { room, host } = await hostedRoom();
		const bo = await crowd.seat(room.code, 'Bo');
		const cy = await crowd.seat(room.code, 'Cy');
		const promoted = await host.signaling.request('participant.setRole', { participantId: bo.id, role: 'cohost' });
		expect(promoted.role).toBe('cohost');
		await cy.waitFor('participant.updated', (p) => p.id === bo.id && p.role === 'cohost');

		await host.signaling.request('room.leave', {});
		await cy.waitFor('participant.updated', (p) => p.id === bo.id && p.role === 'host');
		expect((await roomOf(fixture.server.url, room.id)).locked).toBe(false);
		// The stand-in host can use host controls, but never end the room: that stays with the owner's credentials.
		await bo.signaling.request('room.update', { locked: true });
		expect((await roomOf(fixture.server.url, room.id)).locked).toBe(true);
		expect(await refusal(bo.signaling.request('room.end', {}))).toBe('FORBIDDEN');
		expect((await roomOf(fixture.server.url, room.id)).status).toBe('open');

		await crowd.seat(room.code, 'Hana', { appToken: ownerJoinToken() });
		await cy.waitFor('participant.updated', (p) => p.id === bo.id && p.role === 'cohost');
	});

	it('locks itself when the host leaves with no co-host, and unlocks when the host returns', async () => {
		const { room, host } = await hostedRoom();
		const bo = await crowd.seat(room.code, 'Bo');
		await host.signaling.request('room.leave', {});
		await bo.waitFor('room.updated', (settings) => settings.locked === true);
		const invite = await api(fixture.server.url, 'GET', `/api/v1/invites/${room.code}`);
		expect(invite.body).toMatchObject({ locked: true, hostPresent: false });

		const cy = await crowd.arrive(room.code, 'Cy');
		expect(cy.result).toEqual({ status: 'waiting', lobby: { reason: 'host', position: 1 }, routerRtpCapabilities: expect.any(Object) });
		await crowd.seat(room.code, 'Hana', { appToken: ownerJoinToken() });
		await bo.waitFor('room.updated', (settings) => settings.locked === false);
		await cy.participant.admitted();
	});

	it('keeps a lock the owner confirmed while the host was away', async () => {
		const { room, host } = await hostedRoom();
		await crowd.seat(room.code, 'Bo');
		await host.signaling.request('room.leave', {});
		await eventually(async () => (await roomOf(fixture.server.url, room.id)).locked, 5000, 'host-away lock');
		await api(fixture.server.url, 'PATCH', `/api/v1/rooms/${room.id}`, { token: ownerToken(), body: { locked: true } });
		await crowd.seat(room.code, 'Hana', { appToken: ownerJoinToken() });
		expect((await roomOf(fixture.server.url, room.id)).locked).toBe(true);
	});
});

describe('mute', () => {
	it('mutes one person, who is told by whom and alone can unmute', async () => {
		const { room, host } = await hostedRoom();
		const bo = await crowd.stream(room.id, 'Bo');
		const cy = await crowd.seat(room.code, 'Cy');
		const producerId = await bo.sendAudio();
		expect(await host.signaling.request('participant.mute', { participantId: bo.id })).toEqual({ muted: true });
		expect(await bo.waitFor('moderation.muted')).toEqual({ by: 'Hana' });
		await cy.waitFor('producer.paused', (event) => event.producerId === producerId);
		expect(fixture.server.server.liveRooms.get(room.id)!.seated(bo.id)!.media.liveMic()).toBeUndefined();
		// Muting again changes nothing; unmuting is the person's own act.
		expect(await host.signaling.request('participant.mute', { participantId: bo.id })).toEqual({ muted: false });
		await bo.signaling.request('producer.resume', { producerId });
		expect(fixture.server.server.liveRooms.get(room.id)!.seated(bo.id)!.media.liveMic()?.id).toBe(producerId);
	});

	it('mutes everyone through the REST API', async () => {
		const { room } = await hostedRoom();
		const people = [await crowd.stream(room.id, 'Bo'), await crowd.stream(room.id, 'Cy')];
		for (const person of people) await person.sendAudio();
		const response = await api(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/mute`, { token: ownerToken() });
		expect(response.body).toEqual({ muted: 2 });
		for (const person of people) expect(await person.waitFor('moderation.muted')).toEqual({ by: 'Hana' });
	});

	it('mutes everyone but the one who asks', async () => {
		const { room, host } = await hostedRoom();
		const [bo, cy] = [await crowd.stream(room.id, 'Bo'), await crowd.stream(room.id, 'Cy')];
		await host.signaling.request('participant.setRole', { participantId: bo.id, role: 'cohost' });
		const boMic = await bo.sendAudio();
		await cy.sendAudio();
		expect(await bo.signaling.request('participant.muteAll', {})).toEqual({ muted: 1 });
		expect(await cy.waitFor('moderation.muted')).toEqual({ by: 'Bo' });
		expect(fixture.server.server.liveRooms.get(room.id)!.seated(bo.id)!.media.liveMic()?.id).toBe(boMic);
	});
});

describe('moderation timeline', () => {
	it('records joins, removals, locks and role changes with time and actor, for the API and hosts', async () => {
		const { room, host } = await hostedRoom();
		const bo = await crowd.seat(room.code, 'Bo');
		const cy = await crowd.seat(room.code, 'Cy');
		await host.signaling.request('participant.setRole', { participantId: cy.id, role: 'cohost' });
		await cy.signaling.request('participant.remove', { participantId: bo.id });
		await eventually(async () => (await roomOf(fixture.server.url, room.id)).locked, 5000, 'auto-lock');

		const { body } = await api(fixture.server.url, 'GET', `/api/v1/rooms/${room.id}/events`, { token: ownerToken() });
		const lines = body.events.map((event: any) => `${event.type} by ${event.actor.name}${event.subject ? ` on ${event.subject.name}` : ''}`);
		expect(lines).toEqual([
			'participant.joined by Hana',
			'participant.joined by Bo',
			'participant.joined by Cy',
			'participant.role_changed by Hana on Cy',
			'participant.removed by Cy on Bo',
			'participant.left by Bo',
			'room.locked by Cy',
		]);
		for (const event of body.events) expect(Date.parse(event.at)).toBeGreaterThan(Date.now() - 60_000);
		// Hosts and co-hosts see the same timeline in the room, and new lines live.
		const inRoom = await cy.signaling.request('moderation.events', {});
		expect(inRoom.events.map((event) => event.id)).toEqual(body.events.map((event: any) => event.id));
		await host.waitFor('moderation.event', (event) => event.type === 'room.locked');
		const paged = await api(fixture.server.url, 'GET', `/api/v1/rooms/${room.id}/events?after=${body.events[4].id}&limit=1`, { token: ownerToken() });
		expect(paged.body.events.map((event: any) => event.type)).toEqual(['participant.left']);
	});
});

describe('credentials follow the link', () => {
	it('voids a removed person\'s token and an ended room\'s tokens at the Socket.IO handshake, long before they expire', async () => {
		const { room, host } = await hostedRoom();
		const bo = await crowd.seat(room.code, 'Bo');
		const boToken = bo.signaling.token;
		const cyToken = await joinToken(fixture.server.url, room.code, 'Cy');
		await host.signaling.request('participant.remove', { participantId: bo.id });
		// Not even a connection: the handshake itself refuses.
		expect(await refusal(crowd.connect(boToken))).toBe('REMOVED');
		expect((await api(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/end`, { token: ownerToken() })).status).toBe(200);
		expect(await refusal(crowd.connect(cyToken))).toBe('ROOM_ENDED');
	});

	it('voids every token issued before a reset, host or guest, while seated people get tokens under the new link', async () => {
		const { room, host, hostUrl } = await hostedRoom();
		const staleHost = await joinToken(fixture.server.url, room.code, 'Hana again', { hostKey: hostKeyOf(hostUrl) });
		const staleGuest = await joinToken(fixture.server.url, room.code, 'Gus');
		const bo = await crowd.seat(room.code, 'Bo');
		const reset = await api(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/link/reset`, { token: ownerToken() });
		expect(reset.status).toBe(200);

		// Neither opens the room any more: not as host, not as guest, not to read the new host link.
		for (const stale of [staleHost, staleGuest]) {
			expect(await refusal(BotConnection.connect(fixture.server.url, stale))).toBe('INVITE_NOT_FOUND');
		}
		// Those seated stay, and a refresh gives them a token under the new link, which reconnects.
		const { token } = await bo.signaling.request('session.refresh', {});
		const again = await BotConnection.connect(fixture.server.url, token);
		expect(again.joined.self.id).toBe(bo.id);
		again.close();
		expect(host.joined.self.role).toBe('host');
	});

	it('lets the owner app remove someone seated as host under a link since reset', async () => {
		const { room, host } = await hostedRoom();
		expect((await api(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/link/reset`, { token: ownerToken() })).status).toBe(200);
		const removed = await api(fixture.server.url, 'DELETE', `/api/v1/rooms/${room.id}/participants/${host.id}`, { token: ownerToken() });
		expect(removed.status).toBe(204);
		await host.waitFor('session.closed', ({ reason }) => reason === 'removed');
	});
});
