/**
 * The one admission rule at both edges: a token issued under one set of
 * settings does not get a seat after the settings changed; the room decides
 * again at the socket.
 */
import { describe, expect, it } from 'vitest';
import { api, appToken, createRoom, joinToken } from '../support/server.js';
import { hostKeyOf, ownerToken, refusal, serverWithCrowd } from '../support/rooms.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

const patch = (roomId: string, body: unknown) => api(fixture.server.url, 'PATCH', `/api/v1/rooms/${roomId}`, { token: ownerToken(), body });

describe('admission at the socket', () => {
	it('refuses an anonymous token issued before the room became signed-in only, and seats a signed-in one', async () => {
		const { room } = await createRoom(fixture.server.url);
		const anonymous = await joinToken(fixture.server.url, room.code, 'Ana');
		const signedIn = await joinToken(fixture.server.url, room.code, 'Bo', { appToken: appToken('whatsapp', '+15550001111', 'Bo') });
		expect((await patch(room.id, { audience: 'signed-in' })).status).toBe(200);

		expect(await refusal((await crowd.connect(anonymous)).join())).toBe('SIGNED_IN_ONLY');
		expect((await (await crowd.connect(signedIn)).join()).status).toBe('joined');
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
		expect(await dee.join({ wait: true })).toEqual({ status: 'waiting', lobby: { reason: 'knock', position: 1 } });
	});
});
