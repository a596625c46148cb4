import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVITE_CODE_ALPHABET, LIMITS } from '../../shared/limits.js';
import { TEST_APPS, api, appToken, createRoom, joinAppToken, startServer, type TestServer } from '../support/server.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';
import { hostKeyOf } from '../support/rooms.js';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server?.close();
});

const messenger = TEST_APPS[0]!;

function sign(claims: Record<string, unknown>, options: jwt.SignOptions = {}, secret = messenger.secret): string {
	return jwt.sign({ name: 'Hana', ...claims }, secret, { algorithm: 'HS256', ...options });
}

describe('POST /api/v1/rooms', () => {
	it('creates a room for the app user and returns invite and host links', async () => {
		const response = await api(server.url, 'POST', '/api/v1/rooms', {
			token: appToken('messenger', 'u-1', 'Hana'),
			body: { title: 'Book club', maxParticipants: 8 },
		});
		expect(response.status).toBe(201);
		const { room, inviteUrl, hostUrl } = response.body;
		expect(room).toMatchObject({ title: 'Book club', maxParticipants: 8, audience: 'link', locked: false, status: 'open' });
		expect(room.owner).toEqual({ identity: 'messenger:u-1', name: 'Hana' });
		expect(room.code).toMatch(new RegExp(`^[${INVITE_CODE_ALPHABET}]{${LIMITS.inviteCodeLength}}$`));
		expect(inviteUrl).toBe(`${server.url}/r/${room.code}`);
		// The host credential is only in the fragment, never in path or query.
		const host = new URL(hostUrl);
		expect(`${host.origin}${host.pathname}${host.search}`).toBe(inviteUrl);
		// The fragment carries the host credential and the host's name, so the join page is filled in.
		expect(Object.fromEntries(new URLSearchParams(host.hash.slice(1)))).toEqual({ host: expect.stringMatching(/^[\w-]{32}$/), name: 'Hana' });
	});

	it('defaults the title to the host name and the seats to the server cap', async () => {
		const { room } = await createRoom(server.url, {}, { app: 'whatsapp', user: '+15551234567', name: 'Ana' });
		// Stored in English for apps; marked with the owner's name so browsers translate it.
		expect(room).toMatchObject({ title: "Ana's room", defaultTitleOf: 'Ana', maxParticipants: 50 });
	});

	it('gives each room a different code', async () => {
		const codes = new Set<string>();
		for (let i = 0; i < 20; i++) codes.add((await createRoom(server.url)).room.code);
		expect(codes.size).toBe(20);
	});

	it.each([
		['maxParticipants below 2', { maxParticipants: 1 }],
		['maxParticipants above 50', { maxParticipants: 51 }],
		['maxParticipants not an integer', { maxParticipants: 2.5 }],
		['an unknown audience', { audience: 'everyone' }],
		['an empty title', { title: '   ' }],
		['an over-long title', { title: 'x'.repeat(LIMITS.titleMaxLength + 1) }],
		['a title with a right-to-left override', { title: 'Standup \u202Egnp.exe' }],
		['a title with a zero-width space', { title: 'Stand\u200Bup' }],
		['an unknown field', { colour: 'red' }],
	])('rejects %s with INVALID_PAYLOAD and creates nothing', async (_label, body) => {
		const token = appToken('messenger', 'u-bad-body', 'Hana');
		const response = await api(server.url, 'POST', '/api/v1/rooms', { token, body });
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe('INVALID_PAYLOAD');
		const list = await api(server.url, 'GET', '/api/v1/rooms', { token });
		expect(list.body.rooms).toEqual([]);
	});

	it('rejects a body that is not JSON with INVALID_PAYLOAD', async () => {
		const response = await api(server.url, 'POST', '/api/v1/rooms', {
			token: appToken('messenger', 'u-1', 'Hana'),
			rawBody: '{"title": ',
		});
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe('INVALID_PAYLOAD');
	});

	it('rejects a WhatsApp user id that is not an E.164 number', async () => {
		const response = await api(server.url, 'POST', '/api/v1/rooms', { token: appToken('whatsapp', '5551234', 'Ana'), body: {} });
		expect(response.status).toBe(401);
		expect(response.body.error.code).toBe('AUTH_INVALID');
	});
});

