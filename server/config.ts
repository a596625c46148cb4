/**
 * Configuration from environment variables, validated at start. A bad value
 * stops the server with a message naming the variable.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { LIMITS } from '../shared/limits.js';
import { compileProxyTrust, type ProxyTrust } from './addresses.js';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const ip = z.union([z.ipv4(), z.ipv6()]);

const EnvSchema = z.object({
	/** HTTP port. Default 3000; 0 picks a free port. */
	PORT: port.default(3000),
	/** Address the HTTP server binds. Default all interfaces. */
	ROOMS_HOST: z.string().min(1).default('0.0.0.0'),
	/** Base of invite links. Default `http://localhost:$PORT`. */
	ROOMS_PUBLIC_URL: z.url().optional(),
	ROOMS_ALLOWED_ORIGINS: z.string().optional().transform((value, ctx) => {
		const origins = (value ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
		for (const origin of origins) {
			if (!URL.canParse(origin) || new URL(origin).origin !== origin.replace(/\/+$/, '')) {
				ctx.addIssue({ code: 'custom', message: `${origin} is not an origin like https://chat.example.com` });
			}
		}
		return origins;
	}),
	/** SQLite database, generated secrets. Default `./data`. */
	ROOMS_DATA_DIR: z.string().min(1).default('./data'),
	/** `postgres://…`: every store on this PostgreSQL database instead of SQLite in the data folder. Default: SQLite. */
	ROOMS_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL').optional(),
	/** This server's name among the nodes sharing ROOMS_DATABASE_URL. Default: none (a server of its own). */
	ROOMS_NODE_ID: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, 1..63').optional(),
	/** Signs participant tokens; every node has the same. Default: generated in the data folder (one server). */
	ROOMS_SERVER_SECRET: z.string().min(32, 'at least 32 characters').optional(),
	/** Where the other nodes reach this one. Default: `http://<ROOMS_HOST, or 127.0.0.1 for a wildcard>:<PORT>`. */
	ROOMS_INTERNAL_URL: z.url().optional(),
	/** Signs what nodes ask of each other. Required with ROOMS_NODE_ID. */
	ROOMS_CLUSTER_SECRET: z.string().min(32, 'at least 32 characters').optional(),
	/** Rooms are placed only on nodes whose last heartbeat (every second) is younger than this. Default 5. */
	ROOMS_NODE_TIMEOUT_SECONDS: z.coerce.number().min(2).max(300).default(5),
	/** JSON array of apps or `@/path/to/apps.json`. Default: generated. */
	ROOMS_APPS: z.string().min(1).optional(),
	/** mediasoup workers. Default: CPU count. */
	ROOMS_WORKERS: z.coerce.number().int().min(1).max(64).default(Math.max(1, os.availableParallelism())),
	/** Another mediasoup-worker binary than the one `npm ci` built (an operator's own build). Default: the built one. */
	ROOMS_WORKER_BIN: z.string().min(1).optional(),
	/** Server-wide cap on a room's seats, 2..50. Default 50. */
	ROOMS_MAX_PARTICIPANTS: z.coerce.number().int().min(LIMITS.minParticipants).max(LIMITS.maxParticipants)
		.default(LIMITS.maxParticipants),
	/**
	 * WebRTC media port: worker i serves all its browsers' media on UDP and TCP
	 * port ROOMS_RTC_PORT + i (a mediasoup WebRtcServer). Default 40000.
	 */
	ROOMS_RTC_PORT: port.refine((p) => p > 0).default(40000),
	/** Port range for plain and pipe RTP transports only (never browsers). Default 41000..49999. */
	ROOMS_RTC_MIN_PORT: port.refine((p) => p > 0).default(41000),
	ROOMS_RTC_MAX_PORT: port.refine((p) => p > 0).default(49999),
	/** IP the RTC sockets bind. Default: 127.0.0.1 plus every LAN IPv4 address. */
	ROOMS_LISTEN_IP: ip.optional(),
	/** IP announced in ICE candidates (public IP behind NAT). Default: the listen IP. */
	ROOMS_ANNOUNCED_IP: ip.optional(),
	/** JSON array of RTCIceServer (STUN/TURN) handed to browsers. Default none. */
	ROOMS_ICE_SERVERS: z.string().optional(),
	ROOMS_TURN_URLS: z.string().optional().transform((value, ctx) => {
		const urls = (value ?? '').split(',').map((url) => url.trim()).filter(Boolean);
		for (const url of urls) if (!/^turns?:[^\s]+$/.test(url)) ctx.addIssue({ code: 'custom', message: `${url} is not a turn: or turns: URL` });
		return urls;
	}),
	ROOMS_TURN_SECRET: z.string().min(16).optional(),
	ROOMS_TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
	/** Participant token lifetime in seconds. Default 600. */
	ROOMS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
	/** How long a participant whose connection dropped keeps their seat for a reconnect. Default 30; 0 frees it at once. */
	ROOMS_RECONNECT_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
	/** Consumers a mediasoup worker carries before a room on it grows onto another worker. Default 500 (mediasoup's guidance). */
	ROOMS_WORKER_CONSUMER_BUDGET: z.coerce.number().int().min(1).max(100_000).default(500),
	/** An ingest participant streaming over HTTP-created transports leaves after this long without receiving a packet. Default 30. */
	ROOMS_INGEST_IDLE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
	// Below the clients' 10 s request timeout, so a person waiting gets an answer, not a timeout.
	ROOMS_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(30),
	ROOMS_WEBHOOK_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(7),
	ROOMS_METRICS_TOKEN: z.string().min(16).optional(),
	ROOMS_CHURN_WINDOW_SECONDS: z.coerce.number().min(0).max(600).default(30),
	ROOMS_STORE_WAIT_SECONDS: z.coerce.number().min(0.1).max(60).default(9),
	/** Requests per minute per IP on the public invite endpoints. Default 300. */
	ROOMS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
	ROOMS_WEB_ROOMS_PER_HOUR: z.coerce.number().int().min(1).default(20),
	/** Rooms one app user may have open at once (ended or expired ones do not count). Default 100. */
	ROOMS_MAX_OPEN_ROOMS_PER_USER: z.coerce.number().int().min(1).default(100),
	/** Rooms one app user may create in any hour. Default 60. */
	ROOMS_ROOMS_PER_USER_PER_HOUR: z.coerce.number().int().min(1).default(60),
	/**
	 * Which TCP peers are proxies whose X-Forwarded-For names the client, for HTTP and Socket.IO alike:
	 * `loopback` (default), `linklocal`, `uniquelocal`, addresses or subnets, comma-separated; or `false`.
	 */
	ROOMS_TRUST_PROXY: z.string().default('loopback').transform((value, ctx) => {
		try {
			return compileProxyTrust(value);
		} catch (error) {
			ctx.addIssue({ code: 'custom', message: `${value}: ${(error as Error).message}` });
			return z.NEVER;
		}
	}),
	/** TLS certificate and key (PEM files) for HTTPS. Default: plain HTTP. */
	ROOMS_TLS_CERT: z.string().min(1).optional(),
	ROOMS_TLS_KEY: z.string().min(1).optional(),
	/** Let people create rooms from the landing page. Default true. */
	ROOMS_WEB_HOSTS: bool.default(true),
	/** On SIGTERM or SIGINT, how long calls may go on before the server stops anyway. Default 60. A second signal stops at once. */
	ROOMS_DRAIN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
	/** How long a request to join a locked room waits for a host's answer. Default 120. */
	ROOMS_KNOCK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
	/** How long one webhook delivery attempt may take, in milliseconds. Default 10000. */
	ROOMS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
	/** Delay before the first webhook retry, doubled for each further one (capped at 10 minutes). Default 2000. */
	ROOMS_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
	/** Attempts before a webhook is marked failed. Default 12. */
	ROOMS_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
	/** pino level. Default info. */
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
	port: number;
	host: string;
	/** Undefined until the port is known (PORT=0), then `http://localhost:<port>`. */
	publicUrl: string | undefined;
	/** Web origins besides the public URL's that may open rooms from a browser. */
	allowedOrigins: string[];
	dataDir: string;
	/** PostgreSQL for every store, when set; else SQLite in `dataDir`. */
	databaseUrl: string | undefined;
	/** Set for a node of a cluster: its id, and the secrets every node shares (checked against the cluster's fingerprint at start). */
	cluster: { nodeId: string; clusterSecret: string; internalUrl: string | undefined; nodeTimeoutSeconds: number } | undefined;
	/** The participant tokens' secret when configured; else generated in the data folder. */
	serverSecret: string | undefined;
	appsSource: string | undefined;
	workers: number;
	/** The mediasoup-worker binary, when not the built one. */
	workerBin: string | undefined;
	maxParticipants: number;
	/** Worker i's WebRtcServer listens on UDP and TCP port rtcPort + i. */
	rtcPort: number;
	rtcMinPort: number;
	rtcMaxPort: number;
	/** Addresses the RTC sockets bind, each with the address announced in ICE candidates if it differs. */
	listenAddresses: ListenAddress[];
	iceServers: { urls: string | string[]; username?: string; credential?: string }[];
	/** TURN servers whose credentials are made per participant with the shared secret. */
	turn: { urls: string[]; secret: string; ttlSeconds: number } | undefined;
	tokenTtlSeconds: number;
	ingestIdleSeconds: number;
	workerConsumerBudget: number;
	reconnectGraceSeconds: number;
	/** How long a request waits for a locked or failing database before UNAVAILABLE. */
	storeWaitSeconds: number;
	/** How long a leave waits before it is recorded: someone back within it was never away, for the timeline and webhooks. */
	churnWindowSeconds: number;
	/** When set, GET /metrics needs `Authorization: Bearer <it>`. */
	metricsToken: string | undefined;
	/** Days ended rooms (and their records) are kept, and days settled webhook deliveries are kept. */
	retention: { roomDays: number; webhookDays: number };
	rateLimitPerMinute: number;
	/** Rooms one IP address may create from the landing page per hour. */
	webRoomsPerHour: number;
	/** Rooms one app user may have open at once, and create in an hour. */
	roomsPerUser: { maxOpen: number; perHour: number };
	/** Which peers are proxies trusted to name the client (ROOMS_TRUST_PROXY). */
	trustProxy: ProxyTrust;
	tls: { certFile: string; keyFile: string } | undefined;
	webHosts: boolean;
	knockTimeoutSeconds: number;
	/** How long a graceful stop lets calls go on. */
	drainSeconds: number;
	webhooks: { timeoutMs: number; retryBaseMs: number; maxAttempts: number };
	logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

export interface ListenAddress {
	ip: string;
	announcedAddress?: string;
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

const IceServers = z.array(z.strictObject({
	urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
	username: z.string().optional(),
	credential: z.string().optional(),
}));

function lanIpv4Addresses(): string[] {
	return Object.values(os.networkInterfaces()).flat()
		.filter((info) => info !== undefined && info.family === 'IPv4' && !info.internal)
		.map((info) => info!.address);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	// Empty variables count as unset, as in most twelve-factor tools.
	const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
	const parsed = EnvSchema.safeParse(present);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new ConfigError(`invalid ${String(issue.path[0])}: ${issue.message}`);
	}
	const e = parsed.data;
	if (e.ROOMS_RTC_MIN_PORT > e.ROOMS_RTC_MAX_PORT) {
		throw new ConfigError('invalid ROOMS_RTC_MIN_PORT: must not be above ROOMS_RTC_MAX_PORT');
	}
	const lastMediaPort = e.ROOMS_RTC_PORT + e.ROOMS_WORKERS - 1;
	if (lastMediaPort > 65535) {
		throw new ConfigError(`invalid ROOMS_RTC_PORT: ${e.ROOMS_WORKERS} workers need ports up to ${lastMediaPort}`);
	}
	if (e.ROOMS_RTC_PORT <= e.ROOMS_RTC_MAX_PORT && lastMediaPort >= e.ROOMS_RTC_MIN_PORT) {
		throw new ConfigError(`invalid ROOMS_RTC_PORT: ports ${e.ROOMS_RTC_PORT}..${lastMediaPort} overlap ROOMS_RTC_MIN_PORT..ROOMS_RTC_MAX_PORT`);
	}
	if (e.ROOMS_NODE_ID) {
		// A node of a cluster shares everything that signs or admits with the others: nothing may be generated per node.
		const missing = (['ROOMS_DATABASE_URL', 'ROOMS_SERVER_SECRET', 'ROOMS_CLUSTER_SECRET', 'ROOMS_APPS'] as const).filter((name) => !e[name]);
		if (missing.length > 0) throw new ConfigError(`invalid ROOMS_NODE_ID: a node of a cluster needs ${missing.join(', ')} as well`);
	}
	if (Boolean(e.ROOMS_TLS_CERT) !== Boolean(e.ROOMS_TLS_KEY)) {
		throw new ConfigError('invalid ROOMS_TLS_CERT: ROOMS_TLS_CERT and ROOMS_TLS_KEY go together');
	}
	let iceServers: Config['iceServers'] = [];
	if (e.ROOMS_ICE_SERVERS) {
		let json: unknown;
		try {
			json = JSON.parse(e.ROOMS_ICE_SERVERS);
		} catch {
			throw new ConfigError('invalid ROOMS_ICE_SERVERS: not JSON');
		}
		const servers = IceServers.safeParse(json);
		if (!servers.success) throw new ConfigError(`invalid ROOMS_ICE_SERVERS: ${servers.error.issues[0]!.message}`);
		iceServers = servers.data;
	}
	if ((e.ROOMS_TURN_URLS.length > 0) !== Boolean(e.ROOMS_TURN_SECRET)) {
		throw new ConfigError('invalid ROOMS_TURN_SECRET: ROOMS_TURN_URLS and ROOMS_TURN_SECRET go together');
	}
	const unspecified = e.ROOMS_LISTEN_IP === '0.0.0.0' || e.ROOMS_LISTEN_IP === '::';
	if (unspecified && !e.ROOMS_ANNOUNCED_IP) {
		throw new ConfigError('invalid ROOMS_ANNOUNCED_IP: required when ROOMS_LISTEN_IP is a wildcard address');
	}
	let listenAddresses: { ip: string; announcedAddress?: string }[];
	if (e.ROOMS_LISTEN_IP) listenAddresses = [{ ip: e.ROOMS_LISTEN_IP, announcedAddress: e.ROOMS_ANNOUNCED_IP }];
	else if (e.ROOMS_ANNOUNCED_IP) listenAddresses = [{ ip: '0.0.0.0', announcedAddress: e.ROOMS_ANNOUNCED_IP }];
	// Loopback for browsers on this host, each LAN address for the others.
	else listenAddresses = ['127.0.0.1', ...lanIpv4Addresses()].map((address) => ({ ip: address }));
	const scheme = e.ROOMS_TLS_CERT ? 'https' : 'http';

	return {
		port: e.PORT,
		host: e.ROOMS_HOST,
		publicUrl: (e.ROOMS_PUBLIC_URL ?? (e.PORT === 0 ? undefined : `${scheme}://localhost:${e.PORT}`))?.replace(/\/+$/, ''),
		allowedOrigins: e.ROOMS_ALLOWED_ORIGINS,
		dataDir: path.resolve(e.ROOMS_DATA_DIR),
		databaseUrl: e.ROOMS_DATABASE_URL,
		cluster: e.ROOMS_NODE_ID ? { nodeId: e.ROOMS_NODE_ID, clusterSecret: e.ROOMS_CLUSTER_SECRET!, internalUrl: e.ROOMS_INTERNAL_URL?.replace(/\/+$/, ''),
			nodeTimeoutSeconds: e.ROOMS_NODE_TIMEOUT_SECONDS } : undefined,
		serverSecret: e.ROOMS_SERVER_SECRET,
		appsSource: e.ROOMS_APPS,
		workers: e.ROOMS_WORKERS,
		workerBin: e.ROOMS_WORKER_BIN,
		maxParticipants: e.ROOMS_MAX_PARTICIPANTS,
		rtcPort: e.ROOMS_RTC_PORT,
		rtcMinPort: e.ROOMS_RTC_MIN_PORT,
		rtcMaxPort: e.ROOMS_RTC_MAX_PORT,
		listenAddresses: listenAddresses.map(({ ip: address, announcedAddress }) =>
			(announcedAddress ? { ip: address, announcedAddress } : { ip: address })),
		iceServers,
		turn: e.ROOMS_TURN_SECRET ? { urls: e.ROOMS_TURN_URLS, secret: e.ROOMS_TURN_SECRET, ttlSeconds: e.ROOMS_TURN_TTL_SECONDS } : undefined,
		tokenTtlSeconds: e.ROOMS_TOKEN_TTL_SECONDS,
		ingestIdleSeconds: e.ROOMS_INGEST_IDLE_SECONDS,
		workerConsumerBudget: e.ROOMS_WORKER_CONSUMER_BUDGET,
		reconnectGraceSeconds: e.ROOMS_RECONNECT_GRACE_SECONDS,
		storeWaitSeconds: e.ROOMS_STORE_WAIT_SECONDS,
		churnWindowSeconds: e.ROOMS_CHURN_WINDOW_SECONDS,
		metricsToken: e.ROOMS_METRICS_TOKEN,
		retention: { roomDays: e.ROOMS_RETENTION_DAYS, webhookDays: e.ROOMS_WEBHOOK_RETENTION_DAYS },
		rateLimitPerMinute: e.ROOMS_RATE_LIMIT_PER_MINUTE,
		webRoomsPerHour: e.ROOMS_WEB_ROOMS_PER_HOUR,
		roomsPerUser: { maxOpen: e.ROOMS_MAX_OPEN_ROOMS_PER_USER, perHour: e.ROOMS_ROOMS_PER_USER_PER_HOUR },
		trustProxy: e.ROOMS_TRUST_PROXY,
		tls: e.ROOMS_TLS_CERT ? { certFile: e.ROOMS_TLS_CERT, keyFile: e.ROOMS_TLS_KEY! } : undefined,
		webHosts: e.ROOMS_WEB_HOSTS,
		knockTimeoutSeconds: e.ROOMS_KNOCK_TIMEOUT_SECONDS,
		drainSeconds: e.ROOMS_DRAIN_SECONDS,
		webhooks: { timeoutMs: e.ROOMS_WEBHOOK_TIMEOUT_MS, retryBaseMs: e.ROOMS_WEBHOOK_RETRY_BASE_MS, maxAttempts: e.ROOMS_WEBHOOK_MAX_ATTEMPTS },
		logLevel: e.LOG_LEVEL,
	};
}
