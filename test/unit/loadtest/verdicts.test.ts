import { describe, expect, it } from 'vitest';
import { summarize } from '../../../tools/loadtest/src/summary.js';
import { judge, parseThreshold } from '../../../tools/loadtest/src/verdicts.js';

const summary = { ...summarize([], [], 2), fps: { median: 14, p5: 6 }, freezeRatio: 0.02, joinMs: { p50: 900, p95: 2500 }, failed: 1 };

describe('verdicts', () => {
	it('reads numbers and durations (3s, 250ms, bare milliseconds) and refuses the rest with a clear message', () => {
		expect(parseThreshold('min-fps', '12')).toBe(12);
		expect(parseThreshold('max-join-p95', '3s')).toBe(3000);
		expect(parseThreshold('max-join-p95', '250ms')).toBe(250);
		expect(parseThreshold('max-join-p95', '1500')).toBe(1500);
		expect(() => parseThreshold('min-fps', '12s')).toThrow(/--min-fps needs a number/);
		expect(() => parseThreshold('max-join-p95', 'soon')).toThrow(/duration/);
		expect(() => parseThreshold('max-wobble', '1')).toThrow(/unknown threshold --max-wobble; known: --min-fps/);
	});

	it('passes what is within its limit, fails what is not, both ways', () => {
		const verdicts = judge(summary, { 'min-fps': 12, 'max-freeze-ratio': 0.01, 'max-join-p95': 3000, 'max-failed-joins': 0 });
		expect(verdicts).toEqual([
			{ name: '--min-fps', limit: 12, actual: 14, pass: true },
			{ name: '--max-freeze-ratio', limit: 0.01, actual: 0.02, pass: false },
			{ name: '--max-join-p95', limit: 3000, actual: 2500, pass: true },
			{ name: '--max-failed-joins', limit: 0, actual: 1, pass: false },
		]);
	});

	it('fails a threshold the run could not measure: no data is not a pass', () => {
		expect(judge({ ...summary, rttMs: null }, { 'max-rtt-p95': 200 })).toEqual([{ name: '--max-rtt-p95', limit: 200, actual: null, pass: false }]);
	});
});
