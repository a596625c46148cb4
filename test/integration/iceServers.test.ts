/**
 * TURN credentials per participant (the TURN REST scheme coturn checks with
 * its shared secret; the browser test against a real coturn is
 * e2e/turn.e2e.ts): in the join response, tied to the participant id, short-
 * lived, and renewed with each token refresh.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { api, createRoom } from '../support/server.js';
import { serverWithCrowd } from '../support/rooms.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';

const SECRET = 'a-turn-shared-secret-0123456789';
const STUN = { urls: 'stun:stun.example.org:3478' };
const fixture = serverWithCrowd({
	ROOMS_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp, turns:turn.example.org:5349',
	ROOMS_TURN_SECRET: SECRET,
	ROOMS_TURN_TTL_SECONDS: '600',
	ROOMS_ICE_SERVERS: JSON.stringify([STUN]),
});

describe('TURN credentials', () => {
	it('gives each participant credentials of their own in the join, and fresh ones with every token refresh', async () => {
		const { room } = await createRoom(fixture.server.url);
		const joined = await api(fixture.server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Ana' } });
		const [stun, turn] = joined.body.iceServers;
		expect(stun).toEqual(STUN);
		expect(turn.urls).toEqual(['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example.org:5349']);
		const [expiry, participantId] = turn.username.split(':');
		const ana = await BotConnection.connect(fixture.server.url, joined.body.token);
		expect(participantId).toBe(ana.id);
		expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590);
		expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(600);
		// What coturn computes with `static-auth-secret` to check the password.
		expect(turn.credential).toBe(createHmac('sha1', SECRET).update(turn.username).digest('base64'));

		await new Promise((resolve) => setTimeout(resolve, 1100));
		const { iceServers } = await ana.signaling.request('session.refresh', {});
		expect(Number(iceServers[1]!.username!.split(':')[0])).toBeGreaterThan(Number(expiry));
		ana.close();
	});
});
