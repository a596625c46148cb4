/** One person, several apps: a link counts only once both apps vouch for their own user. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, appToken, createRoom, joinAppToken, startServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server?.close();
});

const messengerAna = () => appToken('messenger', 'u-ana', 'Ana');
const whatsappAna = () => appToken('whatsapp', '+15551230000', 'Ana');

describe('identity links', () => {
	it('lets a linked identity manage rooms from the other app only after both apps agree', async () => {
		const { room } = await createRoom(server.url, { title: 'From Messenger' }, { app: 'messenger', user: 'u-ana', name: 'Ana' });

		const declared = await api(server.url, 'POST', '/api/v1/identity-links', { token: messengerAna(), body: { app: 'whatsapp', userId: '+15551230000' } });
		expect(declared.status).toBe(201);
		expect(declared.body.link).toMatchObject({ from: 'messenger:u-ana', to: 'whatsapp:+15551230000', status: 'pending' });

		// Pending: WhatsApp's Ana cannot see or manage the room yet.
		expect((await api(server.url, 'GET', `/api/v1/rooms/${room.id}`, { token: whatsappAna() })).status).toBe(404);
		expect((await api(server.url, 'PATCH', `/api/v1/rooms/${room.id}`, { token: whatsappAna(), body: { locked: true } })).status).toBe(404);

		// Only the app of the `to` side can confirm.
		const forged = await api(server.url, 'POST', `/api/v1/identity-links/${declared.body.link.id}/confirm`, { token: messengerAna() });
		expect(forged.status).toBe(404);
		const otherUser = await api(server.url, 'POST', `/api/v1/identity-links/${declared.body.link.id}/confirm`,
			{ token: appToken('whatsapp', '+15559999999', 'Mallory') });
		expect(otherUser.status).toBe(404);

		const pendingForWhatsapp = await api(server.url, 'GET', '/api/v1/identity-links', { token: whatsappAna() });
		expect(pendingForWhatsapp.body.links.map((link: any) => link.id)).toEqual([declared.body.link.id]);
		const confirmed = await api(server.url, 'POST', `/api/v1/identity-links/${declared.body.link.id}/confirm`, { token: whatsappAna() });
		expect(confirmed.body.link.status).toBe('active');

		expect((await api(server.url, 'GET', '/api/v1/rooms', { token: whatsappAna() })).body.rooms.map((r: any) => r.id)).toContain(room.id);
		expect((await api(server.url, 'PATCH', `/api/v1/rooms/${room.id}`, { token: whatsappAna(), body: { locked: true } })).body.room.locked).toBe(true);
		// And joins as host from WhatsApp.
		const join = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Ana', appToken: joinAppToken('whatsapp', '+15551230000', 'Ana') } });
		expect(join.body.role).toBe('host');

		// Either side can undo it; then the room is Messenger's alone again.
		expect((await api(server.url, 'DELETE', `/api/v1/identity-links/${declared.body.link.id}`, { token: whatsappAna() })).status).toBe(204);
		expect((await api(server.url, 'GET', `/api/v1/rooms/${room.id}`, { token: whatsappAna() })).status).toBe(404);
	});

	it('confirms a link when the other app declares the reverse', async () => {
		const first = await api(server.url, 'POST', '/api/v1/identity-links', { token: appToken('messenger', 'u-bo', 'Bo'), body: { app: 'whatsapp', userId: '+15551231111' } });
		expect(first.body.link.status).toBe('pending');
		const reverse = await api(server.url, 'POST', '/api/v1/identity-links',
			{ token: appToken('whatsapp', '+15551231111', 'Bo'), body: { app: 'messenger', userId: 'u-bo' } });
		expect(reverse.status).toBe(200);
		expect(reverse.body.link).toMatchObject({ id: first.body.link.id, status: 'active' });
	});

	it('refuses malformed declarations', async () => {
		const cases: [unknown, string][] = [
			[{ app: 'whatsapp', userId: 'not-a-phone' }, 'INVALID_PAYLOAD'],
			[{ app: 'messenger', userId: 'u-self' }, 'INVALID_PAYLOAD'],
			[{ app: 'nope', userId: 'x' }, 'INVALID_PAYLOAD'],
			[{ app: 'whatsapp' }, 'INVALID_PAYLOAD'],
		];
		for (const [body, code] of cases) {
			const response = await api(server.url, 'POST', '/api/v1/identity-links', { token: messengerAna(), body });
			expect({ body, code: response.body.error?.code }).toEqual({ body, code });
		}
		expect((await api(server.url, 'POST', '/api/v1/identity-links', { body: { app: 'whatsapp', userId: '+15551230000' } })).status).toBe(401);
	});
});
