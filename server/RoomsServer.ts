/**
 * Composition root. Boot order: store, apps, workers, rooms, HTTP and
 * signalling, then listen. close() undoes it in reverse and is idempotent.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Server as SocketServer } from 'socket.io';
import { AppRegistry, loadServerSecret, sharedSettingsFingerprint } from './apps/AppRegistry.js';
import { ParticipantTokens } from './auth/participantTokens.js';
import type { Config } from './config.js';
import { createHttpApp } from './http/app.js';
import { originCheck } from './http/origins.js';
import type { Logger } from './logger.js';
import { WorkerPool } from './media/WorkerPool.js';
import { Metrics } from './metrics.js';
import { LIMITS } from '../shared/limits.js';
import { IdentityLinks } from './services/IdentityLinks.js';
import { ActivityFeed } from './services/ActivityFeed.js';
import { Ingest } from './services/Ingest.js';
import { Invitations } from './services/Invitations.js';
import { LiveRooms } from './rooms/LiveRooms.js';
import { Moderation } from './services/Moderation.js';
import { attachSignaling } from './signaling/SignalingServer.js';
import { IceServers } from './media/IceServers.js';
import { Retention } from './store/Retention.js';
import { openStores } from './store/openStores.js';
import { checkClusterFingerprint } from './store/pg/clusterFingerprint.js';
import { ClusterMembership } from './services/ClusterMembership.js';
import { RoomRouting } from './routing/RoomRouting.js';
import { ClusterSweeper } from './services/ClusterSweeper.js';
import type { Stores } from './store/Stores.js';
import { WebhookDispatcher } from './webhooks/WebhookDispatcher.js';

/** The folder holding package.json, whether this runs from server/ or from dist/server/. */
function findProjectRoot(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
	return dir;
}
const projectRoot = findProjectRoot();

/** How often a drain checks whether the last call has ended. */
const DRAIN_POLL_MS = 250;

export class RoomsServer {
	readonly config: Config;
	readonly logger: Logger;
	readonly stores: Stores;
	readonly apps: AppRegistry;
	readonly workers: WorkerPool;
	readonly liveRooms: LiveRooms;
	readonly invitations: Invitations;
	readonly moderation: Moderation;
	readonly ingest: Ingest;
	readonly activity: ActivityFeed;
	readonly links: IdentityLinks;
	readonly webhooks: WebhookDispatcher;
	readonly retention: Retention;
	readonly metrics: Metrics;
	readonly routing: RoomRouting;
	readonly #httpServer: http.Server;
	readonly #io: SocketServer;
	#publicUrl: string | undefined;
	/** Set on a node of a cluster, once it listens. */
	#membership: ClusterMembership | undefined;
	#sweeper: ClusterSweeper | undefined;
	/** Before anyone could be seated by this start (presence older than this is an earlier start's). */
	readonly #startedAt = new Date();
	#closed = false;

	/** Starts everything and listens; resolves once the server takes requests. */
	static async start(config: Config, logger: Logger): Promise<RoomsServer> {
		const workers = new WorkerPool({
			size: config.workers,
			...(config.workerBin ? { workerBin: config.workerBin } : {}),
			rtcPort: config.rtcPort,
			rtcMinPort: config.rtcMinPort,
			rtcMaxPort: config.rtcMaxPort,
			listenAddresses: config.listenAddresses,
			logger,
		});
		await workers.start();
		let server: RoomsServer;
		let stores: Stores | undefined;
		try {
			stores = await openStores(config, logger);
			const apps = AppRegistry.load(config.appsSource, config.dataDir, logger);
			const serverSecret = loadServerSecret(config.dataDir, config.serverSecret);
			if (config.cluster) {
				// Every node shares the first one's secrets and apps, or does not start (config validation made these present).
				await checkClusterFingerprint(config.databaseUrl!, config.cluster.nodeId,
					sharedSettingsFingerprint(serverSecret, config.cluster.clusterSecret, apps.list()));
			}
			server = new RoomsServer(config, logger, workers, stores, apps, serverSecret);
		} catch (error) {
			workers.close();
			await stores?.close();
			throw error;
		}
		try {
			await server.#listen();
		} catch (error) {
			// Listening, or joining the cluster, failed: nothing is left running.
			await server.close();
			throw error;
		}
		return server;
	}

