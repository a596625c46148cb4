/**
 * A real TURN server for tests: Debian's coturn on loopback, with the
 * shared-secret (TURN REST) authentication the Rooms server's credentials
 * are made for. It relays to loopback peers (the SFU listens there in tests).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeMediaPort } from './server.js';

export class Coturn {
	readonly secret = `turn-test-secret-${process.pid}-0123456789`;
	#process: ChildProcess | undefined;
	readonly #dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-coturn-'));
	/** What coturn logged, for assertions and for failures. */
	readonly log: string[] = [];

	private constructor(readonly port: number, readonly relayPorts: [number, number]) {}

	/** Starts coturn on a free loopback port; resolves once it listens. */
	static async start(): Promise<Coturn> {
		const port = await freeMediaPort();
		// A small relay range of its own, below Linux's ephemeral ports like the test servers' media ports.
		const relayBase = 20_000 + (port % 40) * 100;
		const turn = new Coturn(port, [relayBase, relayBase + 99]);
		await turn.run();
		return turn;
	}

	get url(): string {
		return `turn:127.0.0.1:${this.port}?transport=udp`;
	}

	/** Allocations coturn has made so far (each relayed ICE candidate is one). */
	get allocations(): number {
		return this.log.filter((line) => /ALLOCATE processed, success/.test(line)).length;
	}

	/** Starts (or starts again, on the same port and secret). */
	async run(): Promise<void> {
		if (this.#process) throw new Error('coturn is already running');
		const child = spawn('/usr/bin/turnserver', [
			'-n', '--no-cli', '--no-tls', '--no-dtls', '--fingerprint', '--simple-log', '--log-file=stdout', '--verbose',
			'--listening-ip=127.0.0.1', `--listening-port=${this.port}`, '--relay-ip=127.0.0.1',
			`--min-port=${this.relayPorts[0]}`, `--max-port=${this.relayPorts[1]}`,
			'--use-auth-secret', `--static-auth-secret=${this.secret}`, '--realm=rooms.test',
			'--allow-loopback-peers', `--db=${path.join(this.#dir, 'turndb')}`, `--pidfile=${path.join(this.#dir, 'turnserver.pid')}`,
		], { stdio: ['ignore', 'pipe', 'pipe'] });
		this.#process = child;
		const lines = (chunk: Buffer) => this.log.push(...chunk.toString().split('\n').filter(Boolean));
		child.stdout!.on('data', lines);
		child.stderr!.on('data', lines);
		const deadline = Date.now() + 10_000;
		while (!this.log.some((line) => /IPv4\. UDP listener opened on ?: 127\.0\.0\.1:/.test(line))) {
			if (child.exitCode !== null) throw new Error(`coturn exited (${child.exitCode}):\n${this.log.slice(-20).join('\n')}`);
			if (Date.now() > deadline) throw new Error(`coturn did not start listening:\n${this.log.slice(-20).join('\n')}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	/** Kills it at once (SIGKILL): every allocation is gone, as when a TURN server crashes. */
	async kill(): Promise<void> {
		const child = this.#process;
		this.#process = undefined;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
	}

	async close(): Promise<void> {
		await this.kill();
		fs.rmSync(this.#dir, { recursive: true, force: true });
	}
}
