/**
 * A PostgreSQL 15 of its own: Debian's server, a cluster in a temporary
 * folder, listening on a loopback port, for the reference cluster (`npm run
 * cluster`) and the tests. `initdb` refuses to run as root, so as root the
 * cluster belongs to the `postgres` user and its programs run as that user
 * (runuser). `database()` makes an empty database; `stop()` and `start()`
 * take the server away and bring it back (storage faults).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const BIN = '/usr/lib/postgresql/15/bin';
/** The superuser initdb makes; trusted on loopback only, in a cluster that lives as long as the test run. */
const USER = 'rooms';

export class Postgres {
	readonly #dir: string;
	readonly #data: string;
	#databases = 0;

	/** Server settings besides ours (`name=value`, as `postgres -c` takes them). */
	readonly #settings: string[];

	private constructor(dir: string, readonly port: number, settings: string[]) {
		this.#dir = dir;
		this.#data = path.join(dir, 'data');
		this.#settings = settings;
	}

	/** Makes a cluster listening on loopback `port` and starts it; resolves once it takes connections. */
	static async start(port: number, settings: string[] = []): Promise<Postgres> {
		if (!fs.existsSync(path.join(BIN, 'initdb'))) throw new Error(`PostgreSQL 15 is not installed (${BIN}): install postgresql-15 (node test/tools/ensure-system-packages.mjs does, as root)`);
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-postgres-'));
		const server = new Postgres(dir, port, settings);
		if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
		server.#run('initdb', ['-D', server.#data, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
		await server.start();
		return server;
	}

	/** A URL for a new, empty database. */
	async database(): Promise<string> {
		const name = `rooms_${++this.#databases}`;
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
			'-o', [`-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.#dir} -c fsync=off`, ...this.#settings.map((setting) => `-c ${setting}`)].join(' '), 'start']);
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
