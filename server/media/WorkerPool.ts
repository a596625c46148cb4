/**
 * mediasoup workers, one per core by default. A room's first router goes to
 * the live worker with the fewest consumers; a room that outgrows its
 * worker's budget asks for routers on others (RouterSet). Each worker's open
 * consumers are counted here. A worker that dies is replaced at the same
 * index (so on the same ports); its routers close with it, and the rooms
 * whose first router it held close so that the next join reopens them.
 *
 * Ports: worker i runs one WebRtcServer that carries every browser's media
 * on UDP and TCP port `rtcPort + i`, so a deployment opens one UDP and one
 * TCP port per worker. The port range is only for plain (and later pipe)
 * transports; each worker gets its own slice of it.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { ListenAddress } from '../config.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { MEDIA_CODECS } from './mediaCodecs.js';

export interface WorkerPoolOptions {
	size: number;
	/** Another mediasoup-worker binary than the built one. */
	workerBin?: string;
	/** Worker i's WebRtcServer listens on UDP and TCP port rtcPort + i. */
	rtcPort: number;
	/** Ports for plain and pipe transports, split between the workers. */
	rtcMinPort: number;
	rtcMaxPort: number;
	listenAddresses: ListenAddress[];
	logger: Logger;
}

/** Where a router lives, and what its transports are created on. */
export interface RouterPlacement {
	router: types.Router;
	/** Carries every WebRTC transport of the router's worker. */
	webRtcServer: types.WebRtcServer;
	/** Socket settings for a plain RTP transport on the router's worker. */
	plainListenInfo: types.TransportListenInfo;
	/** The worker's index in the pool (stable across its replacement). */
	workerIndex: number;
	/** Consumers open on the router's worker now, all routers and pipes included. */
	workerConsumers(): number;
}

/** Where rooms get routers: the pool, as a room spanning workers sees it. */
export interface RouterSource {
	/** A router on the least-loaded live worker not in `avoid`, or undefined if every live worker is in it. */
	createRouter(avoid?: ReadonlySet<number>): Promise<RouterPlacement | undefined>;
}

interface PooledWorker {
	index: number;
	worker: types.Worker;
	webRtcServer: types.WebRtcServer;
	/** Routers placed on this worker and still open. */
	routers: number;
	/** Consumers open on this worker (pipe consumers included): the load a room's placement weighs. */
	consumers: number;
	/** Transports open on this worker, for the media bitrate the metrics report. */
	transports: Set<types.Transport>;
	/** Of those, the ones forwarding media now (neither they nor their producer paused). */
	forwarding: number;
	portRange: types.TransportPortRange;
}

/**
 * mediasoup closes every worker on SIGINT and SIGTERM by itself, which would
 * cut every call the moment a graceful stop begins. The server closes its
 * workers when it stops (after draining), so mediasoup's own handlers go.
 */
function keepThroughSignals(worker: types.Worker): void {
	const onSignal = (worker as unknown as { onSignal?: (...args: unknown[]) => void }).onSignal;
	if (!onSignal) return;
	process.removeListener('SIGINT', onSignal);
	process.removeListener('SIGTERM', onSignal);
}

/** Keeps the worker's counts of open and forwarding consumers, over every transport the router will have. */
function countConsumers(router: types.Router, pooled: PooledWorker): void {
	router.observer.on('newtransport', (transport) => {
		pooled.transports.add(transport);
		transport.observer.once('close', () => pooled.transports.delete(transport));
	});
	router.observer.on('newtransport', (transport) => transport.observer.on('newconsumer', (consumer) => {
		pooled.consumers++;
		let forwarding = false;
		// The observer's pause and resume come for the consumer's own state and for its producer's.
		const update = () => {
			const now = !consumer.closed && !consumer.paused && !consumer.producerPaused;
			if (now !== forwarding) pooled.forwarding += now ? 1 : -1;
			forwarding = now;
		};
		update();
		consumer.observer.on('pause', update);
		consumer.observer.on('resume', update);
		consumer.observer.once('close', () => {
			pooled.consumers--;
			update();
		});
	}));
}

export class WorkerPool implements RouterSource {
	readonly #options: WorkerPoolOptions;
	readonly #workers = new Set<PooledWorker>();
	/** Replacements of dead workers still starting: a router asked for meanwhile waits for them. */
	readonly #replacing = new Set<Promise<void>>();
	#closed = false;

	constructor(options: WorkerPoolOptions) {
		this.#options = options;
	}