describe('rooms per app user', () => {
	it('keeps each user within ROOMS_MAX_OPEN_ROOMS_PER_USER open rooms, even when they all ask at once', async () => {
		const quota = await startServer({ ROOMS_MAX_OPEN_ROOMS_PER_USER: '3', ROOMS_ROOMS_PER_USER_PER_HOUR: '100' });
		try {
			const owner = appToken('messenger', 'u-many', 'Max');
			const create = () => api(quota.url, 'POST', '/api/v1/rooms', { token: owner, body: {} });
			const burst = await Promise.all(Array.from({ length: 10 }, create));
			expect(burst.map(({ status }) => status).sort()).toEqual([201, 201, 201, ...Array(7).fill(429)]);
			expect(burst.find(({ status }) => status === 429)!.body.error).toMatchObject({
				code: 'RATE_LIMITED', message: expect.stringContaining('already has 3 open rooms'),
			});
			expect((await api(quota.url, 'GET', '/api/v1/rooms', { token: owner })).body.rooms).toHaveLength(3);
			// Someone else of the same app is not affected, and ending a room makes room for another.
			expect((await api(quota.url, 'POST', '/api/v1/rooms', { token: appToken('messenger', 'u-other', 'Ola'), body: {} })).status).toBe(201);
			const first = burst.find(({ status }) => status === 201)!.body.room.id;
			expect((await api(quota.url, 'POST', `/api/v1/rooms/${first}/end`, { token: owner })).status).toBe(200);
			expect((await create()).status).toBe(201);
		} finally {
			await quota.close();
		}
	});

	it('keeps each user within ROOMS_ROOMS_PER_USER_PER_HOUR new rooms, ended or not', async () => {
		const quota = await startServer({ ROOMS_MAX_OPEN_ROOMS_PER_USER: '100', ROOMS_ROOMS_PER_USER_PER_HOUR: '2' });
		try {
			const owner = appToken('messenger', 'u-hourly', 'Hal');
			const create = () => api(quota.url, 'POST', '/api/v1/rooms', { token: owner, body: {} });
			const made = [await create(), await create()];
			expect(made.map(({ status }) => status)).toEqual([201, 201]);
			await api(quota.url, 'POST', `/api/v1/rooms/${made[0]!.body.room.id}/end`, { token: owner });
			const third = await create();
			expect(third.status).toBe(429);
			expect(third.body.error.message).toContain('created 2 rooms in the last hour');
		} finally {
			await quota.close();
		}
	});
});

