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
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether a host (as given to --listen) is only reachable from this machine. */
export function isLoopbackHost(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export class BrowserAgent {
	readonly #http: http.Server;
	readonly #sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
	readonly #browser: BrowserServer;
	readonly #socketDir: string;
	readonly #token: string;
	readonly #host: string;
	readonly #log: (line: string) => void;
	#closed = false;

	private constructor(browser: BrowserServer, socketDir: string, token: string, host: string, log: (line: string) => void) {
		this.#browser = browser;
		this.#socketDir = socketDir;
		this.#token = token;
		this.#host = host;
		this.#log = log;
		this.#http = http.createServer((_request, response) => response.writeHead(404).end());
		this.#http.on('upgrade', (request, socket, head) => this.#upgrade(request, socket, head));
	}

	/** Launches Chromium behind the gate and listens; resolves once coordinators can connect. */
	static async start({ listen, token, log = console.log }: AgentOptions): Promise<BrowserAgent> {
		const match = /^(.*):(\d+)$/.exec(listen);
		if (!match) throw new Error(`--listen needs host:port, not "${listen}"`);
		if (token !== undefined && !TOKEN_PATTERN.test(token)) {
			throw new Error('the agent token must be 22 to 512 characters of A-Z, a-z, 0-9, _ and - (at least 128 random bits)');
		}
		const host = match[1]!.replace(/^\[|\]$/g, '');
		const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-loadtest-agent-'));
		fs.chmodSync(socketDir, 0o700);
		let browser: BrowserServer;
		try {
			browser = await chromium.launchServer({
				executablePath: CHROMIUM,
				args: [...SWITCHES, ...fakeMediaSwitches(await fakeMedia())],
				// Node's listen() takes a path where a port would be: the server listens on a Unix socket.
				port: path.join(socketDir, 'browser.sock') as unknown as number,
				wsPath: INNER_PATH,
				...OWN_SIGNALS,
			});
		} catch (error) {
			fs.rmSync(socketDir, { recursive: true, force: true });
			throw error;
		}
		const agent = new BrowserAgent(browser, socketDir, token ?? randomBytes(32).toString('base64url'), host, log);
		await new Promise<void>((resolve, reject) => {
			agent.#http.once('error', reject);
			agent.#http.listen(Number(match[2]), host, () => resolve());
		}).catch(async (error: Error) => {
			await agent.close();
			throw error;
		});
		return agent;
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

	#upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
		const pathname = new URL(request.url ?? '/', 'http://agent').pathname;
		// Compared as digests, in constant time: the secret's length and prefix leak nothing either.
		if (!timingSafeEqual(digest(pathname), digest(`/${this.#token}`))) {
			this.#log(`[loadtest] agent refused a connection without its secret from ${request.socket.remoteAddress}`);
			socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
			return;
		}
		const headers = Object.fromEntries(FORWARDED_HEADERS.flatMap((name) => (request.headers[name] ? [[name, String(request.headers[name])]] : [])));
		const browser = new WebSocket(`ws+unix:${path.join(this.#socketDir, 'browser.sock')}:${INNER_PATH}`, { headers, perMessageDeflate: false });
		browser.once('unexpected-response', (_request, response) => {
			// The browser server's own refusal (a Playwright version that does not match) goes back as it came.
			let body = '';
			response.on('data', (chunk) => { body += chunk; });
			response.on('end', () => socket.end(`HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\nConnection: close\r\n\r\n${body}`));
		});
		browser.once('error', () => socket.destroy());
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
		for (const client of this.#sockets.clients) client.terminate();
		this.#http.closeAllConnections();
		await new Promise<void>((resolve) => this.#http.close(() => resolve()));
		await this.#browser.close();
		fs.rmSync(this.#socketDir, { recursive: true, force: true });
	}
}
