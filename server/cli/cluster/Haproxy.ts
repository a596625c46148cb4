/**
 * Debian's haproxy run in the foreground (`-db`) with a configuration of our
 * own, so its owner holds the process and its output: the reference
 * cluster's balancer, and the tests' proxies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const HAPROXY = '/usr/sbin/haproxy';

export class Haproxy {
	/** Its output, line by line (errors and warnings: no traffic is logged). */
	readonly log: string[] = [];
	readonly #dir: string;
	#process: ChildProcess | undefined;

	private constructor(readonly port: number) {
		this.#dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-haproxy-'));
	}

	/** Starts haproxy with `config`, which binds 127.0.0.1:`port`; resolves once it listens. */
	static async start(config: string, port: number): Promise<Haproxy> {
		if (!fs.existsSync(HAPROXY)) throw new Error(`haproxy is not installed (${HAPROXY}): install Debian's haproxy package`);
		const proxy = new Haproxy(port);
		try {
			await proxy.#run(config);
		} catch (error) {
			await proxy.close();
			throw error;
		}
		return proxy;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	async #run(config: string): Promise<void> {
		const file = path.join(this.#dir, 'haproxy.cfg');
		fs.writeFileSync(file, config);
		const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
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

	/** Stops it and removes its folder. Idempotent. */
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