describe('app authentication', () => {
	const now = () => Math.floor(Date.now() / 1000);
	const cases: [string, () => string, string][] = [
		['no token', () => '', 'AUTH_INVALID'],
		['alg none', () => jwt.sign({ name: 'Hana', iss: 'messenger', sub: 'u-1', aud: 'rooms', exp: now() + 60 }, '', { algorithm: 'none' }), 'AUTH_INVALID'],
		['the wrong secret', () => sign({}, { issuer: 'messenger', subject: 'u-1', audience: 'rooms', expiresIn: 60 }, 'not-the-secret-at-all-0123456789abcdef'), 'AUTH_INVALID'],
		['another app\'s secret', () => sign({}, { issuer: 'messenger', subject: 'u-1', audience: 'rooms', expiresIn: 60 }, TEST_APPS[1]!.secret), 'AUTH_INVALID'],
		['no audience', () => sign({}, { issuer: 'messenger', subject: 'u-1', expiresIn: 60 }), 'AUTH_INVALID'],
		['another audience', () => sign({}, { issuer: 'messenger', subject: 'u-1', audience: 'payments', expiresIn: 60 }), 'AUTH_INVALID'],
		['an unknown app', () => sign({}, { issuer: 'telegram', subject: 'u-1', audience: 'rooms', expiresIn: 60 }), 'AUTH_INVALID'],
		['no exp', () => sign({}, { issuer: 'messenger', subject: 'u-1', audience: 'rooms' }), 'AUTH_INVALID'],
		['a lifetime over an hour', () => sign({}, { issuer: 'messenger', subject: 'u-1', audience: 'rooms', expiresIn: 7200 }), 'AUTH_INVALID'],
		['no sub', () => sign({}, { issuer: 'messenger', audience: 'rooms', expiresIn: 60 }), 'AUTH_INVALID'],
		['HS512 instead of HS256', () => sign({}, { issuer: 'messenger', subject: 'u-1', audience: 'rooms', expiresIn: 60, algorithm: 'HS512' }), 'AUTH_INVALID'],
		['an expired token', () => sign({ exp: now() - 120 }, { issuer: 'messenger', subject: 'u-1', audience: 'rooms' }), 'AUTH_EXPIRED'],
		['garbage', () => 'not.a.jwt', 'AUTH_INVALID'],
		// jsonwebtoken accepts an array holding the audience among others: one token would be a join link's and the API's.
		['an audience array that also names joining', () => sign({}, { issuer: 'messenger', subject: 'u-1', audience: ['rooms:join', 'rooms'], expiresIn: 60 }), 'AUTH_INVALID'],
		['a name with a bidi override', () => sign({ name: 'Ana \u202Egnp.exe' }, { issuer: 'messenger', subject: 'u-1', audience: 'rooms', expiresIn: 60 }), 'AUTH_INVALID'],
		['a name with a control character', () => sign({ name: 'Ana\u0007' }, { issuer: 'messenger', subject: 'u-1', audience: 'rooms', expiresIn: 60 }), 'AUTH_INVALID'],
		['no name', () => jwt.sign({}, messenger.secret, { algorithm: 'HS256', issuer: 'messenger', subject: 'u-1', audience: 'rooms', expiresIn: 60 }), 'AUTH_INVALID'],
	];

	it.each(cases)('answers 401 for %s and creates nothing', async (_label, token, code) => {
		// Every forged token names messenger:u-1 where it names anyone.
		const owner = appToken('messenger', 'u-1', 'Hana');
		const before = (await api(server.url, 'GET', '/api/v1/rooms', { token: owner })).body.rooms.length;
		const response = await api(server.url, 'POST', '/api/v1/rooms', { token: token(), body: {} });
		expect(response.status).toBe(401);
		expect(response.body.error.code).toBe(code);
		const after = (await api(server.url, 'GET', '/api/v1/rooms', { token: owner })).body.rooms.length;
		expect(after).toBe(before);
	});

	it("names the claim that broke the rule, and takes an audience array that holds only the endpoint's", async () => {
		const bidi = sign({ name: 'Ana \u202Egnp.exe' }, { issuer: 'messenger', subject: 'u-1', audience: 'rooms', expiresIn: 60 });
		const refused = await api(server.url, 'POST', '/api/v1/rooms', { token: bidi, body: {} });
		expect(refused.body.error.message).toMatch(/name claim: must not contain control, bidirectional-override/);
		const mixed = sign({}, { issuer: 'messenger', subject: 'u-1', audience: ['rooms', 'rooms:join'], expiresIn: 60 });
		expect((await api(server.url, 'GET', '/api/v1/rooms', { token: mixed })).body.error.message).toContain('exactly "rooms"');
		const onlyApi = sign({}, { issuer: 'messenger', subject: 'u-1', audience: ['rooms'], expiresIn: 60 });
		expect((await api(server.url, 'GET', '/api/v1/rooms', { token: onlyApi })).status).toBe(200);
	});

	it('never logs or echoes a token or key, even at trace level', async () => {
		const lines: string[] = [];
		const own = await startServer({ LOG_LEVEL: 'trace' }, undefined, { logTo: { write: (line) => lines.push(line) } });
		try {
			const refused = sign({}, { issuer: 'messenger', subject: 'u-1', audience: 'payments', expiresIn: 60 });
			const response = await api(own.url, 'GET', '/api/v1/rooms', { token: refused });
			expect(JSON.stringify(response.body)).not.toContain(refused);
			const owner = joinAppToken('messenger', 'u-log', 'Lou');
			const { room, hostUrl } = await createRoom(own.url, {}, { app: 'messenger', user: 'u-log', name: 'Lou' });
			const hostKey = hostKeyOf(hostUrl);
			const guestKey = 'lou-browser-key-0123456789';
			const joined = await api(own.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Lou', hostKey, guestKey, appToken: owner } });
			const lou = await BotConnection.connect(own.url, joined.body.token);
			const { token: refreshed } = await lou.signaling.request('session.refresh', {});
			const chat = 'message content the log must not hold 7f3a';
			await lou.signaling.request('chat.send', { text: chat });
			lou.close();
			const secrets = { refused, owner, hostKey, guestKey, participantToken: joined.body.token, refreshed, appSecret: messenger.secret, chat };
			const log = lines.join('');
			// The capture is real: the server's own lines about this very room are in it.
			expect(log).toContain(room.id);
			expect(log).toContain('participant joined');
			for (const [what, secret] of Object.entries(secrets)) expect(log.includes(secret), `${what} in the log`).toBe(false);
		} finally {
			await own.close();
		}
	});
});

describe('GET /api/v1/rooms and /rooms/:id', () => {
	it('lists only the caller\'s rooms, newest first', async () => {
		const a = await createRoom(server.url, { title: 'first' }, { app: 'messenger', user: 'u-list', name: 'Lee' });
		const b = await createRoom(server.url, { title: 'second' }, { app: 'messenger', user: 'u-list', name: 'Lee' });
		await createRoom(server.url, { title: 'other' }, { app: 'messenger', user: 'u-other', name: 'Oz' });
		const response = await api(server.url, 'GET', '/api/v1/rooms', { token: appToken('messenger', 'u-list', 'Lee') });
		expect(response.status).toBe(200);
		expect(response.body.rooms.map((room: { id: string }) => room.id).sort()).toEqual([a.room.id, b.room.id].sort());
	});

	it('shows one room with its participants to its owner only', async () => {
		const { room } = await createRoom(server.url, {}, { app: 'messenger', user: 'u-get', name: 'Gus' });
		const own = await api(server.url, 'GET', `/api/v1/rooms/${room.id}`, { token: appToken('messenger', 'u-get', 'Gus') });
		expect(own.status).toBe(200);
		expect(own.body.room).toMatchObject({ id: room.id, participants: [] });
		const sameAppOtherUser = await api(server.url, 'GET', `/api/v1/rooms/${room.id}`, { token: appToken('messenger', 'u-x', 'X') });
		expect(sameAppOtherUser.status).toBe(404);
		const otherApp = await api(server.url, 'GET', `/api/v1/rooms/${room.id}`, { token: appToken('whatsapp', '+15550000001', 'Y') });
		expect(otherApp.status).toBe(404);
		expect(otherApp.body.error.code).toBe('ROOM_NOT_FOUND');
	});
});

describe('invites', () => {
	it('describes an open room to anyone with the code', async () => {
		const { room } = await createRoom(server.url, { title: 'Family', maxParticipants: 6 });
		const response = await api(server.url, 'GET', `/api/v1/invites/${room.code}`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			code: room.code, title: 'Family', hostName: 'Hana', status: 'open',
			participantCount: 0, maxParticipants: 6, locked: false, audience: 'link', hostPresent: false, waitForHost: false, e2ee: false,
		});
	});

	it.each(['zzzzzzzzzzzz', 'short', '../../../etc', 'AAAAAAAAAAAA'])('answers 404 INVITE_NOT_FOUND for %s', async (code) => {
		const response = await api(server.url, 'GET', `/api/v1/invites/${encodeURIComponent(code)}`);
		expect(response.status).toBe(404);
		expect(response.body.error.code).toBe('INVITE_NOT_FOUND');
	});

	it('answers 410 ROOM_ENDED for an ended room, for the page and for joins', async () => {
		const { room } = await createRoom(server.url);
		const end = await api(server.url, 'POST', `/api/v1/rooms/${room.id}/end`, { token: appToken('messenger', 'u-host', 'Hana') });
		expect(end.status).toBe(200);
		expect(end.body.room.status).toBe('ended');
		expect((await api(server.url, 'GET', `/api/v1/invites/${room.code}`)).body.error.code).toBe('ROOM_ENDED');
		const join = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Late' } });
		expect(join.status).toBe(410);
		expect(join.body.error.code).toBe('ROOM_ENDED');
	});

	it('issues a guest token with ICE servers for a valid name', async () => {
		const { room } = await createRoom(server.url);
		const response = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: '  Bo  ' } });
		expect(response.status).toBe(200);
		expect(response.body.role).toBe('guest');
		expect(response.body.iceServers).toEqual([]);
		const claims = jwt.decode(response.body.token) as Record<string, unknown>;
		expect(claims).toMatchObject({ rid: room.id, name: 'Bo', role: 'guest' });
	});

	it('accepts names that need joiners: Persian with a zero-width non-joiner, and an emoji family', async () => {
		const { room } = await createRoom(server.url);
		for (const name of ['\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645', 'Kim \u{1F469}\u200D\u{1F467}']) {
			const response = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name } });
			expect(response.status).toBe(200);
		}
	});

	it.each([
		['an empty name', { name: '   ' }],
		['an over-long name', { name: 'n'.repeat(LIMITS.nameMaxLength + 1) }],
		['a name with control characters', { name: 'a\u0000b' }],
		['a name with a right-to-left override', { name: 'Ana \u202Eevil' }],
		['a name with a zero-width space (looks like another name)', { name: 'A\u200Bna' }],
		['a name with a bidirectional isolate', { name: '\u2067Ana' }],
		['no name', {}],
		['a name that is not a string', { name: 42 }],
		['an unknown field', { name: 'Bo', role: 'host' }],
	])('rejects %s with INVALID_PAYLOAD', async (_label, body) => {
		const { room } = await createRoom(server.url);
		const response = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body });
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe('INVALID_PAYLOAD');
	});

	it('makes the holder of the host link the host, and refuses a wrong host key', async () => {
		const { room, hostUrl } = await createRoom(server.url);
		const hostKey = hostKeyOf(hostUrl);
		const host = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Hana', hostKey } });
		expect(host.status).toBe(200);
		expect(host.body.role).toBe('host');
		const forged = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Mal', hostKey: 'x'.repeat(32) } });
		expect(forged.status).toBe(401);
		expect(forged.body.error.code).toBe('AUTH_INVALID');
	});

	it('admits only signed-in people to a signed-in room, and the owner as host', async () => {
		const { room } = await createRoom(server.url, { audience: 'signed-in' });
		const guest = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Guest' } });
		expect(guest.status).toBe(403);
		expect(guest.body.error.code).toBe('SIGNED_IN_ONLY');
		const member = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, {
			body: { name: 'Ana', appToken: joinAppToken('whatsapp', '+15551234567', 'Ana') },
		});
		expect(member.status).toBe(200);
		expect(jwt.decode(member.body.token)).toMatchObject({ role: 'guest', identity: 'whatsapp:+15551234567', appName: 'WhatsApp' });
		const owner = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, {
			body: { name: 'Hana', appToken: joinAppToken('messenger', 'u-host', 'Hana') },
		});
		expect(owner.body.role).toBe('host');
	});

	it('keeps join tokens and API tokens apart: a token from a forwarded #app= link opens no API, and an API token joins no room', async () => {
		const { room } = await createRoom(server.url, { audience: 'signed-in' });
		const leaked = joinAppToken('messenger', 'u-host', 'Hana');
		const api401 = await api(server.url, 'GET', '/api/v1/rooms', { token: leaked });
		expect(api401.status).toBe(401);
		expect(api401.body.error).toMatchObject({ code: 'AUTH_INVALID', message: expect.stringContaining('"rooms"') });
		expect((await api(server.url, 'POST', `/api/v1/rooms/${room.id}/end`, { token: leaked })).status).toBe(401);
		const joinWithApiToken = await api(server.url, 'POST', `/api/v1/invites/${room.code}/join`, {
			body: { name: 'Hana', appToken: appToken('messenger', 'u-host', 'Hana') },
		});
		expect(joinWithApiToken.status).toBe(401);
		expect(joinWithApiToken.body.error.message).toContain('"rooms:join"');
	});

	it('refuses a JSON body over 16 kB with 413 INVALID_PAYLOAD', async () => {
		const response = await api(server.url, 'POST', '/api/v1/rooms', { token: appToken('messenger', 'u-1', 'Hana'), body: { title: 'x'.repeat(17 * 1024) } });
		expect(response.status).toBe(413);
		expect(response.body.error.code).toBe('INVALID_PAYLOAD');
	});

	it('answers unknown API paths with a JSON 404', async () => {
		const response = await api(server.url, 'GET', '/api/v1/nothing-here');
		expect(response.status).toBe(404);
		expect(response.body.error.code).toBe('NOT_FOUND');
	});
});

