/**
 * mediasoup workers, one per core by default. Each room's router goes to the
 * least-loaded live worker. A worker that dies is replaced; its routers close
 * with it, and their rooms close so that the next join reopens them elsewhere.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../logger.js';
import { MEDIA_CODECS } from './mediaCodecs.js';

export interface WorkerPoolOptions {
	size: number;
	rtcMinPort: number;
	rtcMaxPort: number;
	logger: Logger;
}

interface PooledWorker {
	worker: types.Worker;
	/** Routers placed on this worker and still open. */
	routers: number;
	portRange: [number, number];
}

export class WorkerPool {
	readonly #options: WorkerPoolOptions;
	readonly #workers = new Set<PooledWorker>();
	#closed = false;

	constructor(options: WorkerPoolOptions) {
		this.#options = options;
	}

	async start(): Promise<void> {
		const { size, rtcMinPort, rtcMaxPort } = this.#options;
		// Each worker gets its own slice of the port range so they never compete for a port.
		const span = Math.floor((rtcMaxPort - rtcMinPort + 1) / size);
		if (span < 2) throw new Error('RTC port range too small for the number of workers');
		await Promise.all(Array.from({ length: size }, (_, i) =>
			this.#spawn([rtcMinPort + i * span, i === size - 1 ? rtcMaxPort : rtcMinPort + (i + 1) * span - 1])));
	}

	async #spawn(portRange: [number, number]): Promise<void> {
		const worker = await mediasoup.createWorker({
			logLevel: 'warn',
			rtcMinPort: portRange[0],
			rtcMaxPort: portRange[1],
		});
		const pooled: PooledWorker = { worker, routers: 0, portRange };
		this.#workers.add(pooled);
		const logger = this.#options.logger.child({ workerPid: worker.pid });
		logger.info({ portRange }, 'mediasoup worker started');
		worker.on('died', (error) => {
			this.#workers.delete(pooled);
			logger.error({ err: error }, 'mediasoup worker died');
			if (this.#closed) return;
			this.#spawn(portRange).catch((spawnError: unknown) =>
				logger.error({ err: spawnError }, 'could not replace dead mediasoup worker'));
		});
	}

	get liveWorkers(): number {
		return [...this.#workers].filter(({ worker }) => !worker.closed).length;
	}

	get workers(): types.Worker[] {
		return [...this.#workers].map(({ worker }) => worker);
	}

	async createRouter(): Promise<types.Router> {
		const live = [...this.#workers].filter(({ worker }) => !worker.closed);
		if (live.length === 0) throw new Error('no live mediasoup worker');
		const target = live.reduce((least, candidate) => (candidate.routers < least.routers ? candidate : least));
		target.routers++;
		try {
			const router = await target.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
			router.observer.once('close', () => target.routers--);
			return router;
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
