/**
 * Thresholds from the command line, judged against the summary: any that
 * fails makes the tool exit non-zero, so a load test can gate a deployment.
 *
 *   --min-fps 12 --max-freeze-ratio 0.01 --max-join-p95 3s --max-failed-joins 0
 */
import type { Summary, Verdict } from './report.js';

interface Threshold {
	/** Whether a bigger actual value is worse. */
	max: boolean;
	read: (summary: Summary) => number | null;
	/** The unit the value is given in, for durations. */
	duration?: boolean;
}

export const THRESHOLDS: Record<string, Threshold> = {
	'min-fps': { max: false, read: (summary) => summary.fps?.median ?? null },
	'min-fps-p5': { max: false, read: (summary) => summary.fps?.p5 ?? null },
	'max-freeze-ratio': { max: true, read: (summary) => summary.freezeRatio },
	'max-join-p95': { max: true, read: (summary) => summary.joinMs?.p95 ?? null, duration: true },
	'max-first-frame-p95': { max: true, read: (summary) => summary.firstFrameMs?.p95 ?? null, duration: true },
	'max-failed-joins': { max: true, read: (summary) => summary.failed },
	'max-loss': { max: true, read: (summary) => summary.loss?.median ?? null },
	'max-rtt-p95': { max: true, read: (summary) => summary.rttMs?.p95 ?? null, duration: true },
	'max-server-cpu': { max: true, read: (summary) => summary.serverCpuPeak },
};

/** Milliseconds from `3s`, `250ms` or a bare number of milliseconds; undefined when it is none of these. */
export function parseDuration(raw: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(raw.trim());
	return match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : undefined;
}

/** A threshold's value: a number, or for durations `3s`, `250ms` (milliseconds without a unit). */
export function parseThreshold(name: string, raw: string): number {
	const threshold = THRESHOLDS[name];
	if (!threshold) throw new Error(`unknown threshold --${name}; known: ${Object.keys(THRESHOLDS).map((known) => `--${known}`).join(', ')}`);
	const value = threshold.duration ? parseDuration(raw) : /^\d+(?:\.\d+)?$/.test(raw.trim()) ? Number(raw) : undefined;
	if (value === undefined) throw new Error(`--${name} needs ${threshold.duration ? 'a duration such as 3s or 250ms' : 'a number'}, not "${raw}"`);
	return value;
}

/** Judges each given threshold; a figure the run could not measure fails (no data is not a pass). */
export function judge(summary: Summary, limits: Record<string, number>): Verdict[] {
	return Object.entries(limits).map(([name, limit]) => {
		const threshold = THRESHOLDS[name]!;
		const actual = threshold.read(summary);
		const pass = actual !== null && Number.isFinite(actual) && (threshold.max ? actual <= limit : actual >= limit);
		return { name: `--${name}`, limit, actual, pass };
	});
}