	async start(): Promise<void> {
		const { size, rtcMinPort, rtcMaxPort } = this.#options;
		const span = Math.floor((rtcMaxPort - rtcMinPort + 1) / size);
		if (span < 2) throw new Error('RTC port range too small for the number of workers');
		await Promise.all(Array.from({ length: size }, (_, index) => this.#spawn(index, {
			min: rtcMinPort + index * span,
			max: index === size - 1 ? rtcMaxPort : rtcMinPort + (index + 1) * span - 1,
		})));
	}

	async #spawn(index: number, portRange: types.TransportPortRange): Promise<void> {
		const worker = await mediasoup.createWorker({ logLevel: 'warn', ...(this.#options.workerBin ? { workerBin: this.#options.workerBin } : {}) });
		keepThroughSignals(worker);
		const logger = this.#options.logger.child({ workerPid: worker.pid, workerIndex: index });
		let webRtcServer: types.WebRtcServer;
		try {
			webRtcServer = await worker.createWebRtcServer({ listenInfos: this.#webRtcListenInfos(index) });
		} catch (error) {
			worker.close();
			throw error;
		}
		const pooled: PooledWorker = { index, worker, webRtcServer, routers: 0, consumers: 0, forwarding: 0, transports: new Set(), portRange };
		this.#workers.add(pooled);
		logger.info({ rtcPort: this.#options.rtcPort + index, portRange }, 'mediasoup worker started');
		worker.on('died', (error) => {
			this.#workers.delete(pooled);
			logger.error({ err: error }, 'mediasoup worker died');
			if (this.#closed) return;
			const replacement = this.#spawn(index, portRange).catch((spawnError: unknown) =>
				logger.error({ err: spawnError }, 'could not replace dead mediasoup worker'));
			this.#replacing.add(replacement);
			void replacement.finally(() => this.#replacing.delete(replacement));
		});
	}

	#webRtcListenInfos(index: number): types.TransportListenInfo[] {
		const port = this.#options.rtcPort + index;
		return this.#options.listenAddresses.flatMap(({ ip, announcedAddress }) =>
			(['udp', 'tcp'] as const).map((protocol) => ({ protocol, ip, port, ...(announcedAddress ? { announcedAddress } : {}) })));
	}

	get liveWorkers(): number {
		return [...this.#workers].filter(({ worker }) => !worker.closed).length;
	}

	get workers(): types.Worker[] {
		return [...this.#workers].map(({ worker }) => worker);
	}

	/** Each live worker's CPU time and peak memory, as the worker itself reports them. */
	async resourceUsage(): Promise<{ index: number; usage: types.WorkerResourceUsage }[]> {
		const live = [...this.#workers].filter(({ worker }) => !worker.closed);
		const settled = await Promise.allSettled(live.map(async ({ index, worker }) => ({ index, usage: await worker.getResourceUsage() })));
		// A worker that dies while answering is simply left out of this sample.
		return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
	}

	/** The process id of the live worker at `index`. */
	pidOf(index: number): number | undefined {
		return [...this.#workers].find((pooled) => pooled.index === index && !pooled.worker.closed)?.worker.pid;
	}

	/**
	 * The media bitrate through each live worker now, in bits per second, as
	 * its transports measure it (received from senders, sent to receivers; pipes between workers included).
	 */
	async bitrates(): Promise<{ index: number; received: number; sent: number }[]> {
		const live = [...this.#workers].filter(({ worker }) => !worker.closed);
		return Promise.all(live.map(async ({ index, transports }) => {
			const stats = await Promise.all([...transports].map((transport) =>
				(transport.getStats() as Promise<{ recvBitrate?: number; sendBitrate?: number }[]>).catch(() => [])));
			let received = 0;
			let sent = 0;
			for (const entry of stats.flat()) {
				received += entry.recvBitrate ?? 0;
				sent += entry.sendBitrate ?? 0;
			}
			return { index, received, sent };
		}));
	}

	/** Consumers open on each live worker now, and how many of them forward media, by index. */
	consumerCounts(): { index: number; consumers: number; forwarding: number }[] {
		return [...this.#workers].filter(({ worker }) => !worker.closed).map(({ index, consumers, forwarding }) => ({ index, consumers, forwarding }));
	}

	/** A router on the live worker with the fewest consumers (then routers), leaving out the workers in `avoid`. */
	async createRouter(avoid: ReadonlySet<number> = new Set()): Promise<RouterPlacement | undefined> {
		let live = [...this.#workers].filter(({ worker, index }) => !worker.closed && !avoid.has(index));
		if (live.length === 0 && avoid.size === 0 && this.#replacing.size > 0) {
			// Every worker died at once: people coming back (their clients recover at once) wait for a replacement rather than fail.
			await Promise.all(this.#replacing);
			live = [...this.#workers].filter(({ worker }) => !worker.closed);
		}
		if (live.length === 0) {
			// A client may try again: a replacement is on its way, or the operator has to look (the log says why).
			if (avoid.size === 0) throw Errors.unavailable('no live media worker');
			return undefined;
		}
		const target = live.reduce((least, candidate) => (candidate.consumers < least.consumers
			|| (candidate.consumers === least.consumers && candidate.routers < least.routers) ? candidate : least));
		target.routers++;
		try {
			const router = await target.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
			router.observer.once('close', () => target.routers--);
			countConsumers(router, target);
			const [address] = this.#options.listenAddresses;
			return {
				router,
				webRtcServer: target.webRtcServer,
				plainListenInfo: {
					protocol: 'udp',
					ip: address!.ip,
					...(address!.announcedAddress ? { announcedAddress: address!.announcedAddress } : {}),
					portRange: target.portRange,
				},
				workerIndex: target.index,
				workerConsumers: () => target.consumers,
			};
		} catch (error) {
			target.routers--;
			throw error;
		}
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const { worker } of this.#workers) worker.close();
		this.#workers.clear();
	}
}
