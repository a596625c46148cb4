/**
 * A network blip: a participant whose connection drops keeps their seat for
 * the reconnect grace. Coming back with their token takes the same seat
 * (same participant id, same role) without the others seeing them leave;
 * not coming back frees it.
 */
import { describe, expect, it } from 'vitest';
import { createRoom, joinToken } from '../support/server.js';
import { hostKeyOf, serverWithCrowd } from '../support/rooms.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';
import { eventually } from '../support/eventually.js';

const GRACE_SECONDS = 2;
const fixture = serverWithCrowd({ ROOMS_RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) });
const { crowd } = fixture;

describe('reconnect grace', () => {
	it('keeps a dropped host\'s seat and role, and gives them back on reconnect without the others seeing a leave', async () => {
		const { room, hostUrl } = await createRoom(fixture.server.url, { maxParticipants: 2 });
		const token = await joinToken(fixture.server.url, room.code, 'Hana', { hostKey: hostKeyOf(hostUrl) });
		const host = await crowd.connect(token);
		await host.join();
		const bo = await crowd.seat(room.code, 'Bo');
		host.signaling.drop();
		await new Promise((resolve) => setTimeout(resolve, 500));
		const live = fixture.server.server.liveRooms.get(room.id)!;
		// The seat is kept: the room is still full, and nobody else can take it.
		expect(live.seated(host.id)).toBeDefined();
		await expect(joinToken(fixture.server.url, room.code, 'Cy')).rejects.toThrow(/ROOM_FULL/);

		const back = await crowd.connect(token);
		const result = await back.join();
		expect(result.status).toBe('joined');
		expect(back.id).toBe(host.id);
		expect(live.seated(host.id)!.role).toBe('host');
		await new Promise((resolve) => setTimeout(resolve, (GRACE_SECONDS + 0.5) * 1000));
		expect(bo.events.filter(({ event }) => event === 'participant.left' || event === 'participant.joined')).toEqual([]);
		expect(live.participantCount).toBe(2);
	});

	it('frees the seat of someone who does not come back within the grace', async () => {
		const { room } = await createRoom(fixture.server.url);
		const ana = await crowd.seat(room.code, 'Ana');
		const bo = await crowd.seat(room.code, 'Bo');
		const dropped = performance.now();
		bo.signaling.drop();
		const left = await ana.waitFor('participant.left', (event) => event.participantId === bo.id, (GRACE_SECONDS + 3) * 1000);
		expect(left.reason).toBe('disconnected');
		expect(performance.now() - dropped).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000 - 100);
	});

	it('keeps the room open for a kept seat even when nobody else is connected', async () => {
		const { room } = await createRoom(fixture.server.url);
		const token = await joinToken(fixture.server.url, room.code, 'Ana');
		const ana = await BotConnection.connect(fixture.server.url, token);
		const live = fixture.server.server.liveRooms.get(room.id)!;
		ana.signaling.drop();
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(live.closed).toBe(false);
		const back = await crowd.connect(token);
		expect((await back.join()).status).toBe('joined');
		expect(fixture.server.server.liveRooms.get(room.id)).toBe(live);
		ana.close();
		back.close();
		await eventually(() => live.closed, (GRACE_SECONDS + 3) * 1000, 'the room to close once everyone left');
	});
});
