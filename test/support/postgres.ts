/**
 * A real PostgreSQL 15 for tests: Debian's server, a cluster of its own in a
 * temporary folder, listening on a free loopback port. `initdb` refuses to
 * run as root, so as root the cluster belongs to the `postgres` user and
 * its programs run as that user (runuser). Each test takes a database of its
 * own (`database()`); `stop()` and `start()` take the server away and bring it
 * back, for storage faults.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { freeMediaPort, startServer, type TestServer } from './server.js';

const BIN = '/usr/lib/postgresql/15/bin';
/** The superuser initdb makes; trusted on loopback only, in a cluster that lives as long as the test run. */
const USER = 'rooms';

export class Postgres {
	readonly #dir: string;
	readonly #data: string;
	#databases = 0;

	private constructor(dir: string, readonly port: number) {
		this.#dir = dir;
		this.#data = path.join(dir, 'data');
	}

	/** Makes a cluster and starts it; resolves once it takes connections. */
	static async start(): Promise<Postgres> {
		if (!fs.existsSync(path.join(BIN, 'initdb'))) throw new Error(`PostgreSQL 15 is not installed (${BIN}): run node test/tools/ensure-system-packages.mjs as root`);
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-postgres-'));
		const server = new Postgres(dir, await freeMediaPort());
		if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
		server.#run('initdb', ['-D', server.#data, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
		await server.start();
		return server;
	}

	/** A URL for a new, empty database. */
	async database(): Promise<string> {
		const name = `rooms_test_${++this.#databases}`;
		const admin = new pg.Client({ connectionString: this.url('postgres') });
		await admin.connect();
		try {
			await admin.query(`CREATE DATABASE ${name}`);
		} finally {
			await admin.end();
		}
		return this.url(name);
	}

	url(database: string): string {
		return `postgres://${USER}@127.0.0.1:${this.port}/${database}`;
	}

	/** Starts the server (again) on the same port and data; resolves once it takes connections. */
	async start(): Promise<void> {
		this.#run('pg_ctl', ['-D', this.#data, '-l', path.join(this.#dir, 'server.log'), '-w', '-t', '30',
			'-o', `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.#dir} -c fsync=off`, 'start']);
	}

	/** Stops the server at once, cutting its connections (`-m fast`). */
	stop(): void {
		this.#run('pg_ctl', ['-D', this.#data, '-m', 'fast', '-w', 'stop']);
	}

	/** Stops the server if it runs, and removes the cluster. Idempotent. */
	close(): void {
		if (!fs.existsSync(this.#dir)) return;
		try {
			this.#run('pg_ctl', ['-D', this.#data, '-m', 'immediate', '-w', 'stop']);
		} catch {
			// Not running.
		}
		fs.rmSync(this.#dir, { recursive: true, force: true });
	}

	#run(program: string, args: string[]): void {
		const command = path.join(BIN, program);
		const asPostgres = process.getuid?.() === 0;
		execFileSync(asPostgres ? 'runuser' : command, asPostgres ? ['-u', 'postgres', '--', command, ...args] : args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: this.#dir });
	}
}

/**
 * For a test file whose servers are nodes sharing one PostgreSQL: the server
 * starts before the file's tests; `node()` starts a Rooms server with the
 * settings every node shares (plus `env`), closed after the tests; and
 * `cluster()` gives a fresh database's shared settings.
 */
export function clusterFixture(): { readonly postgres: Postgres; cluster(): Promise<Record<string, string>>; node(env: Record<string, string>): Promise<TestServer> } {
	let postgres: Postgres | undefined;
	const started: TestServer[] = [];
	beforeAll(async () => {
		postgres = await Postgres.start();
	}, 60_000);
	afterAll(async () => {
		for (const server of started) await server.close();
		postgres?.close();
	});
	const fixture = {
		get postgres(): Postgres {
			if (!postgres) throw new Error('PostgreSQL has not started');
			return postgres;
		},
		async cluster() {
			return { ROOMS_DATABASE_URL: await fixture.postgres.database(), ROOMS_SERVER_SECRET: 'server-secret-'.padEnd(40, 'x'), ROOMS_CLUSTER_SECRET: 'cluster-secret-'.padEnd(40, 'y') };
		},
		async node(env: Record<string, string>) {
			const server = await startServer(env);
			started.push(server);
			return server;
		},
	};
	return fixture;
}
