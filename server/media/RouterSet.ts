/**
 * A room's routers, one per worker it spans. The room starts on one router
 * (the primary, which also hosts the speaker observers). A participant's
 * transports all go on one router, chosen when they first ask for one: a
 * router of the room whose worker is under its consumer budget, else a new
 * router on another worker, else (every worker over budget) the room router
 * on the least-loaded worker. A producer is piped (`pipeToRouter`) to each
 * other router the first time someone there consumes it; mediasoup carries
 * pause, resume and close across the pipe.
 *
 * Closure: close() closes every router. A worker that dies closes its
 * router: the primary's loss is the room's (`primaryLost`), another's only
 * that router's participants' (`routerLost`).
 */
import type { types } from 'mediasoup';
import type { Logger } from '../logger.js';
import { SafeEmitter } from '../SafeEmitter.js';
import type { RouterPlacement, RouterSource } from './WorkerPool.js';

export interface RouterSetOptions {
	routers: RouterSource;
	/** Consumers a worker should carry at most before a room grows onto another. */
	consumerBudget: number;
}

export interface RouterSetEvents {
	primaryLost: [];
	routerLost: [RouterPlacement];
}

/** How long a placement counts against its worker before its consumers show in the worker's own count. */
const RESERVATION_MS = 10_000;
/** A newcomer's consumers, guessed: a page of video tiles and everyone's audio. */
const GRID_PAGE = 25;

export class RouterSet extends SafeEmitter<RouterSetEvents> {
	readonly primary: RouterPlacement;
	readonly #placements: RouterPlacement[];
	readonly #options: RouterSetOptions;
	readonly #logger: Logger;
	/** Consumers promised to recent newcomers, per worker index, until their own consumers exist. */
	readonly #reserved: { workerIndex: number; consumers: number; until: number }[] = [];
	/** `${producerId} ${routerId}` → the pipe under way or done. */
	readonly #pipes = new Map<string, Promise<void>>();
	#growing: Promise<RouterPlacement | undefined> | undefined;
	#closed = false;

	constructor(primary: RouterPlacement, options: RouterSetOptions, logger: Logger) {
		super(() => logger);
		this.primary = primary;
		this.#placements = [primary];
		this.#options = options;
		this.#logger = logger;
		this.#watch(primary);
	}

	get placements(): readonly RouterPlacement[] {
		return this.#placements;
	}

	#watch(placement: RouterPlacement): void {
		placement.router.on('workerclose', () => {
			const index = this.#placements.indexOf(placement);
			if (index >= 0) this.#placements.splice(index, 1);
			if (placement === this.primary) this.emit('primaryLost');
			else if (!this.#closed) this.emit('routerLost', placement);
		});
	}

	/** Consumers on the placement's worker, counting what recent newcomers will add. */
	#load(placement: RouterPlacement): number {
		const now = Date.now();
		while (this.#reserved.length > 0 && this.#reserved[0]!.until <= now) this.#reserved.shift();
		const reserved = this.#reserved.filter(({ workerIndex }) => workerIndex === placement.workerIndex)
			.reduce((sum, { consumers }) => sum + consumers, 0);
		return placement.workerConsumers() + reserved;
	}

	/** The router for a newcomer to a room of `roomSize` people. */
	async place(roomSize: number): Promise<RouterPlacement> {
		const expected = Math.min(roomSize, GRID_PAGE) + roomSize;
		const byLoad = () => [...this.#placements].sort((a, b) => this.#load(a) - this.#load(b));
		let chosen = byLoad().find((placement) => this.#load(placement) + expected <= this.#options.consumerBudget);
		if (!chosen) {
			const grown = await this.#grow();
			if (grown && this.#load(grown) + expected <= this.#options.consumerBudget) chosen = grown;
		}
		chosen ??= byLoad()[0] ?? this.primary;
		this.#reserved.push({ workerIndex: chosen.workerIndex, consumers: expected, until: Date.now() + RESERVATION_MS });
		return chosen;
	}

	/** A router on a worker the room is not on yet; one at a time, so a join storm opens one, not many. */
	async #grow(): Promise<RouterPlacement | undefined> {
		this.#growing ??= (async () => {
			const avoid = new Set(this.#placements.map(({ workerIndex }) => workerIndex));
			const placement = await this.#options.routers.createRouter(avoid).catch((error: unknown) => {
				// The room stays where it is, over budget, rather than refuse the newcomer.
				this.#logger.error({ err: error }, 'could not open a router on another worker');
				return undefined;
			});
			if (!placement) return undefined;
			if (this.#closed) {
				placement.router.close();
				return undefined;
			}
			this.#placements.push(placement);
			this.#watch(placement);
			this.#logger.info({ workerIndex: placement.workerIndex, routers: this.#placements.length }, 'room grew onto another worker');
			return placement;
		})().finally(() => {
			this.#growing = undefined;
		});
		return this.#growing;
	}

	/**
	 * Makes the producer, which lives on `from`, consumable on `to` (the same
	 * id there). Pipes stay on loopback: the workers share this host.
	 */
	async pipe(producerId: string, from: RouterPlacement, to: RouterPlacement): Promise<void> {
		if (from === to) return;
		const key = `${producerId} ${to.router.id}`;
		let piping = this.#pipes.get(key);
		if (!piping) {
			const listenInfo: types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1', portRange: from.plainListenInfo.portRange };
			piping = from.router.pipeToRouter({ producerId, router: to.router, listenInfo }).then(({ pipeProducer }) => {
				pipeProducer?.observer.once('close', () => this.#pipes.delete(key));
			});
			// A failed pipe may be tried again.
			piping.catch(() => this.#pipes.delete(key));
			this.#pipes.set(key, piping);
		}
		await piping;
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const { router } of this.#placements) router.close();
	}
}
