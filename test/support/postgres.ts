/**
 * A real PostgreSQL 15 for tests (server/cli/cluster/Postgres.ts, as the
 * reference cluster runs it), one per test file, on a free loopback port;
 * each test takes a database of its own.
 */
import { afterAll, beforeAll } from 'vitest';
import { Postgres } from '../../server/cli/cluster/Postgres.js';
import { freeMediaPort, startServer, type TestServer } from './server.js';

export { Postgres };

/** A PostgreSQL of the test's own on a free loopback port. */
export async function startPostgres(): Promise<Postgres> {
	return Postgres.start(await freeMediaPort());
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
		postgres = await startPostgres();
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
