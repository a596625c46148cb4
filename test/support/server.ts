/** Starts a real Rooms server (real workers, real SQLite) on a free port, and cleans up. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signAppToken } from '../../server/auth/appTokens.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { RoomsServer } from '../../server/RoomsServer.js';

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

export async function startServer(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
	const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-test-'));
	const config = loadConfig({
		PORT: '0',
		ROOMS_HOST: '127.0.0.1',
		ROOMS_DATA_DIR: dir,
		ROOMS_APPS: JSON.stringify(TEST_APPS),
		ROOMS_WORKERS: '1',
		ROOMS_LISTEN_IP: '127.0.0.1',
		ROOMS_PLAIN_TRANSPORTS: 'true',
		ROOMS_RATE_LIMIT_PER_MINUTE: '100000',
		LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
		...env,
	});
	const server = await RoomsServer.start(config, createLogger(config.logLevel));
	const handle: TestServer = {
		server,
		url: server.url,
		dataDir: dir,
		async restart() {
			await server.close();
			return startServer(env, dir);
		},
		close: () => server.close(),
	};
	return handle;
}

export function appToken(appId: string, userId: string, name: string, lifetimeSeconds = 300): string {
	const app = TEST_APPS.find((candidate) => candidate.id === appId);
	if (!app) throw new Error(`no test app ${appId}`);
	return signAppToken(app, userId, name, lifetimeSeconds);
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

/** Asks to join by invite code; returns the participant token. */
export async function joinToken(base: string, code: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
	const response = await api(base, 'POST', `/api/v1/invites/${code}/join`, { body: { name, ...extra } });
	if (response.status !== 200) throw new Error(`join failed: ${JSON.stringify(response.body)}`);
	return response.body.token;
}
