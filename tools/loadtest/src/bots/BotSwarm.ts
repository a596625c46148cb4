/**
 * Many bots in one process: one clock sends every bot's due media (a timer
 * per bot would cost more than the sending), and joins run a few at a time
 * so that a swarm of 50 ramps in seconds without a thundering herd.
 */
import { Bot, type BotOptions } from './Bot.js';
import type { BotMedia, ReceiveTotals } from './BotMedia.js';
import { loadClip } from './clip.js';

const TICK_MS = 5;

/** Drives the media of every bot (and of anything else with a tick) from one timer. */
export class MediaClock {
	readonly #media = new Set<Pick<BotMedia, 'tick'>>();
	#timer: NodeJS.Timeout | undefined;

	add(media: Pick<BotMedia, 'tick'>): void {
		this.#media.add(media);
		this.#timer ??= setInterval(() => {
			const now = performance.now();
			for (const item of this.#media) item.tick(now);
		}, TICK_MS);
	}

	delete(media: Pick<BotMedia, 'tick'>): void {
		this.#media.delete(media);
	}

	stop(): void {
		clearInterval(this.#timer);
		this.#timer = undefined;
		this.#media.clear();
	}
}

export class BotSwarm {
	readonly bots: Bot[] = [];
	readonly clock = new MediaClock();
	/** How long each join took, from the ingest request to publishing (ms). */
	readonly joinMs: number[] = [];

	/**
	 * Joins `count` bots, `concurrency` at a time, ticking `progress` after each.
	 * A failed join fails the swarm (a benchmark with missing bots measures the
	 * wrong thing), unless `failed` takes it: a load test counts it and goes on.
	 * `joined` hears of each bot seated, with its index and join time. `pace`,
	 * when given, is awaited before each bot sets out; when it says false, no
	 * more bots set out (joins under way still finish).
	 */
	async join(count: number, optionsFor: (index: number) => BotOptions,
		settings: {
			concurrency?: number;
			progress?: (joined: number) => void;
			joined?: (index: number, bot: Bot, ms: number) => void;
			failed?: (index: number, error: unknown) => void;
			pace?: () => Promise<boolean>;
		} = {}): Promise<void> {
		const clip = await loadClip();
		let next = 0;
		const worker = async () => {
			while (next < count) {
				const index = next++;
				if (settings.pace && !await settings.pace()) return;
				const started = performance.now();
				let bot: Bot;
				try {
					bot = await Bot.join(optionsFor(index), clip);
				} catch (error) {
					if (!settings.failed) throw error;
					settings.failed(index, error);
					continue;
				}
				const ms = performance.now() - started;
				this.joinMs.push(ms);
				this.bots.push(bot);
				this.clock.add(bot.media);
				settings.joined?.(index, bot, ms);
				settings.progress?.(this.bots.length);
			}
		};
		await Promise.all(Array.from({ length: Math.min(count, settings.concurrency ?? 4) }, worker));
	}

	/** Takes a bot out of the room, as a person leaving does. */
	leave(bot: Bot): void {
		const index = this.bots.indexOf(bot);
		if (index >= 0) this.bots.splice(index, 1);
		this.clock.delete(bot.media);
		bot.close();
	}

	/** Brings a bot that left back, as a new participant with the same options; throws if it cannot join. */
	async rejoin(bot: Bot): Promise<Bot> {
		const again = await Bot.join(bot.options, await loadClip());
		this.bots.push(again);
		this.clock.add(again.media);
		return again;
	}

	/** What every bot has received so far. */
	totals(): ReceiveTotals {
		return this.bots.reduce((sum, bot) => {
			const totals = bot.media.totals();
			return { packets: sum.packets + totals.packets, bytes: sum.bytes + totals.bytes, lost: sum.lost + totals.lost };
		}, { packets: 0, bytes: 0, lost: 0 });
	}

	close(): void {
		this.clock.stop();
		for (const bot of this.bots.splice(0)) bot.close();
	}
}
