/**
 * Only our own pages (and configured extra origins) may use the service from
 * a browser: Socket.IO and the public POSTs check Origin, and the CSP lets
 * the page connect to its own origin only.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, joinToken, startServer, type TestServer } from '../support/server.js';

const PARTNER = 'https://chat.example.com';
let server: TestServer;
beforeAll(async () => {
	server = await startServer({ ROOMS_ALLOWED_ORIGINS: `${PARTNER}, https://other.example.org` });
});
afterAll(async () => {
	await server?.close();
});

/** Opens a Socket.IO connection as a page from `origin` would (websocket only, as our client does); resolves 'connected' or the error. */
async function connectFrom(origin: string | undefined, token: string): Promise<string> {
	const socket = io(server.url, {
		transports: ['websocket'], auth: { token }, reconnection: false, timeout: 5000,
		...(origin ? { extraHeaders: { origin } } : {}),
	});
	try {
		return await new Promise<string>((resolve) => {
			socket.once('connect', () => resolve('connected'));
			socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
		});
	} finally {
		socket.close();
	}
}

describe('origins', () => {
	it('lets our own pages, configured origins and clients without an Origin connect to Socket.IO, and refuses other sites', async () => {
		const { room } = await createRoom(server.url);
		const token = () => joinToken(server.url, room.code, 'Ana');
		expect(await connectFrom(new URL(server.url).origin, await token())).toBe('connected');
		expect(await connectFrom(PARTNER, await token())).toBe('connected');
		expect(await connectFrom(undefined, await token())).toBe('connected');
		expect(await connectFrom('https://evil.example', await token())).toMatch(/^refused/);
		expect(await connectFrom('null', await token())).toMatch(/^refused/);
	});

	it('refuses joins and new rooms posted by another site\'s page with 403 FORBIDDEN', async () => {
		const { room } = await createRoom(server.url);
		const post = (pathname: string, origin: string) => fetch(`${server.url}/api/v1${pathname}`, {
			method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ name: 'Ana' }),
		});
		const join = await post(`/invites/${room.code}/join`, 'https://evil.example');
		expect(join.status).toBe(403);
		expect((await join.json()).error.code).toBe('FORBIDDEN');
		expect((await post('/web/rooms', 'https://evil.example')).status).toBe(403);
		expect((await post(`/invites/${room.code}/join`, PARTNER)).status).toBe(200);
	});

	it('sends a CSP that lets the page connect to its own origin only', async () => {
		const response = await fetch(`${server.url}/healthz`);
		const csp = response.headers.get('content-security-policy')!;
		const connect = csp.split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('connect-src'));
		expect(connect).toBe("connect-src 'self'");
	});
});
