/**
 * Behind a real reverse proxy (Debian's haproxy, adding X-Forwarded-For),
 * Socket.IO counts and trusts each client by its forwarded address, as HTTP
 * does: one client's flood does not limit another, and a plain transport is
 * aimed only at the client itself, never at the proxy or the server.
 */
import http from 'node:http';
import { type Socket, io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/protocol.js';
import { newSrtpParameters } from '../../shared/srtp.js';
import type { Haproxy } from '../../server/cli/cluster/Haproxy.js';
import { proxyTo } from '../support/haproxy.js';
import { ownerToken } from '../support/rooms.js';
import { api, createRoom, joinToken, startServer, type TestServer } from '../support/server.js';

const CONNECTIONS_PER_MINUTE = 60;
let server: TestServer;
let proxy: Haproxy;
const sockets: Socket[] = [];

beforeAll(async () => {
	// An announced address stands for the server's public one; the tests never send media to it.
	server = await startServer({ ROOMS_RATE_LIMIT_PER_MINUTE: String(CONNECTIONS_PER_MINUTE), ROOMS_ANNOUNCED_IP: '198.51.100.1' });
	proxy = await proxyTo(server.url);
});
afterEach(() => {
	for (const socket of sockets.splice(0)) socket.close();
});
afterAll(async () => {
	await proxy?.close();
	await server?.close();
});

/**
 * Connects through the proxy from the loopback address `from` (the proxy forwards it), optionally
 * claiming earlier hops itself; resolves once connected, rejects with the handshake's error code.
 */
function connect(token: string, from: string, forwardedFor?: string): Promise<Socket> {
	const socket = io(proxy.url, {
		transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true,
		// engine.io hands the agent to ws, which opens the connection from `from`.
		agent: new http.Agent({ localAddress: from }) as unknown as string,
		...(forwardedFor ? { extraHeaders: { 'x-forwarded-for': forwardedFor } } : {}),
	});
	sockets.push(socket);
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', (error: Error & { data?: { code?: string } }) => reject(new Error(error.data?.code ?? error.message)));
	});
}

async function request<T = any>(socket: Socket, name: string, payload: unknown): Promise<Ack<T>> {
	return socket.emitWithAck(name, payload) as Promise<Ack<T>>;
}

/** An ingest participant seated through the proxy, with a plain receive transport to aim. */
async function plainReceiver(from: string, forwardedFor?: string): Promise<{ socket: Socket; transportId: string }> {
	const { room } = await createRoom(server.url);
	const ingest = await api(server.url, 'POST', `/api/v1/rooms/${room.id}/ingest`, { token: ownerToken(), body: { name: 'Streamer' } });
	const socket = await connect(ingest.body.token, from, forwardedFor);
	expect((await request(socket, 'room.join', { wait: false })).ok).toBe(true);
	const transport = await request(socket, 'transport.create', { direction: 'recv', type: 'plain' });
	if (!transport.ok) throw new Error(transport.error.message);
	return { socket, transportId: transport.data.id };
}

describe('client addresses behind a reverse proxy', () => {
	it("counts Socket.IO connections by the forwarded address: one client's flood does not limit another", async () => {
		const outcomes: string[] = [];
		for (let attempt = 0; attempt < CONNECTIONS_PER_MINUTE + 10; attempt++) {
			outcomes.push(await connect('junk', '127.0.0.2').then(() => 'connected', (error: Error) => error.message));
		}
		expect(outcomes.slice(0, CONNECTIONS_PER_MINUTE).every((code) => code === 'AUTH_INVALID')).toBe(true);
		expect(outcomes.at(-1)).toBe('RATE_LIMITED');

		const { room } = await createRoom(server.url);
		const other = await connect(await joinToken(server.url, room.code, 'Bo'), '127.0.0.3');
		expect(other.connected).toBe(true);
		// The flooder is still held back: its limit is its own.
		await expect(connect('junk', '127.0.0.2')).rejects.toThrow('RATE_LIMITED');
	});

	it("aims a plain transport at the client's forwarded address, and refuses the proxy's and the server's own", async () => {
		const { socket, transportId } = await plainReceiver('127.0.0.4');
		const srtpParameters = newSrtpParameters();
		// 127.0.0.1 is the proxy's address (and the server's): it was taken for the client's before.
		const atProxy = await request(socket, 'transport.connect', { transportId, ip: '127.0.0.1', port: 9, srtpParameters });
		expect(atProxy).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
		const atClient = await request(socket, 'transport.connect', { transportId, ip: '127.0.0.4', port: 9, srtpParameters });
		expect(atClient).toEqual({ ok: true, data: {} });
	});

	it('refuses a remote client loopback and the server\'s own public address, even when a proxy forwards it', async () => {
		const srtpParameters = newSrtpParameters();
		const remote = await plainReceiver('127.0.0.5', '203.0.113.9');
		const atLoopback = await request(remote.socket, 'transport.connect', { transportId: remote.transportId, ip: '127.0.0.5', port: 9, srtpParameters });
		expect(atLoopback).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('comes from') } });

		const claimsServer = await plainReceiver('127.0.0.6', '198.51.100.1');
		const atServer = await request(claimsServer.socket, 'transport.connect', { transportId: claimsServer.transportId, ip: '198.51.100.1', port: 9, srtpParameters });
		expect(atServer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining("server's own addresses") } });
	});
});
