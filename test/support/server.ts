/** Starts a real Rooms server (real workers, real SQLite) on a free port, and cleans up. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signAppToken } from '../../shared/appTokens.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { RoomsServer } from '../../server/RoomsServer.js';
import { freeLoopbackPort } from '../../server/cli/cluster/ports.js';
import { scrapeMetrics } from '../../tools/loadtest/src/measure.js';

export const TEST_APPS = [
	{ id: 'messenger', name: 'Messenger', secret: 'messenger-test-secret-0123456789abcdef' },
	{ id: 'whatsapp', name: 'WhatsApp', secret: 'whatsapp-test-secret-0123456789abcdef', userIdFormat: 'e164' },
];

export interface TestServer {
	server: RoomsServer;
	url: string;
	dataDir: string;
	/** Restarts on the same data directory, as a redeploy would. */
	restart(): Promise<TestServer>;
	close(): Promise<void>;
}

/**
 * A free media port for one worker's WebRtcServer. Test servers run side by
 * side (two test files at a time, several servers in some tests), so each
 * picks its own, below the default plain-transport range and below Linux's
 * ephemeral ports (32768 and up): an outgoing connection could otherwise
 * take the port between this check and the worker's bind.
 */
export function freeMediaPort(): Promise<number> {
	return freeLoopbackPort();
}

export interface StartOptions {
	/** Receives the server's real JSON log lines (at LOG_LEVEL, default silent). */
	logTo?: { write(line: string): void };
}

/** The environment of a test server on loopback with one worker, its own media port and the test apps; `dataDir` holds its files. */
export async function testServerEnv(dataDir: string): Promise<Record<string, string>> {
	return {
		ROOMS_RTC_PORT: String(await freeMediaPort()),
		PORT: '0',
		ROOMS_HOST: '127.0.0.1',
		ROOMS_DATA_DIR: dataDir,
		ROOMS_APPS: JSON.stringify(TEST_APPS),
		ROOMS_WORKERS: '1',
		ROOMS_LISTEN_IP: '127.0.0.1',
		ROOMS_RATE_LIMIT_PER_MINUTE: '100000',
		ROOMS_WEB_ROOMS_PER_HOUR: '100000',
		// Tests make many rooms as one app user; the quota tests set their own.
		ROOMS_MAX_OPEN_ROOMS_PER_USER: '100000',
		ROOMS_ROOMS_PER_USER_PER_HOUR: '100000',
		// Leaves are recorded at once: tests of the churn window set their own.
		ROOMS_CHURN_WINDOW_SECONDS: '0',
		LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
	};
}

/**
 * Starts a server on a fresh temporary data directory (or `dataDir`). close()
 * removes the directory it made; restart() hands it to the new server, whose
 * close() removes it. A server that fails to start removes it too.
 */
export async function startServer(env: Record<string, string> = {}, dataDir?: string, options: StartOptions = {}): Promise<TestServer> {
	const madeDir = dataDir === undefined;
	const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-test-'));
	const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
	let server: RoomsServer;
	try {
		const config = loadConfig({ ...await testServerEnv(dir), ...env });
		server = await RoomsServer.start(config, createLogger(config.logLevel, options.logTo));
	} catch (error) {
		if (madeDir) removeDir();
		throw error;
	}
	let handedOver = false;
	return {
		server,
		url: server.url,
		dataDir: dir,
		async restart() {
			await server.close();
			handedOver = true;
			let next: TestServer;
			try {
				next = await startServer(env, dir, options);
			} catch (error) {
				if (madeDir) removeDir();
				throw error;
			}
			// The new server owns the directory now, and removes it when it closes.
			const close = next.close;
			next.close = async () => {
				await close();
				if (madeDir) removeDir();
			};
			return next;
		},
		async close() {
			await server.close();
			if (madeDir && !handedOver) removeDir();
		},
	};
}

/** An app token for the owner API. */
export function appToken(appId: string, userId: string, name: string, lifetimeSeconds = 300): string {
	const app = TEST_APPS.find((candidate) => candidate.id === appId);
	if (!app) throw new Error(`no test app ${appId}`);
	return signAppToken(app, userId, name, lifetimeSeconds);
}

/** An app token for joining a room as that user (a link's `#app=`). */
export function joinAppToken(appId: string, userId: string, name: string): string {
	const app = TEST_APPS.find((candidate) => candidate.id === appId)!;
	return signAppToken(app, userId, name, 300, 'join');
}

export interface ApiResponse<T = any> {
	status: number;
	body: T;
}

/** A JSON request to the real HTTP API. */
export async function api<T = any>(base: string, method: string, pathname: string,
	options: { token?: string; body?: unknown; rawBody?: string } = {}): Promise<ApiResponse<T>> {
	const headers: Record<string, string> = {};
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(`${base}${pathname}`, {
		method,
		headers,
		body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * Creates a room as a Messenger user and returns what the API answered.
 * Guests join at once unless the test asks for `waitForHost` (the product's default).
 */
export async function createRoom(base: string, body: Record<string, unknown> = {}, owner = { app: 'messenger', user: 'u-host', name: 'Hana' }) {
	const response = await api(base, 'POST', '/api/v1/rooms', { token: appToken(owner.app, owner.user, owner.name), body: { waitForHost: false, ...body } });
	if (response.status !== 201) throw new Error(`create room failed: ${JSON.stringify(response.body)}`);
	return response.body as { room: { id: string; code: string }; inviteUrl: string; hostUrl: string };
}

/** Asks to join by invite code; returns the participant token and where to open Socket.IO. */
export async function joinSeat(base: string, code: string, name: string, extra: Record<string, unknown> = {}): Promise<{ token: string; signalingPath: string }> {
	const response = await api(base, 'POST', `/api/v1/invites/${code}/join`, { body: { name, ...extra } });
	if (response.status !== 200) throw new Error(`join failed: ${JSON.stringify(response.body)}`);
	return { token: response.body.token, signalingPath: response.body.signalingPath };
}

/** Asks to join by invite code; returns the participant token. */
export async function joinToken(base: string, code: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
	return (await joinSeat(base, code, name, extra)).token;
}

/** One of a server's metrics, by its name and labels as /metrics prints them; 0 when absent. */
export async function metricOf(base: string, key: string): Promise<number> {
	return (await scrapeMetrics(base)).get(key) ?? 0;
}