describe('health', () => {
	it('reports live and ready, and exposes Prometheus metrics', async () => {
		expect((await api(server.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
		expect((await api(server.url, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
		const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text());
		expect(metrics).toMatch(/rooms_mediasoup_workers_live 1/);
		expect(metrics).toMatch(/rooms_mediasoup_worker_cpu_seconds\{worker="0"\} \d/);
		expect(metrics).toMatch(/rooms_mediasoup_worker_max_rss_bytes\{worker="0"\} [1-9]\d{6,}/);
		expect(metrics).toMatch(/rooms_created_total \d+/);
		expect(metrics).toMatch(/rooms_webhook_deliveries_in_flight 0/);
		// A server of its own is no cluster, and says nothing of one.
		expect(metrics).not.toMatch(/rooms_cluster_/);
	});

	it('answers /metrics only with the bearer token when ROOMS_METRICS_TOKEN is set', async () => {
		const token = 'metrics-token-0123456789abcdef';
		const guarded = await startServer({ ROOMS_METRICS_TOKEN: token });
		try {
			const without = await fetch(`${guarded.url}/metrics`);
			expect(without.status).toBe(401);
			expect((await without.json()).error.code).toBe('AUTH_INVALID');
			expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status).toBe(401);
			const granted = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
			expect(granted.status).toBe(200);
			expect(await granted.text()).toMatch(/rooms_mediasoup_workers_live 1/);
		} finally {
			await guarded.close();
		}
	});
});

describe('persistence', () => {
	it('resolves an invite and its owner after a restart on the same data directory', async () => {
		const own = await startServer({ ROOMS_APPS: '' });
		let restarted: TestServer | undefined;
		try {
			const apps = JSON.parse(fs.readFileSync(path.join(own.dataDir, 'apps.json'), 'utf8'));
			expect(apps.map((app: { id: string }) => app.id)).toEqual(['messenger', 'whatsapp', 'instagram', 'portal']);
			expect(fs.statSync(path.join(own.dataDir, 'apps.json')).mode & 0o077).toBe(0);
			const portal = apps.find((app: { id: string }) => app.id === 'portal');
			const token = () => jwt.sign({ name: 'Pat' }, portal.secret, { algorithm: 'HS256', issuer: 'portal', subject: 'p-1', audience: 'rooms', expiresIn: 60 });
			const created = await api(own.url, 'POST', '/api/v1/rooms', { token: token(), body: { title: 'Yesterday' } });
			expect(created.status).toBe(201);

			restarted = await own.restart();
			const invite = await api(restarted.url, 'GET', `/api/v1/invites/${created.body.room.code}`);
			expect(invite.status).toBe(200);
			expect(invite.body.title).toBe('Yesterday');
			const list = await api(restarted.url, 'GET', '/api/v1/rooms', { token: token() });
			expect(list.body.rooms.map((room: { id: string }) => room.id)).toEqual([created.body.room.id]);
		} finally {
			await (restarted ?? own).close();
		}
	});
});
