/** What the benchmarks measure with: process CPU from /proc, percentiles, the server's /metrics, a progress line. */
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

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

export function median(values: number[]): number {
	return percentile(values, 0.5);
}

/** The server's Prometheus metrics: `name{labels}` → value. */
export async function scrapeMetrics(url: string, headers: Record<string, string> = {}): Promise<Map<string, number>> {
	const response = await fetch(`${url}/metrics`, { headers });
	if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
	const text = await response.text();
	const values = new Map<string, number>();
	for (const line of text.split('\n')) {
		if (line.startsWith('#') || !line.trim()) continue;
		const space = line.lastIndexOf(' ');
		values.set(line.slice(0, space), Number(line.slice(space + 1)));
	}
	return values;
}

/** Sum of a metric over all its label sets. */
export function metricSum(metrics: Map<string, number>, name: string): number {
	let sum = 0;
	for (const [key, value] of metrics) if (key === name || key.startsWith(`${name}{`)) sum += value;
	return sum;
}

/** One line that rewrites itself on a terminal, and plain lines elsewhere (CI logs). */
export function progress(message: string, tag = 'bench'): void {
	if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K[${tag}] ${message}`);
	else console.log(`[${tag}] ${message}`);
}

export function endProgress(): void {
	if (process.stdout.isTTY) process.stdout.write('\n');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
