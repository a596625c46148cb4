/**
 * `--churn R`: during the steady phase, participants leave and come back at
 * R leaves a minute, as people drop in and out of a long call. Each time, one
 * participant in the room (picked at random) leaves, waits a moment, and
 * joins again; the report has every leave, how long the rejoin took, and how
 * long until media flowed to it again (its recovery), or why it failed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChurnEvent } from './report.js';

/** One participant as churn sees it: its report id, and how it leaves, rejoins and tells it receives media. */
export interface Churnable {
	id: string;
	leave(): Promise<void>;
	rejoin(): Promise<{ ms: number } | { failure: string }>;
	receiving(): Promise<boolean>;
}

/** How long a churned participant stays out before it comes back. */
const AWAY_MS = 2000;
/** How long a rejoined participant may take to receive media again before its recovery counts as failed. */
const RECOVERY_TIMEOUT_MS = 20_000;

/** `6/min` or `0.1/s` as leaves per minute; undefined for anything else (a bare number would not say per what). */
export function parseChurnRate(raw: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)\/(min|s)$/.exec(raw.trim());
	if (!match || Number(match[1]) <= 0) return undefined;
	return Number(match[1]) * (match[2] === 's' ? 60 : 1);
}

export class Churn {
	readonly events: ChurnEvent[] = [];
	/** Participants out on purpose now: the presence check does not count them as dropped. */
	readonly away = new Set<string>();
	readonly #inFlight = new Set<Promise<void>>();

	constructor(private readonly perMinute: number, private readonly elapsed: () => number) {}

	/** Churns until `signal` aborts, picking from `candidates()` (those in the room now); then waits for the churns under way. */
	async run(candidates: () => Churnable[], signal: AbortSignal): Promise<void> {
		const intervalMs = 60_000 / this.perMinute;
		while (!signal.aborted) {
			await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
			if (signal.aborted) break;
			const free = candidates().filter(({ id }) => !this.away.has(id));
			const picked = free[Math.floor(Math.random() * free.length)];
			if (!picked) continue;
			const churning = this.#churn(picked, signal).finally(() => this.#inFlight.delete(churning));
			this.#inFlight.add(churning);
		}
		await Promise.all(this.#inFlight);
	}

	async #churn(participant: Churnable, signal: AbortSignal): Promise<void> {
		this.away.add(participant.id);
		const event: ChurnEvent = { participant: participant.id, leftAt: this.elapsed() };
		this.events.push(event);
		try {
			await participant.leave();
			await sleep(AWAY_MS);
			const started = performance.now();
			const rejoined = await participant.rejoin();
			if ('failure' in rejoined) {
				event.failure = rejoined.failure;
				return;
			}
			event.rejoinMs = rejoined.ms;
			// Recovered once media reaches it again; a run that ends first leaves the recovery unmeasured, not failed.
			while (!signal.aborted && performance.now() - started < RECOVERY_TIMEOUT_MS) {
				if (await participant.receiving()) {
					event.recoveredMs = performance.now() - started;
					return;
				}
				await sleep(100);
			}
			if (!signal.aborted) event.failure = 'no media after rejoining';
		} catch (error) {
			event.failure = `error: ${(error as Error).message.split('\n')[0]}`;
		} finally {
			this.away.delete(participant.id);
		}
	}
}
