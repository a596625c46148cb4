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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
