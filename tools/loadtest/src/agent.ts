/**
 * `rooms-loadtest agent`: serves this machine's Chromium to a coordinator.
 *
 * Anyone who can drive a browser over Playwright's protocol can make it read
 * and write files as the user that started it, so the door has a secret and
 * the room behind it has a gate:
 *
 * - **The secret.** 256 random bits made at start (or at least 128 given in
 *   `--token` / ROOMS_LOADTEST_AGENT_TOKEN), in the WebSocket path. A wrong
 *   or missing one is refused at the upgrade, before anything of the browser
 *   is reached; plain HTTP requests get 404 and learn nothing.
 * - **The browser's own server** (Playwright's `launchServer`) listens on a
 *   Unix socket in a folder only this user can open, never on a port:
 *   Playwright's server hands its WebSocket path to anyone who asks for
 *   `/json`, so on a port its path would be no secret at all.
 * - **The gate** (agentGate.ts) passes only the calls a load run makes.
 *
 * Each coordinator connection gets a Chromium of its own, launched for it
 * and closed with it, so `--per-browser` means on agents what it means
 * locally, and each browser's CPU is its own. At most `maxBrowsers` run at
 * once; beyond that a connection is refused with 503. `GET /<secret>/load`
 * answers this machine's latest CPU and event loop sample, so a coordinator
 * can tell an agent that could not keep up from a server that could not.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { type BrowserServer, chromium } from 'playwright-core';
import WebSocket, { WebSocketServer } from 'ws';
import { AgentGate } from './agentGate.js';
import { CHROMIUM, OWN_SIGNALS, SWITCHES } from './browsers.js';
import { fakeMedia, fakeMediaSwitches } from './fakeMedia.js';
import { LoadMachine } from './loadMachine.js';

/** A given secret must be at least as strong as 128 random bits written in base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,512}$/;
/** The browser server's path on its private socket; the socket's folder is what keeps it private. */
const INNER_PATH = '/browser';
/** Headers the browser server reads from the coordinator's upgrade (its version check reads the user agent). */
const FORWARDED_HEADERS = ['user-agent', 'x-playwright-browser'];

export interface AgentOptions {
	/** host:port to listen on. */
	listen: string;
	/** The secret; made at random when absent. */
	token?: string;
	/** Where the agent says what it refused. */
	log?: (line: string) => void;
	/** Chromium processes at once, one per coordinator connection [16]. */
	maxBrowsers?: number;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether a host (as given to --listen) is only reachable from this machine. */
export function isLoopbackHost(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export class BrowserAgent {
	readonly #http: http.Server;
	readonly #sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
	/** The Chromium of each open coordinator connection. */
	readonly #browsers = new Set<BrowserServer>();
	/** Connections whose Chromium is still starting: they count against the cap too. */
	#starting = 0;
	readonly #socketDir: string;
	readonly #token: string;
	readonly #host: string;
	readonly #log: (line: string) => void;
	readonly #maxBrowsers: number;
	readonly #load = new LoadMachine('agent');
	readonly #loadTimer: NodeJS.Timeout;
	readonly #startedAt = performance.now();
	#closed = false;

	private constructor(socketDir: string, token: string, host: string, log: (line: string) => void, maxBrowsers: number) {
		this.#socketDir = socketDir;
		this.#token = token;
		this.#host = host;
		this.#log = log;
		this.#maxBrowsers = maxBrowsers;
		this.#http = http.createServer((request, response) => this.#request(request, response));
		this.#http.on('upgrade', (request, socket, head) => void this.#upgrade(request, socket, head));
		this.#loadTimer = setInterval(() => {
			this.#load.sample(performance.now() - this.#startedAt);
			// Only the latest sample is ever asked for.
			this.#load.samples.splice(0, this.#load.samples.length - 1);
		}, 1000);
	}

	/** Checks that Chromium and the fake media are there, and listens; resolves once coordinators can connect. */
	static async start({ listen, token, log = console.log, maxBrowsers = 16 }: AgentOptions): Promise<BrowserAgent> {
		const match = /^(.*):(\d+)$/.exec(listen);
		if (!match) throw new Error(`--listen needs host:port, not "${listen}"`);
		if (token !== undefined && !TOKEN_PATTERN.test(token)) {
			throw new Error('the agent token must be 22 to 512 characters of A-Z, a-z, 0-9, _ and - (at least 128 random bits)');
		}
		if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set ROOMS_LOADTEST_CHROMIUM)`);
		// The fake camera's clip is made (or found in the cache) now, not while the first coordinator waits on its connection.
		await fakeMedia();
		const host = match[1]!.replace(/^\[|\]$/g, '');
		const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-loadtest-agent-'));
		fs.chmodSync(socketDir, 0o700);
		const agent = new BrowserAgent(socketDir, token ?? randomBytes(32).toString('base64url'), host, log, maxBrowsers);
		await new Promise<void>((resolve, reject) => {
			agent.#http.once('error', reject);
			agent.#http.listen(Number(match[2]), host, () => resolve());
		}).catch(async (error: Error) => {
			await agent.close();
			throw error;
		});
		return agent;
	}

	/** Whether a request's path is the secret (plus `suffix`), compared as digests in constant time: its length and prefix leak nothing either. */
	#authorized(request: http.IncomingMessage, suffix = ''): boolean {
		const pathname = new URL(request.url ?? '/', 'http://agent').pathname;
		return timingSafeEqual(digest(pathname), digest(`/${this.#token}${suffix}`));
	}

