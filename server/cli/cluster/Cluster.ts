/**
 * The reference deployment of several nodes (`npm run cluster`), on one
 * machine's loopback: a PostgreSQL 15 of its own, N Rooms nodes as separate
 * processes (each its own HTTP, WebRTC and plain-RTP ports, one worker) and
 * haproxy in front (haproxyConfig.ts), all made from one list of nodes in a
 * temporary folder. The tests start the same thing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Haproxy } from './Haproxy.js';
import { haproxyConfig } from './haproxyConfig.js';
import { Postgres } from './Postgres.js';
import { freeLoopbackPort } from './ports.js';

/** The apps a cluster made for itself serves: the same ids as a single server generates. */
const APP_IDS = [['messenger', 'Messenger'], ['whatsapp', 'WhatsApp'], ['instagram', 'Instagram'], ['portal', 'Portal']] as const;
/** How long a node has to answer /readyz after its start (it builds no code: the server is built or run by tsx). */
const NODE_START_MS = 60_000;
/** Plain-RTP ports each node may use, in a block of its own. */
const PLAIN_PORTS_PER_NODE = 200;

export interface ClusterOptions {
	/** How many nodes, 1..9. */
	nodes: number;
	/** The balancer's port; 0 picks free ports for the balancer, the nodes and PostgreSQL. */
	port: number;
	/** How a node starts (it reads its settings from the environment). Default: the built server. */
	nodeCommand?: string[];
	/** Settings for every node, after the cluster's own (e.g. LOG_LEVEL, or ROOMS_APPS to bring one's own apps). */
	env?: Record<string, string>;
	/** Told each step as it happens. */
	progress?: (line: string) => void;
	/** PostgreSQL settings besides ours (`name=value`), e.g. to load pg_stat_statements for a benchmark. */
	postgresSettings?: string[];
}

export interface ClusterNode {
	id: string;
	/** Its own HTTP address (the balancer's is Cluster.url). */
	url: string;
	logFile: string;
	process: ChildProcess;
	ports: NodePorts;
}

/**
 * Resolves once the server process at `url` answers /readyz; rejects, with
 * `log()`, when it exits first or is not ready within a minute.
 */