	private constructor(config: Config, logger: Logger, workers: WorkerPool, stores: Stores, apps: AppRegistry, serverSecret: string) {
		this.config = config;
		this.logger = logger;
		this.workers = workers;
		this.stores = stores;
		this.apps = apps;
		const tokens = new ParticipantTokens(serverSecret, config.tokenTtlSeconds);
		this.routing = new RoomRouting(config.cluster && stores.nodes
			? { directory: stores.nodes, nodeId: config.cluster.nodeId, timeoutSeconds: config.cluster.nodeTimeoutSeconds }
			: undefined, logger);
		this.liveRooms = new LiveRooms(stores, workers, this.routing, {
			routers: workers,
			consumerBudget: config.workerConsumerBudget,
			knockTimeoutMs: config.knockTimeoutSeconds * 1000,
			maxLobby: LIMITS.maxLobby,
			reconnectGraceMs: config.reconnectGraceSeconds * 1000,
		}, logger);
		this.#publicUrl = config.publicUrl;
		const inviteUrl = (code: string) => `${this.url}/r/${code}`;
		const iceServers = new IceServers(config.iceServers, config.turn);
		this.links = new IdentityLinks(stores.identityLinks, this.apps);
		this.webhooks = new WebhookDispatcher(stores.webhooks, this.apps, { ...config.webhooks, concurrency: 16, owner: config.cluster?.nodeId ?? 'server' }, logger);
		this.retention = new Retention(stores.rooms, () => new Set(this.liveRooms.rooms.map(({ id }) => id)), config.retention, logger);
		this.activity = new ActivityFeed(stores.timeline, this.liveRooms, this.webhooks, inviteUrl, config.churnWindowSeconds * 1000,
			config.cluster && stores.presence ? { store: stores.presence, nodeId: config.cluster.nodeId } : undefined);
		this.moderation = new Moderation(stores.rooms, this.liveRooms, this.links, this.activity, {
			maxParticipants: config.maxParticipants,
			inviteUrl,
		});
		this.invitations = new Invitations(stores.rooms, this.liveRooms, this.apps, this.links, this.moderation,
			this.activity, tokens, this.routing, { maxParticipants: config.maxParticipants, roomsPerUser: config.roomsPerUser, iceServers, inviteUrl });
		this.ingest = new Ingest(stores.rooms, this.liveRooms, this.moderation, tokens, { idleMs: config.ingestIdleSeconds * 1000, signalingPath: this.routing.signalingPath }, logger);
		this.metrics = new Metrics(this.liveRooms, workers, this.routing, this.webhooks);
		const originAllowed = originCheck(() => this.url, config.allowedOrigins);
		const app = createHttpApp({
			invitations: this.invitations,
			moderation: this.moderation,
			ingest: this.ingest,
			links: this.links,
			webhooks: this.webhooks,
			apps: this.apps,
			metrics: this.metrics,
			logger,
			rateLimitPerMinute: config.rateLimitPerMinute,
			webRoomsPerHour: config.webRoomsPerHour,
			originAllowed,
			metricsToken: config.metricsToken,
			trustProxy: config.trustProxy,
			webDistDir: path.join(projectRoot, 'dist', 'web'),
			webHosts: config.webHosts,
			notReadyBecause: () => this.#notReadyBecause(),
			isDraining: () => this.liveRooms.draining,
			roomForwarding: {
				routing: this.routing,
				roomIdOfCode: async (code) => (await stores.rooms.getRoomByCode(code))?.id,
				cluster: config.cluster && { nodeId: config.cluster.nodeId, clusterSecret: config.cluster.clusterSecret },
				logger,
			},
		});
		this.#httpServer = config.tls
			? https.createServer({ cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile) }, app)
			: http.createServer(app);
		this.#io = attachSignaling(this.#httpServer, {
			liveRooms: this.liveRooms, routing: this.routing, moderation: this.moderation, tokens, metrics: this.metrics, logger,
			connectionsPerIpPerMinute: config.rateLimitPerMinute,
			originAllowed,
			iceServers,
			trustProxy: config.trustProxy,
			ownAddresses: new Set(config.listenAddresses.flatMap(({ ip, announcedAddress }) => [ip, ...(announcedAddress ? [announcedAddress] : [])])),
		});
	}

	async #listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.#httpServer.once('error', reject);
			this.#httpServer.listen(this.config.port, this.config.host, () => resolve());
		});
		const { port } = this.#httpServer.address() as AddressInfo;
		this.#publicUrl ??= `${this.config.tls ? 'https' : 'http'}://localhost:${port}`;
		this.webhooks.start();
		this.retention.start();
		if (this.config.cluster && this.stores.nodes) {
			const host = this.config.host === '0.0.0.0' || this.config.host === '::' ? '127.0.0.1' : this.config.host;
			const internalUrl = this.config.cluster.internalUrl ?? `${this.config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
			this.#membership = new ClusterMembership(this.stores.nodes, { id: this.config.cluster.nodeId, internalUrl },
				() => ({ participants: this.liveRooms.participantCount, draining: this.liveRooms.draining }),
				() => {
					this.routing.forget();
					this.liveRooms.evacuate();
				}, this.logger);
			await this.#membership.start();
			if (this.stores.presence) {
				this.#sweeper = new ClusterSweeper({ routing: this.routing, presence: this.stores.presence, activity: this.activity,
					rooms: this.stores.rooms, graceSeconds: this.config.reconnectGraceSeconds, nodeId: this.config.cluster.nodeId, startedAt: this.#startedAt, logger: this.logger });
				this.#sweeper.start();
			}
		}
		this.logger.info({ port, publicUrl: this.#publicUrl, workers: this.workers.liveWorkers }, 'rooms server listening');
	}

	/** The public base URL (invite links start with it). */
	get url(): string {
		if (!this.#publicUrl) throw new Error('server is not listening yet');
		return this.#publicUrl;
	}

	#notReadyBecause(): { reason: string; message: string } | undefined {
		if (this.#closed) return { reason: 'stopped', message: 'the server has stopped' };
		if (this.#membership?.lost) return { reason: 'not-in-cluster', message: `the cluster no longer counts node ${this.#membership.nodeId}` };
		if (this.workers.liveWorkers === 0) return { reason: 'no-media-worker', message: 'no live media worker' };
		if (!this.stores.isOpen()) return { reason: 'storage-closed', message: 'storage is closed' };
		const fault = this.stores.fault();
		if (fault) {
			const seconds = ((Date.now() - fault.since) / 1000).toFixed(1);
			return { reason: 'storage-fault', message: `storage failing (${fault.code}) for ${seconds} s; ${this.stores.queued()} writes and reads queued` };
		}
		return undefined;
	}

	get port(): number {
		return (this.#httpServer.address() as AddressInfo).port;
	}

	/**
	 * A graceful stop: new joins are refused with DRAINING and /readyz answers
	 * 503, people in calls are told, and the server closes once the last call
	 * ends or `timeoutMs` has passed, whichever comes first.
	 */
	async drain(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		this.liveRooms.drain(new Date(deadline));
		this.logger.info({ participants: this.liveRooms.participantCount, timeoutMs }, 'draining');
		while (this.liveRooms.participantCount > 0 && Date.now() < deadline && !this.#closed) {
			await new Promise((resolve) => setTimeout(resolve, Math.min(DRAIN_POLL_MS, Math.max(0, deadline - Date.now()))));
		}
		await this.close();
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		this.liveRooms.close();
		// Everyone still seated has left on the timeline and in the outbox before they close; a failing store
		// gets as long as a request would wait, and what is still queued after that is logged as lost.
		await Promise.race([this.activity.settled(), delay(this.config.storeWaitSeconds * 1000, undefined, { ref: false })]);
		this.webhooks.close();
		this.retention.close();
		// A sweep's records wait for a failing store just as long; the store's close then fails what is left of them.
		await Promise.race([this.#sweeper?.close(), delay(this.config.storeWaitSeconds * 1000, undefined, { ref: false })]);
		// Socket.IO closes the HTTP server, whose callback waits for every connection to end;
		// a browser's kept-alive connection could hold it for ever, so they are all ended now.
		const closed = new Promise<void>((resolve) => {
			this.#io.close(() => resolve());
		});
		this.#httpServer.closeAllConnections();
		await closed;
		this.workers.close();
		await this.#membership?.close();
		await this.stores.close();
		this.logger.info('rooms server closed');
	}
}
