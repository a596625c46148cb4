/**
 * What any node of a cluster does for the others, every few seconds: nodes
 * silent past ROOMS_NODE_TIMEOUT_SECONDS are probed, and marked dead when
 * they do not answer (RoomRouting); the people still recorded on a dead node
 * past ROOMS_RECONNECT_GRACE_SECONDS did not come back with their room, and
 * are recorded as left (`node-failure`), each once across the cluster. A
 * sweep that cannot reach the database waits for the next: the store's fault
 * is /readyz's to report, and nothing is marked during an outage.
 */
import type { Logger } from '../logger.js';
import type { RoomRouting } from '../routing/RoomRouting.js';
import type { PresenceStore } from '../store/PresenceStore.js';
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
	logger: Logger;
}

export class ClusterSweeper {
	readonly #deps: SweeperDeps;
	#timer: ReturnType<typeof setInterval> | undefined;
	#sweeping: Promise<void> | undefined;

	constructor(deps: SweeperDeps) {
		this.#deps = deps;
	}

	start(): void {
		this.#timer ??= setInterval(() => {
			this.#sweeping ??= this.sweep().catch((error: unknown) => {
				this.#deps.logger.debug({ err: error }, 'cluster sweep failed; the next one tries again');
			}).finally(() => {
				this.#sweeping = undefined;
			});
		}, SWEEP_MS);
	}

	/** One sweep: silent nodes probed, stranded people recorded. */
	async sweep(): Promise<void> {
		const { routing, presence, activity, rooms, graceSeconds, logger } = this.#deps;
		await routing.markSilentNodes();
		const stranded = await presence.takeStranded(graceSeconds);
		if (stranded.length === 0) return;
		logger.info({ people: stranded.length, rooms: new Set(stranded.map(({ roomId }) => roomId)).size }, 'recording people whose node died and who did not come back');
		await activity.recordStranded(stranded, rooms);
	}

	/** Stops sweeping, after the sweep under way. Idempotent. */
	async close(): Promise<void> {
		clearInterval(this.#timer);
		this.#timer = undefined;
		await this.#sweeping;
	}
}