export async function untilReady(url: string, child: ChildProcess, name: string, log: () => string): Promise<void> {
	const deadline = Date.now() + NODE_START_MS;
	while ((await fetch(`${url}/readyz`).catch(() => undefined))?.status !== 200) {
		if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${log()}`);
		if (Date.now() > deadline) throw new Error(`${name} was not ready within ${NODE_START_MS / 1000} s:\n${log()}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** The built server's entry point, from the project root. */
export const BUILT_SERVER = ['dist/server/server/main.js'];

export class Cluster {
	readonly dir: string;
	readonly nodes: ClusterNode[] = [];
	/** The settings every node shares (the database, the secrets, the apps): what a node added later needs. */
	readonly sharedEnv: Record<string, string>;
	readonly #options: ClusterOptions;
	#postgres: Postgres | undefined;
	#balancer: Haproxy | undefined;
	#stopped = false;

	private constructor(dir: string, sharedEnv: Record<string, string>, options: ClusterOptions) {
		this.dir = dir;
		this.sharedEnv = sharedEnv;
		this.#options = options;
	}

	static async start(options: ClusterOptions): Promise<Cluster> {
		if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > 9) throw new Error('--nodes: 1 to 9');
		const say = options.progress ?? (() => undefined);
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-cluster-'));
		const ports = await planPorts(options.nodes, options.port);
		const apps = path.join(dir, 'apps.json');
		fs.writeFileSync(apps, JSON.stringify(APP_IDS.map(([id, name]) => ({ id, name, secret: randomBytes(32).toString('base64url') })), null, 2), { mode: 0o600 });
		const cluster = new Cluster(dir, {
			ROOMS_SERVER_SECRET: randomBytes(32).toString('base64url'),
			ROOMS_CLUSTER_SECRET: randomBytes(32).toString('base64url'),
			ROOMS_APPS: `@${apps}`,
			ROOMS_PUBLIC_URL: `http://127.0.0.1:${ports.balancer}`,
		}, options);
		try {
			say(`starting PostgreSQL 15 on 127.0.0.1:${ports.postgres}`);
			cluster.#postgres = await Postgres.start(ports.postgres, options.postgresSettings);
			cluster.sharedEnv.ROOMS_DATABASE_URL = await cluster.#postgres.database();
			const ids = Array.from({ length: options.nodes }, (_, index) => `node-${String.fromCharCode(97 + index)}`);
			// One after another: the first node records the cluster's fingerprint, the others check theirs against it.
			for (const [index, id] of ids.entries()) {
				say(`starting ${id} on 127.0.0.1:${ports.nodes[index]!.http}`);
				cluster.nodes.push(await cluster.#startNode(id, ports.nodes[index]!));
			}
			say(`starting haproxy on 127.0.0.1:${ports.balancer}`);
			cluster.#balancer = await Haproxy.start(haproxyConfig({
				bind: { host: '127.0.0.1', port: ports.balancer },
				nodes: cluster.nodes.map((node, index) => ({ id: node.id, host: '127.0.0.1', port: ports.nodes[index]!.http })),
			}), ports.balancer);
			await cluster.#balancerSeesEveryNode();
		} catch (error) {
			await cluster.stop();
			throw error;
		}
		return cluster;
	}

	/** The balancer: what browsers and apps use. */
	get url(): string {
		if (!this.#balancer) throw new Error('the cluster has not started');
		return this.#balancer.url;
	}

	get appsFile(): string {
		return this.sharedEnv.ROOMS_APPS!.slice(1);
	}

	node(id: string): ClusterNode {
		const node = this.nodes.find((candidate) => candidate.id === id);
		if (!node) throw new Error(`no node ${id}`);
		return node;
	}

	/** Kills a node at once (SIGKILL: no drain, no goodbye), as a crash would; resolves once it is gone. */
	async kill(id: string): Promise<void> {
		const { process: child } = this.node(id);
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
	}

	/** Starts a node that stopped again, on its ports and data (a new incarnation of its id); resolves once it is ready. */
	async restart(id: string): Promise<void> {
		const index = this.nodes.findIndex((node) => node.id === id);
		await this.kill(id);
		this.nodes[index] = await this.#startNode(id, this.nodes[index]!.ports);
		await this.#balancerSeesEveryNode();
	}

	async #startNode(id: string, ports: NodePorts): Promise<ClusterNode> {
		const options = this.#options;
		const logFile = path.join(this.dir, `${id}.log`);
		const log = fs.openSync(logFile, 'a');
		const [command, ...args] = options.nodeCommand ?? [process.execPath, ...BUILT_SERVER];
		const env = {
			...process.env,
			...this.sharedEnv,
			ROOMS_NODE_ID: id,
			PORT: String(ports.http),
			ROOMS_HOST: '127.0.0.1',
			ROOMS_INTERNAL_URL: `http://127.0.0.1:${ports.http}`,
			ROOMS_DATA_DIR: path.join(this.dir, id),
			ROOMS_WORKERS: '1',
			ROOMS_LISTEN_IP: '127.0.0.1',
			ROOMS_RTC_PORT: String(ports.rtc),
			ROOMS_RTC_MIN_PORT: String(ports.plain),
			ROOMS_RTC_MAX_PORT: String(ports.plain + PLAIN_PORTS_PER_NODE - 1),
			...options.env,
		};
		const child = spawn(command!, args, { env, stdio: ['ignore', log, log] });
		fs.closeSync(log);
		const node = { id, url: `http://127.0.0.1:${ports.http}`, logFile, process: child, ports };
		await untilReady(node.url, child, id, () => tail(logFile));
		return node;
	}

	/** Until every node's own route answers through the balancer (its health checks have passed). */
	async #balancerSeesEveryNode(): Promise<void> {
		const deadline = Date.now() + 10_000;
		for (const node of this.nodes) {
			while ((await fetch(`${this.url}/node/${node.id}/socket.io/`).catch(() => undefined))?.status === 503) {
				if (Date.now() > deadline) throw new Error(`haproxy does not reach ${node.id}:\n${this.#balancer!.log.slice(-10).join('\n')}`);
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		}
	}

	/** Stops everything (nodes at once, not drained) and removes the folder. Idempotent. */
	async stop(): Promise<void> {
		if (this.#stopped) return;
		this.#stopped = true;
		await this.#balancer?.close();
		await Promise.all(this.nodes.map(({ id }) => this.kill(id)));
		this.#postgres?.close();
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

interface NodePorts {
	http: number;
	rtc: number;
	/** The first of its block of plain-RTP ports. */
	plain: number;
}

/** Fixed ports from `port` up (the balancer, then 3001.. for nodes), or free ones when `port` is 0. */
async function planPorts(nodes: number, port: number): Promise<{ balancer: number; postgres: number; nodes: NodePorts[] }> {
	const taken = new Set<number>();
	const pick = async (fixed: number, count = 1) => (port === 0 ? freeLoopbackPort(taken, count) : fixed);
	const plainBase = await pick(41_000, PLAIN_PORTS_PER_NODE * nodes);
	const plan = { balancer: await pick(port), postgres: await pick(5433), nodes: [] as NodePorts[] };
	for (let index = 0; index < nodes; index++) {
		plan.nodes.push({ http: await pick(3001 + index), rtc: await pick(40_000 + index), plain: plainBase + index * PLAIN_PORTS_PER_NODE });
	}
	return plan;
}

function tail(file: string): string {
	return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n') : '';
}
