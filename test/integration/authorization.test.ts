/**
 * Host controls refuse everyone but the owner (and hosts in the room), and
 * a refused request changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { api, appToken, createRoom } from '../support/server.js';
import { hostKeyOf, refusal, roomOf, serverWithCrowd } from '../support/rooms.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

async function liveRoom() {
	const created = await createRoom(fixture.server.url);
	const host = await crowd.seat(created.room.code, 'Hana', { hostKey: hostKeyOf(created.hostUrl) });
	const bo = await crowd.seat(created.room.code, 'Bo');
	const cy = await crowd.seat(created.room.code, 'Cy');
	return { room: created.room, host, bo, cy };
}

/** What must not change when a request is refused. */
async function snapshot(roomId: string) {
	const room = await roomOf(fixture.server.url, roomId);
	const events = (await api(fixture.server.url, 'GET', `/api/v1/rooms/${roomId}/events`, { token: appToken('messenger', 'u-host', 'Hana') })).body.events;
	return { room: { ...room, updatedAt: undefined }, events: events.length };
}

describe('the owner app API', () => {
	const strangers = {
		'another app': () => appToken('whatsapp', '+15550003333', 'Wanda'),
		'another user of the same app': () => appToken('messenger', 'u-someone-else', 'Sam'),
	};
	for (const [who, token] of Object.entries(strangers)) {
		it(`answers ${who} as if the room did not exist, and changes nothing`, async () => {
			const { room, bo } = await liveRoom();
			const before = await snapshot(room.id);
			const requests: [string, string, unknown?][] = [
				['GET', `/api/v1/rooms/${room.id}`],
				['PATCH', `/api/v1/rooms/${room.id}`, { locked: true, title: 'Mine now' }],
				['POST', `/api/v1/rooms/${room.id}/link/reset`],
				['DELETE', `/api/v1/rooms/${room.id}/participants/${bo.id}`],
				['POST', `/api/v1/rooms/${room.id}/participants/${bo.id}/mute`],
				['POST', `/api/v1/rooms/${room.id}/mute`],
				['POST', `/api/v1/rooms/${room.id}/end`],
				['GET', `/api/v1/rooms/${room.id}/events`],
				['GET', `/api/v1/rooms/${room.id}/webhooks`],
			];
			for (const [method, path, body] of requests) {
				const response = await api(fixture.server.url, method, path, { token: token(), body });
				expect({ path, status: response.status, code: response.body.error.code }).toEqual({ path, status: 404, code: 'ROOM_NOT_FOUND' });
			}
			expect(await snapshot(room.id)).toEqual(before);
			expect(bo.last('session.closed')).toBeUndefined();
		});
	}

	it('rejects bad input with a clear code and changes nothing', async () => {
		const { room } = await liveRoom();
		const owner = appToken('messenger', 'u-host', 'Hana');
		const before = await snapshot(room.id);
		const bad: [string, string, unknown, number, string][] = [
			['PATCH', `/api/v1/rooms/${room.id}`, {}, 400, 'INVALID_PAYLOAD'],
			['PATCH', `/api/v1/rooms/${room.id}`, { locked: 'yes' }, 400, 'INVALID_PAYLOAD'],
			['PATCH', `/api/v1/rooms/${room.id}`, { maxParticipants: 99 }, 400, 'INVALID_PAYLOAD'],
			['PATCH', `/api/v1/rooms/${room.id}`, { owner: 'me' }, 400, 'INVALID_PAYLOAD'],
			['PATCH', `/api/v1/rooms/${room.id}`, { expiresAt: 'tomorrow' }, 400, 'INVALID_PAYLOAD'],
			['DELETE', `/api/v1/rooms/${room.id}/participants/nobody`, undefined, 404, 'NOT_FOUND'],
			['POST', `/api/v1/rooms/${room.id}/participants/nobody/mute`, undefined, 404, 'NOT_FOUND'],
			['POST', `/api/v1/rooms/${room.id}/lobby/nobody/admit`, undefined, 404, 'NOT_FOUND'],
			['GET', `/api/v1/rooms/${room.id}/events?limit=0`, undefined, 400, 'INVALID_PAYLOAD'],
		];
		for (const [method, path, body, status, code] of bad) {
			const response = await api(fixture.server.url, method, path, { token: owner, body });
			expect({ path, body, status: response.status, code: response.body.error.code }).toEqual({ path, body, status, code });
		}
		expect(await snapshot(room.id)).toEqual(before);
	});

	it('does not let even the owner remove or demote the host', async () => {
		const { room, host } = await liveRoom();
		const owner = appToken('messenger', 'u-host', 'Hana');
		const removed = await api(fixture.server.url, 'DELETE', `/api/v1/rooms/${room.id}/participants/${host.id}`, { token: owner });
		expect(removed.body.error.code).toBe('FORBIDDEN');
		const demoted = await api(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/participants/${host.id}/role`, { token: owner, body: { role: 'guest' } });
		expect(demoted.body.error.code).toBe('FORBIDDEN');
		expect(host.last('session.closed')).toBeUndefined();
	});
});

describe('people in the room', () => {
	it('refuses every host control to a guest, and changes nothing', async () => {
		const { room, bo, cy } = await liveRoom();
		const before = await snapshot(room.id);
		const attempts = [
			bo.signaling.request('room.update', { locked: true }),
			bo.signaling.request('room.resetLink', {}),
			bo.signaling.request('room.end', {}),
			bo.signaling.request('participant.remove', { participantId: cy.id }),
			bo.signaling.request('participant.mute', { participantId: cy.id }),
			bo.signaling.request('participant.muteAll', {}),
			bo.signaling.request('participant.setRole', { participantId: bo.id, role: 'cohost' }),
			bo.signaling.request('lobby.admit', { participantId: cy.id }),
			bo.signaling.request('lobby.deny', { participantId: cy.id }),
			bo.signaling.request('moderation.events', {}),
		];
		for (const attempt of attempts) expect(await refusal(attempt)).toBe('FORBIDDEN');
		expect(await snapshot(room.id)).toEqual(before);
		expect(cy.last('session.closed')).toBeUndefined();
	});

	it('refuses a co-host what only the host may do', async () => {
		const { room, host, bo, cy } = await liveRoom();
		await host.signaling.request('participant.setRole', { participantId: bo.id, role: 'cohost' });
		const before = await snapshot(room.id);
		expect(await refusal(bo.signaling.request('room.end', {}))).toBe('FORBIDDEN');
		expect(await refusal(bo.signaling.request('participant.remove', { participantId: host.id }))).toBe('FORBIDDEN');
		expect(await refusal(bo.signaling.request('participant.mute', { participantId: host.id }))).toBe('FORBIDDEN');
		expect(await refusal(bo.signaling.request('participant.setRole', { participantId: host.id, role: 'guest' }))).toBe('FORBIDDEN');
		expect(await snapshot(room.id)).toEqual(before);
		// What co-hosts may do, they can: appoint another co-host.
		expect((await bo.signaling.request('participant.setRole', { participantId: cy.id, role: 'cohost' })).role).toBe('cohost');
		expect((await roomOf(fixture.server.url, room.id)).status).toBe('open');
	});

	it('never trusts a role the client claims', async () => {
		const { bo, cy } = await liveRoom();
		// Extra fields are refused by the schema; the role comes from the server's own state.
		expect(await refusal(bo.signaling.request('participant.remove', { participantId: cy.id, role: 'host' } as never))).toBe('INVALID_PAYLOAD');
		expect(await refusal(bo.signaling.request('room.update', { locked: true, asHost: true } as never))).toBe('INVALID_PAYLOAD');
	});
});
