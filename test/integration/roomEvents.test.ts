/**
 * A room's listeners cannot break it: a listener that throws, or whose
 * promise rejects (a failed SQLite write in a timeline listener, say), is
 * logged, and the seat, the lobby and the answers are exactly as without it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, createRoom, startServer, type TestServer } from '../support/server.js';
import { Crowd, hostKeyOf, ownerToken } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';

let server: TestServer;
const logLines: string[] = [];
const crowd = new Crowd(() => server.url);
beforeAll(async () => {
	server = await startServer({ LOG_LEVEL: 'error' }, undefined, { logTo: { write: (line) => logLines.push(line) } });
	// Every room that goes live gets listeners that fail, before anyone joins it.
	server.server.liveRooms.on('open', (room) => {
		room.on('participantJoined', () => {
			throw new Error('listener failed on join');
		});
		room.on('participantLeft', async () => {
			throw new Error('SQLITE_IOERR: disk I/O error');
		});
	});
});
afterEach(() => crowd.closeAll());
afterAll(async () => {
	await server?.close();
});

const timeline = async (roomId: string) =>
	(await api(server.url, 'GET', `/api/v1/rooms/${roomId}/events`, { token: ownerToken() })).body.events.map((event: { type: string }) => event.type);
const seats = async (code: string) => (await api(server.url, 'GET', `/api/v1/invites/${code}`)).body.participantCount;

describe('room events', () => {
	it('seats people, tells the others and records the join although a join listener throws', async () => {
		const { room } = await createRoom(server.url);
		const ana = await crowd.seat(room.code, 'Ana');
		const bo = await crowd.seat(room.code, 'Bo');
		expect(bo.joined.participants.map(({ name }) => name)).toEqual(['Ana']);
		await ana.waitFor('participant.joined', (participant) => participant.name === 'Bo');
		expect(await seats(room.code)).toBe(2);
		await eventually(async () => (await timeline(room.id)).filter((type: string) => type === 'participant.joined').length === 2, 3000, 'both joins on the timeline');
		expect(logLines.some((line) => line.includes('listener failed on join') && line.includes('event listener failed'))).toBe(true);
	});

	it('frees the seat of someone leaving although a leave listener rejects', async () => {
		const { room } = await createRoom(server.url);
		const ana = await crowd.seat(room.code, 'Ana');
		const bo = await crowd.seat(room.code, 'Bo');
		await bo.signaling.request('room.leave', {});
		await ana.waitFor('participant.left', (event) => event.participantId === bo.id);
		expect(await seats(room.code)).toBe(1);
		await eventually(() => logLines.some((line) => line.includes('SQLITE_IOERR')), 3000, 'the rejection logged');
	});

	it('admits a knock completely, lobby and seat, although the join listener throws', async () => {
		const { room, hostUrl } = await createRoom(server.url, { waitForHost: false });
		const host = await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		await host.signaling.request('room.update', { locked: true });
		const { participant: cy } = await crowd.arrive(room.code, 'Cy');
		const { entries } = await host.waitFor('lobby.updated', (update) => update.entries.length === 1);
		await host.signaling.request('lobby.admit', { participantId: entries[0].id });
		expect((await cy.admitted()).self.name).toBe('Cy');
		await host.waitFor('lobby.updated', ({ entries }) => entries.length === 0);
		await host.waitFor('participant.joined', (participant) => participant.name === 'Cy');
		expect(await seats(room.code)).toBe(2);
	});
});
