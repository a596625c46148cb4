/**
 * What any node of a cluster does for the others, every few seconds: nodes
 * silent past ROOMS_NODE_TIMEOUT_SECONDS are probed, and marked dead when
 * they do not answer (RoomRouting); the people still recorded on a dead node
 * past ROOMS_RECONNECT_GRACE_SECONDS did not come back with their room, and
 * are recorded as left (`node-failure`), each once across the cluster; so
 * are, when a node starts again, those its earlier start left behind. A
 * room placed here by a join whose person never connected is released. A
 * sweep that cannot reach the database waits for the next: the store's fault
 * is /readyz's to report, and nothing is marked during an outage.
 */
import type { Logger } from '../logger.js';
import type { RoomRouting } from '../routing/RoomRouting.js';
import type { PresenceStore, SeatedPerson } from '../store/PresenceStore.js';
import type { RoomStore } from '../store/RoomStore.js';
import type { ActivityFeed } from './ActivityFeed.js';

/** How often a node sweeps. */
export const SWEEP_MS = 2000;

export interface SweeperDeps {
	routing: RoomRouting;
	presence: PresenceStore;
	activity: ActivityFeed;
	rooms: RoomStore;
	/** How long people have to come back after their node's last heartbeat (ROOMS_RECONNECT_GRACE_SECONDS). */
	graceSeconds: number;
	/** This node, and when this start of it began. */
	nodeId: string;
	startedAt: Date;
	logger: Logger;
}

export class ClusterSweeper {
	readonly #deps: SweeperDeps;
	#timer: ReturnType<typeof setInterval> | undefined;
	#sweeping: Promise<void> | undefined;

	constructor(deps: SweeperDeps) {
		this.#deps = deps;
	}

	/** Records who this node's earlier start left behind, then sweeps every few seconds. */
	start(): void {
		this.#sweeping = this.#record(this.#deps.presence.takeAllOf(this.#deps.nodeId, this.#deps.startedAt)).catch((error: unknown) => {
			this.#deps.logger.warn({ err: error }, 'could not record the people an earlier start of this node left behind; a later start tries again');
		}).finally(() => {
			this.#sweeping = undefined;
		});
		this.#timer ??= setInterval(() => {
			this.#sweeping ??= this.sweep().catch((error: unknown) => {
				this.#deps.logger.debug({ err: error }, 'cluster sweep failed; the next one tries again');
			}).finally(() => {
				this.#sweeping = undefined;
			});
		}, SWEEP_MS);
	}

	/** One sweep: silent nodes probed, stranded people recorded, placements of rooms that never opened here released. */
	async sweep(): Promise<void> {
		await this.#deps.routing.markSilentNodes();
		await this.#record(this.#deps.presence.takeStranded(this.#deps.graceSeconds));
		await this.#deps.routing.releaseUnused();
	}

	async #record(taking: Promise<SeatedPerson[]>): Promise<void> {
		const stranded = await taking;
		if (stranded.length === 0) return;
		this.#deps.logger.info({ people: stranded.length, rooms: new Set(stranded.map(({ roomId }) => roomId)).size }, 'recording people whose node died and who did not come back');
		await this.#deps.activity.recordStranded(stranded, this.#deps.rooms);
	}

	/** Stops sweeping, after the sweep under way. Idempotent. */
	async close(): Promise<void> {
		clearInterval(this.#timer);
		this.#timer = undefined;
		await this.#sweeping;
	}
}
