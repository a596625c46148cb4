/**
 * The load machine's own state, sampled with the participants: how busy its
 * cores are, and how late the tool's event loop runs (bots send and receive
 * on it). A saturated load machine makes a run inconclusive (verdicts.ts).
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoadSample } from './report.js';

/** Busy and total CPU time over all cores, in ms, since boot. */
function cpuTimes(): { busy: number; total: number } {
	let busy = 0;
	let total = 0;
	for (const { times } of os.cpus()) {
		const all = times.user + times.nice + times.sys + times.irq + times.idle;
		total += all;
		busy += all - times.idle;
	}
	return { busy, total };
}

export class LoadMachine {
	readonly samples: LoadSample[] = [];
	#previous = cpuTimes();
	readonly #delay = monitorEventLoopDelay({ resolution: 10 });

	constructor(readonly name = 'this machine') {
		this.#delay.enable();
	}

	/** Records the CPU used and the loop's delay since the last sample, at `t` ms into the run. */
	sample(t: number): void {
		const now = cpuTimes();
		const total = now.total - this.#previous.total;
		// Too short an interval to say anything: the next sample covers it.
		if (total <= 0) return;
		this.samples.push({ machine: this.name, t, cpu: Math.min(1, Math.max(0, (now.busy - this.#previous.busy) / total)), eventLoopP99Ms: this.#delay.percentile(99) / 1e6 });
		this.#previous = now;
		this.#delay.reset();
	}

	close(): void {
		this.#delay.disable();
	}
}
