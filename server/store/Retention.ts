/**
 * What is kept, and for how long: rooms that ended (or whose link expired)
 * go after `ROOMS_RETENTION_DAYS` with their timeline, removals, retired
 * codes and settled webhook deliveries; delivered or failed deliveries of
 * any room go after `ROOMS_WEBHOOK_RETENTION_DAYS`. Live rooms (here, or on
 * another node of a cluster) and pending deliveries are never purged. It runs at start and every hour.
 */
import type { Logger } from '../logger.js';
import type { PurgeCounts, RoomStore } from './RoomStore.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const INTERVAL_MS = 60 * 60 * 1000;

export interface RetentionOptions {
	roomDays: number;
	webhookDays: number;
}

export class Retention {
	#timer: ReturnType<typeof setInterval> | undefined;

	constructor(
		private readonly rooms: RoomStore,
		private readonly liveRoomIds: () => ReadonlySet<string>,
		private readonly options: RetentionOptions,
		private readonly logger: Logger,
	) {}

	start(): void {
		void this.purge();
		this.#timer = setInterval(() => void this.purge(), INTERVAL_MS);
		this.#timer.unref();
	}

	/** Purges what is past its time now; a failing store is logged and tried again next time. */
	async purge(now = Date.now()): Promise<PurgeCounts | undefined> {
		try {
			const counts = await this.rooms.purge({
				roomsBefore: new Date(now - this.options.roomDays * DAY_MS),
				deliveriesBefore: new Date(now - this.options.webhookDays * DAY_MS),
				keep: this.liveRoomIds(),
			});
			if (Object.values(counts).some((count) => count > 0)) this.logger.info(counts, 'retention: purged old records');
			return counts;
		} catch (error) {
			this.logger.warn({ err: error }, 'retention: could not purge this time');
			return undefined;
		}
	}

	close(): void {
		clearInterval(this.#timer);
	}
}
