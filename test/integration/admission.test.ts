/**
 * The one admission rule at both edges: a token issued under one set of
 * settings does not get a seat after the settings changed; the room decides
 * again at the socket.
 */
import { describe, expect, it } from 'vitest';
import { api, appToken, createRoom, joinAppToken, joinToken, startServer } from '../support/server.js';
import { Crowd, hostKeyOf, ownerToken, refusal, serverWithCrowd } from '../support/rooms.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

const patch = (roomId: string, body: unknown) => api(fixture.server.url, 'PATCH', `/api/v1/rooms/${roomId}`, { token: ownerToken(), body });

describe('admission at the socket', () => {
	it('refuses an anonymous token issued before the room became signed-in only, and seats a signed-in one', async () => {
		const { room } = await createRoom(fixture.server.url);
		const anonymous = await joinToken(fixture.server.url, room.code, 'Ana');
		const signedIn = await joinToken(fixture.server.url, room.code, 'Bo', { appToken: joinAppToken('whatsapp', '+15550001111', 'Bo') });
		expect((await patch(room.id, { audience: 'signed-in' })).status).toBe(200);

		expect(await refusal((await crowd.connect(anonymous)).join())).toBe('SIGNED_IN_ONLY');
		expect((await (await crowd.connect(signedIn)).join()).status).toBe('joined');
	});

	it('never shows a signed-in person\'s app identity (a phone number) to the others: only their name and the app\'s name', async () => {
		const { room, hostUrl } = await createRoom(fixture.server.url);
		const host = await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		const guest = await crowd.seat(room.code, 'Gus');
		const phone = '+15550009999';
		const wes = await crowd.seat(room.code, 'Wes', { appToken: joinAppToken('whatsapp', phone, 'Wes') });
		await wes.signaling.request('chat.send', { text: 'hello' });
		await wes.signaling.request('hand.raise', {});
		const late = await crowd.seat(room.code, 'Lou');
		await guest.waitFor('chat.message');
		await host.waitFor('participant.joined', (event) => event.name === 'Lou');
		const moderation = await host.signaling.request('moderation.events', {});
		for (const [who, seen] of [['guest', guest.events], ['late guest', [late.joined, ...late.events]], ['host', [...host.events, moderation]]] as const) {
			const text = JSON.stringify(seen);
			expect(text, who).toContain('WhatsApp');
			expect(text, who).not.toContain(phone);
			expect(text, who).not.toContain('15550009999');
		}
		// The owner app sees it, through its own API.
		const owned = await api(fixture.server.url, 'GET', `/api/v1/rooms/${room.id}`, { token: ownerToken() });
		expect(owned.body.room.participants.find(({ name }: { name: string }) => name === 'Wes').identity).toBe(`whatsapp:${phone}`);
	});

	it('refuses a guest token once the link has expired, and still seats the host', async () => {
		const { room, hostUrl } = await createRoom(fixture.server.url);
		const expiresAt = new Date(Date.now() + 1500).toISOString();
		expect((await patch(room.id, { expiresAt })).status).toBe(200);
		const guest = await joinToken(fixture.server.url, room.code, 'Cy');
		const host = await joinToken(fixture.server.url, room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 100));

		expect(await refusal((await crowd.connect(guest)).join())).toBe('INVITE_EXPIRED');
		expect((await (await crowd.connect(host)).join()).status).toBe('joined');
	});

	it('refuses a token issued before the room was locked unless the person asks to join', async () => {
		const { room, hostUrl } = await createRoom(fixture.server.url);
		await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		const early = await joinToken(fixture.server.url, room.code, 'Dee');
		expect((await patch(room.id, { locked: true })).status).toBe(200);

		const dee = await crowd.connect(early);
		expect(await refusal(dee.join())).toBe('ROOM_LOCKED');
		expect(await dee.join({ wait: true })).toEqual({ status: 'waiting', lobby: { reason: 'knock', position: 1 }, routerRtpCapabilities: expect.any(Object) });
	});
});

