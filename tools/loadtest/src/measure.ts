/** Percentiles, the server's Prometheus metrics, and a progress line: what the load tool and the benchmarks measure with. */

/**
 * The nearest-rank percentile, rank rounded up: the smallest value with at
 * least `p` of the values at or below it. Never an interpolation, and never
 * the rank below: with 22 joins, p95 is the 21st, not the 20th.
 */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]!;
}

export function median(values: number[]): number {
	return percentile(values, 0.5);
}

/** The server's Prometheus metrics: `name{labels}` → value. */
export async function scrapeMetrics(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Map<string, number>> {
	const response = await fetch(`${url}/metrics`, { headers, signal: AbortSignal.timeout(timeoutMs) });
	if (response.status === 401 || response.status === 403) throw new Error(`/metrics answered ${response.status}: give the server's metrics token (--metrics-token or ROOMS_METRICS_TOKEN)`);
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
