/**
 * A real reverse proxy for tests: Debian's haproxy on loopback in front of a
 * Rooms server, adding X-Forwarded-For as deployments do (`option
 * forwardfor`), and passing WebSocket upgrades through.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freeMediaPort } from './server.js';

export class Haproxy {
	readonly #dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-haproxy-'));
	readonly log: string[] = [];
	#process: ChildProcess | undefined;

	private constructor(readonly port: number) {}

	/** Starts haproxy on a free loopback port in front of `target` (a server's base URL); resolves once it listens. */
	static async start(target: string): Promise<Haproxy> {
		const proxy = new Haproxy(await freeMediaPort());
		await proxy.#run(new URL(target));
		return proxy;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	async #run(target: URL): Promise<void> {
		const config = path.join(this.#dir, 'haproxy.cfg');
		fs.writeFileSync(config, [
			'defaults',
			'  mode http',
			'  timeout connect 5s',
			'  timeout client 60s',
			'  timeout server 60s',
			'  timeout tunnel 60s',
			'frontend rooms',
			`  bind 127.0.0.1:${this.port}`,
			'  option forwardfor',
			'  default_backend server',
			'backend server',
			`  server rooms ${target.hostname}:${target.port}`,
			'',
		].join('\n'));
		// -db: stay in the foreground, so the test owns the process and its output.
		const child = spawn('/usr/sbin/haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
		this.#process = child;
		const lines = (chunk: Buffer) => this.log.push(...chunk.toString().split('\n').filter(Boolean));
		child.stdout!.on('data', lines);
		child.stderr!.on('data', lines);
		const deadline = Date.now() + 10_000;
		while (!(await this.#listening())) {
			if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${this.log.slice(-20).join('\n')}`);
			if (Date.now() > deadline) throw new Error(`haproxy did not start listening:\n${this.log.slice(-20).join('\n')}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	#listening(): Promise<boolean> {
		return new Promise((resolve) => {
			const socket = net.connect(this.port, '127.0.0.1', () => {
				socket.destroy();
				resolve(true);
			});
			socket.on('error', () => resolve(false));
		});
	}

	async close(): Promise<void> {
		const child = this.#process;
		this.#process = undefined;
		if (child && child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGKILL');
			await exited;
		}
		fs.rmSync(this.#dir, { recursive: true, force: true });
	}
}
