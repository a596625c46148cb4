/** What the benchmarks measure with besides the load tool's own measures (percentiles, /metrics, progress): process CPU from /proc. */
import fs from 'node:fs';

/** A process's CPU time so far (user + system), in seconds. */
export function cpuSeconds(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	// utime and stime, fields 14 and 15 of /proc/pid/stat, in clock ticks (100 per second on Linux).
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The mediasoup workers a server process has started. */
export function workerPids(serverPid: number): number[] {
	return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').trim();
			const [, comm, rest] = stat.match(/^\d+ \((.*)\) (.*)$/)!;
			const ppid = Number(rest!.split(' ')[1]);
			return ppid === serverPid && comm!.startsWith('mediasoup-work') ? [Number(entry)] : [];
		} catch {
			return [];
		}
	});
}

/** CPU used by each of some processes between start() and stop(), as % of one core. */
export class CpuMeter {
	#start = new Map<number, number>();
	#wallStart = 0;

	constructor(readonly pids: number[]) {}

	start(): void {
		this.#wallStart = performance.now();
		this.#start = new Map(this.pids.map((pid) => [pid, cpuSeconds(pid)]));
	}

	/** % of one core per process, in the order of `pids`. */
	stop(): number[] {
		const wall = (performance.now() - this.#wallStart) / 1000;
		return this.pids.map((pid) => ((cpuSeconds(pid) - this.#start.get(pid)!) / wall) * 100);
	}
}

/** Linux reports process times in clock ticks of 1/100 s. */
export const TICKS_PER_SECOND = 100;

/** User + system CPU ticks of this process's Chromium descendants (not the server's mediasoup worker). */
export function chromiumTicks(rootPid = process.pid): number {
	const parents = new Map<number, number>();
	const ticks = new Map<number, number>();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// Fields after the command name, which is in parentheses and may hold spaces.
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			parents.set(Number(entry), Number(fields[1]));
			if (/chrom/i.test(command)) ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
		} catch {
			// The process ended while we looked.
		}
	}
	let total = 0;
	for (const [pid, own] of ticks) {
		for (let cursor: number | undefined = pid; cursor && cursor > 1; cursor = parents.get(cursor)) {
			if (cursor === rootPid) {
				total += own;
				break;
			}
		}
	}
	return total;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