describe('denied at the door', () => {
	it('stays denied for the room\'s life: the same token cannot knock again, nor the same browser with a new token; others still can', async () => {
		const { room, hostUrl } = await createRoom(fixture.server.url);
		const host = await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		expect((await patch(room.id, { locked: true })).status).toBe(200);

		const token = await joinToken(fixture.server.url, room.code, 'Mal', { guestKey: 'mal-browser-key-0123456789', wait: true });
		const mal = await crowd.connect(token);
		expect(await mal.join({ wait: true })).toMatchObject({ status: 'waiting' });
		const { entries } = await host.waitFor('lobby.updated', (update) => update.entries.length === 1);
		await host.signaling.request('lobby.deny', { participantId: entries[0].id });
		await mal.waitFor('session.closed', ({ reason }) => reason === 'denied');

		// The same token, on a new connection.
		const again = await crowd.connect(token);
		expect(await refusal(again.join({ wait: true }))).toBe('DENIED');
		// The same browser asking for a new token, even after the host unlocks.
		const sameBrowser = await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Mal 2', guestKey: 'mal-browser-key-0123456789', wait: true } });
		expect(sameBrowser).toMatchObject({ status: 403, body: { error: { code: 'DENIED' } } });
		expect((await patch(room.id, { locked: false })).status).toBe(200);
		expect((await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Mal 3', guestKey: 'mal-browser-key-0123456789' } })).status).toBe(403);
		// The join page learns it before offering to ask again.
		const status = (guestKey: string) => api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/status`, { body: { guestKey } });
		expect((await status('mal-browser-key-0123456789')).body).toMatchObject({ denied: true, removed: false });
		// Nobody else is affected.
		expect((await status('bo-browser-key-0123456789')).body).toMatchObject({ denied: false, removed: false });
		await crowd.seat(room.code, 'Bo', { guestKey: 'bo-browser-key-0123456789' });
	});
});

describe('denied at the door, across a restart', () => {
	it('keeps a denial for the room\'s life, not the process\'s: after a restart the same browser is still turned away', async () => {
		let server = await startServer();
		try {
			const { room, hostUrl } = await createRoom(server.url);
			const arrivals = new Crowd(() => server.url);
			const host = await arrivals.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
			expect((await api(server.url, 'PATCH', `/api/v1/rooms/${room.id}`, { token: ownerToken(), body: { locked: true } })).status).toBe(200);
			const guestKey = 'mal-browser-key-restarted';
			const mal = await arrivals.connect(await joinToken(server.url, room.code, 'Mal', { guestKey, wait: true }));
			expect(await mal.join({ wait: true })).toMatchObject({ status: 'waiting' });
			const { entries } = await host.waitFor('lobby.updated', (update) => update.entries.length === 1);
			await host.signaling.request('lobby.deny', { participantId: entries[0].id });
			arrivals.closeAll();

			server = await server.restart();
			const knock = { name: 'Mal', guestKey, wait: true };
			// Before anyone has opened the room again, and after.
			expect((await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: knock })).body.error?.code).toBe('DENIED');
			const again = new Crowd(() => server.url);
			await again.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
			expect((await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: knock })).body.error?.code).toBe('DENIED');
			again.closeAll();
		} finally {
			await server.close();
		}
	});
});

describe('removed from the lobby', () => {
	it('lets a host remove someone who is only waiting: they are told, logged and barred like a removal', async () => {
		const { room, hostUrl } = await createRoom(fixture.server.url);
		const host = await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		expect((await patch(room.id, { locked: true })).status).toBe(200);
		const knock = await crowd.arrive(room.code, 'Nox', { guestKey: 'nox-lobby-key-0123456789' });
		const { entries } = await host.waitFor('lobby.updated', (update) => update.entries.some((entry: { name: string }) => entry.name === 'Nox'));
		const nox = entries.find((entry: { name: string }) => entry.name === 'Nox');

		expect(await host.signaling.request('participant.remove', { participantId: nox.id })).toEqual({});
		await knock.participant.waitFor('session.closed', ({ reason }) => reason === 'removed');
		await host.waitFor('lobby.updated', (update) => update.entries.length === 0);
		const back = await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Nox', guestKey: 'nox-lobby-key-0123456789', wait: true } });
		expect(back).toMatchObject({ status: 403, body: { error: { code: 'REMOVED' } } });
		const events = await host.signaling.request('moderation.events', {});
		expect(events.events.map(({ type }: { type: string }) => type)).toContain('participant.removed');
	});
});