	/** Plain HTTP: this machine's load for the coordinator that holds the secret; 404 for anything else. */
	#request(request: http.IncomingMessage, response: http.ServerResponse): void {
		if (request.method !== 'GET' || !this.#authorized(request, '/load')) {
			response.writeHead(404).end();
			return;
		}
		const latest = this.#load.samples.at(-1);
		response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(latest ? { cpu: latest.cpu, eventLoopP99Ms: latest.eventLoopP99Ms } : {}));
	}

	/** A Chromium for one connection, on a socket of its own in the private folder. */
	async #launch(): Promise<{ server: BrowserServer; socketPath: string }> {
		const socketPath = path.join(this.#socketDir, `browser-${randomBytes(8).toString('hex')}.sock`);
		const server = await chromium.launchServer({
			executablePath: CHROMIUM,
			args: [...SWITCHES, ...fakeMediaSwitches(await fakeMedia())],
			// Node's listen() takes a path where a port would be: the server listens on a Unix socket.
			port: socketPath as unknown as number,
			wsPath: INNER_PATH,
			...OWN_SIGNALS,
		});
		return { server, socketPath };
	}

	/** The endpoint to give `--browsers`, secret included: print it once, and keep it like a password. */
	get endpoint(): string {
		const { port } = this.#http.address() as AddressInfo;
		return `ws://${this.#host.includes(':') ? `[${this.#host}]` : this.#host}:${port}/${this.#token}`;
	}

	/** Whether only this machine can reach the agent. */
	get loopbackOnly(): boolean {
		return isLoopbackHost(this.#host);
	}

	async #upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		if (!this.#authorized(request)) {
			this.#log(`[loadtest] agent refused a connection without its secret from ${request.socket.remoteAddress}`);
			socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
			return;
		}
		if (this.#closed || this.#browsers.size + this.#starting >= this.#maxBrowsers) {
			this.#log(`[loadtest] agent refused a connection: ${this.#maxBrowsers} browsers already run here (--max-browsers)`);
			socket.end(`HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\nthis agent runs its maximum of ${this.#maxBrowsers} browsers`);
			return;
		}
		this.#starting++;
		let server: BrowserServer;
		let socketPath: string;
		try {
			({ server, socketPath } = await this.#launch());
		} catch (error) {
			this.#log(`[loadtest] agent could not start Chromium: ${(error as Error).message.split('\n')[0]}`);
			socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n');
			return;
		} finally {
			this.#starting--;
		}
		this.#browsers.add(server);
		const release = () => {
			if (this.#browsers.delete(server)) void server.close().catch(() => undefined);
		};
		if (this.#closed || socket.destroyed) {
			release();
			return;
		}
		const headers = Object.fromEntries(FORWARDED_HEADERS.flatMap((name) => (request.headers[name] ? [[name, String(request.headers[name])]] : [])));
		const browser = new WebSocket(`ws+unix:${socketPath}:${INNER_PATH}`, { headers, perMessageDeflate: false });
		browser.once('close', release);
		browser.once('unexpected-response', (_request, response) => {
			// The browser server's own refusal (a Playwright version that does not match) goes back as it came.
			let body = '';
			response.on('data', (chunk) => { body += chunk; });
			response.on('end', () => socket.end(`HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\nConnection: close\r\n\r\n${body}`));
			release();
		});
		browser.once('error', () => {
			socket.destroy();
			release();
		});
		browser.once('open', () => {
			// The coordinator may have gone while the browser's side opened.
			if (socket.destroyed) browser.close();
			else this.#sockets.handleUpgrade(request, socket, head, (coordinator) => this.#relay(coordinator, browser));
		});
	}

	#relay(coordinator: WebSocket, browser: WebSocket): void {
		const gate = new AgentGate();
		browser.on('message', (data, isBinary) => {
			if (!isBinary) gate.fromBrowser(data.toString());
			coordinator.send(data, { binary: isBinary });
		});
		coordinator.on('message', (data, isBinary) => {
			const verdict = gate.fromCoordinator(isBinary ? '' : data.toString());
			if (verdict.pass) browser.send(data, { binary: false });
			else {
				this.#log(`[loadtest] agent refused ${verdict.why}`);
				if (verdict.answer) coordinator.send(verdict.answer);
				else coordinator.close(1008, 'not a Playwright call');
			}
		});
		coordinator.on('close', () => browser.close());
		browser.on('close', () => coordinator.close());
		coordinator.on('error', () => browser.close());
		browser.on('error', () => coordinator.close());
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		clearInterval(this.#loadTimer);
		this.#load.close();
		for (const client of this.#sockets.clients) client.terminate();
		this.#http.closeAllConnections();
		await new Promise<void>((resolve) => this.#http.close(() => resolve()));
		await Promise.all([...this.#browsers].map((server) => server.close().catch(() => undefined)));
		this.#browsers.clear();
		fs.rmSync(this.#socketDir, { recursive: true, force: true });
	}
}
