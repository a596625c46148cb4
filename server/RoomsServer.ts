/**
 * Composition root. Boot order: store, apps, workers, rooms, HTTP and
 * signalling, then listen. close() undoes it in reverse and is idempotent.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server as SocketServer } from 'socket.io';
import { AppRegistry, loadServerSecret } from './apps/AppRegistry.js';
import { ParticipantTokens } from './auth/participantTokens.js';
import type { Config } from './config.js';
import { createHttpApp } from './http/app.js';
import type { Logger } from './logger.js';
import { WorkerPool } from './media/WorkerPool.js';
import { Metrics } from './metrics.js';
import { RoomManager } from './rooms/RoomManager.js';
import { RoomService } from './rooms/RoomService.js';
import { attachSignaling } from './signaling/SignalingServer.js';
import { SqliteRoomStore } from './store/SqliteRoomStore.js';

/** The folder holding package.json, whether this runs from server/ or from dist/server/. */
function findProjectRoot(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
	return dir;
}
const projectRoot = findProjectRoot();

export class RoomsServer {
	readonly config: Config;
	readonly logger: Logger;
	readonly store: SqliteRoomStore;
	readonly apps: AppRegistry;
	readonly workers: WorkerPool;
	readonly manager: RoomManager;
	readonly rooms: RoomService;
	readonly metrics: Metrics;
	readonly #httpServer: http.Server;
	readonly #io: SocketServer;
	#publicUrl: string | undefined;
	#closed = false;

	/** Starts everything and listens; resolves once the server takes requests. */
	static async start(config: Config, logger: Logger): Promise<RoomsServer> {
		const workers = new WorkerPool({
			size: config.workers,
			rtcMinPort: config.rtcMinPort,
			rtcMaxPort: config.rtcMaxPort,
			logger,
		});
		await workers.start();
		let server: RoomsServer;
		try {
			server = new RoomsServer(config, logger, workers);
		} catch (error) {
			workers.close();
			throw error;
		}
		await server.#listen();
		return server;
	}

	private constructor(config: Config, logger: Logger, workers: WorkerPool) {
		this.config = config;
		this.logger = logger;
		this.workers = workers;
		this.store = new SqliteRoomStore(config.dataDir);
		this.apps = AppRegistry.load(config.appsSource, config.dataDir, logger);
		const tokens = new ParticipantTokens(loadServerSecret(config.dataDir), config.tokenTtlSeconds);
		this.manager = new RoomManager(this.store, workers, {
			listenIps: config.listenIps,
			plainTransports: config.plainTransports,
		}, logger);
		this.#publicUrl = config.publicUrl;
		this.rooms = new RoomService(this.store, this.manager, this.apps, tokens, {
			publicUrl: () => this.url,
			maxParticipants: config.maxParticipants,
			iceServers: config.iceServers,
		});
		this.metrics = new Metrics(this.manager, workers);
		const app = createHttpApp({
			rooms: this.rooms,
			apps: this.apps,
			metrics: this.metrics,
			logger,
			rateLimitPerMinute: config.rateLimitPerMinute,
			webDistDir: path.join(projectRoot, 'dist', 'web'),
			webHosts: config.webHosts,
			isReady: () => !this.#closed && workers.liveWorkers > 0 && this.store.isOpen(),
		});
		this.#httpServer = config.tls
			? https.createServer({ cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile) }, app)
			: http.createServer(app);
		this.#io = attachSignaling(this.#httpServer, { manager: this.manager, tokens, metrics: this.metrics, logger });
	}

	async #listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.#httpServer.once('error', reject);
			this.#httpServer.listen(this.config.port, this.config.host, () => resolve());
		});
		const { port } = this.#httpServer.address() as AddressInfo;
		this.#publicUrl ??= `${this.config.tls ? 'https' : 'http'}://localhost:${port}`;
		this.logger.info({ port, publicUrl: this.#publicUrl, workers: this.workers.liveWorkers }, 'rooms server listening');
	}

	/** The public base URL (invite links start with it). */
	get url(): string {
		if (!this.#publicUrl) throw new Error('server is not listening yet');
		return this.#publicUrl;
	}

	get port(): number {
		return (this.#httpServer.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		this.manager.close();
		await new Promise<void>((resolve) => {
			this.#io.close(() => resolve());
		});
		this.#httpServer.closeAllConnections();
		this.workers.close();
		this.store.close();
		this.logger.info('rooms server closed');
	}
}
