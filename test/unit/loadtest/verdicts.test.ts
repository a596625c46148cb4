import { describe, expect, it } from 'vitest';
import type { LoadSample, ScrapeLog, Summary } from '../../../tools/loadtest/src/report.js';
import { summarize } from '../../../tools/loadtest/src/summary.js';
import { builtInVerdicts, judge, loadVerdicts, parseThreshold, verdictLine, verdictsOf } from '../../../tools/loadtest/src/verdicts.js';

const base = summarize([], [], { browsers: 2, bots: 0 });
const summary: Summary = {
	...base, joined: 2, failed: 0, fps: { median: 14, p5: 6, n: 40 }, freezeRatio: 0.02,
	browsers: { ...base.browsers, joined: 2, joinMs: { median: 900, p95: 2500, n: 2 } },
};
const answered: ScrapeLog = { asked: 30, answered: 30, failures: [] };
/** A steady phase from 10 s, sampled each second at the given CPU. */
const load = (cpus: number[], machine = 'this machine'): LoadSample[] => cpus.map((cpu, i) => ({ machine, t: 10_000 + i * 1000, cpu, eventLoopP99Ms: 20 }));

describe('thresholds', () => {
	it('read durations only with their unit, shares as 2% or 0.02, and refuse the rest with a clear message', () => {
		expect(parseThreshold('min-fps', '12')).toBe(12);
		expect(parseThreshold('max-join-p95', '3s')).toBe(3000);
		expect(parseThreshold('max-join-p95', '250ms')).toBe(250);
		expect(parseThreshold('max-loss', '2%')).toBe(0.02);
		expect(parseThreshold('max-loss', '0.02')).toBe(0.02);
		expect(parseThreshold('max-failed-joins', '3')).toBe(3);
		// Would 3 be 3 ms or 3 s? Neither is guessed.
		expect(() => parseThreshold('max-join-p95', '3')).toThrow(/--max-join-p95 needs a duration with its unit, such as 3s or 250ms, not "3"/);
		expect(() => parseThreshold('min-fps', '12s')).toThrow(/--min-fps needs a number/);
		expect(() => parseThreshold('max-loss', '150%')).toThrow(/share such as 2% or 0.02/);
		expect(() => parseThreshold('max-wobble', '1')).toThrow(/unknown threshold --max-wobble; known: --min-fps/);
	});

	it('pass what is within the limit, fail what is not, both ways, and print with units', () => {
		const verdicts = judge(summary, { 'min-fps': 12, 'max-freeze-ratio': 0.01, 'max-join-p95': 3000 });
		expect(verdicts.map(({ name, pass }) => [name, pass])).toEqual([
			['tile fps median (browsers)', true],
			['tile time frozen (browsers)', false],
			['join p95 (browsers, 2 values)', true],
		]);
		expect(verdicts.map((verdict) => verdictLine(verdict))).toEqual([
			'tile fps median (browsers) 14.0 fps ≥ 12.0 fps: pass',
			'tile time frozen (browsers) 2 % ≤ 1 %: FAIL',
			'join p95 (browsers, 2 values) 2.5 s ≤ 3 s: pass',
		]);
	});

	it('judge browsers and bots apart, each kind that took part', () => {
		const mixed: Summary = { ...summary, bots: { ...base.bots, target: 20, joined: 20, joinMs: { median: 100, p95: 120, n: 20 } } };
		expect(judge(mixed, { 'max-join-p95': parseThreshold('max-join-p95', '2s') }).map((verdict) => verdictLine(verdict))).toEqual([
			'join p95 (browsers, 2 values) 2.5 s ≤ 2 s: FAIL',
			'join p95 (bots, 20 values) 120 ms ≤ 2 s: pass',
		]);
	});

	it('fail a figure the run could not measure, the freeze ratio of a run without tiles included: no data is not a pass', () => {
		expect(judge({ ...summary, browsers: { ...summary.browsers, rttMs: null } }, { 'max-rtt-p95': 200 })).toMatchObject([{ actual: null, pass: false }]);
		expect(judge({ ...summary, fps: null, freezeRatio: null }, { 'max-freeze-ratio': 0.01 })).toMatchObject([{ actual: null, pass: false }]);
		// The server's CPU is judged in percent of a core, as given.
		expect(judge({ ...summary, serverCpuPeak: 0.8 }, { 'max-server-cpu': 50 })).toMatchObject([{ actual: 80, pass: false }]);
	});
});

describe('built-in verdicts', () => {
	it('pass a run where everyone joined, stayed, and the server answered every scrape', () => {
		expect(builtInVerdicts(summary, answered).every(({ pass }) => pass)).toBe(true);
	});

	it('fail a run where nobody joined, even with no failures counted', () => {
		const verdict = builtInVerdicts({ ...summary, joined: 0, failed: 0 }, answered)[0]!;
		expect(verdict.pass).toBe(false);
		expect(verdictLine(verdict)).toMatch(/nobody joined: the run made no load/);
	});

	it('allow --max-failed-joins failures, and fail one more', () => {
		expect(builtInVerdicts({ ...summary, failed: 2 }, answered, 2)[0]!.pass).toBe(true);
		expect(builtInVerdicts({ ...summary, failed: 3 }, answered, 2)[0]!.pass).toBe(false);
	});

	it('fail participants out of the room at the end, and a server that stopped answering, saying when', () => {
		const [, stayed, server] = builtInVerdicts({ ...summary, dropped: 1 },
			{ asked: 14, answered: 6, failures: Array.from({ length: 8 }, (_, i) => ({ t: 12_000 + i * 2000, error: 'connect ECONNREFUSED 127.0.0.1:3000' })) });
		expect(stayed!.pass).toBe(false);
		expect(verdictLine(server!)).toBe('server scrapes unanswered (of 14) 8 ≤ 0: FAIL (no answer between 12 s and 26 s: connect ECONNREFUSED 127.0.0.1:3000)');
	});
});

describe('the outcome', () => {
	const run = (extra: Partial<{ summary: Summary; scrapes: ScrapeLog; load: LoadSample[] }>, limits: Record<string, number> = {}) =>
		verdictsOf({ summary, scrapes: answered, load: load([0.5, 0.6, 0.5, 0.7, 0.5]), steadyFromMs: 10_000, ...extra }, limits);

	it('passes when every verdict passes', () => {
		expect(run({})).toMatchObject({ outcome: 'pass', reasons: [] });
	});

	it('is inconclusive when the load machine was saturated for over a fifth of the steady phase: thresholds do not count against the server', () => {
		const saturated = run({ load: load([0.95, 0.99, 0.5, 0.5, 0.5]) }, { 'min-fps': 30 });
		expect(saturated.outcome).toBe('inconclusive');
		expect(saturated.reasons[0]).toMatch(/load machine this machine: steady-phase samples with CPU ≥ 90 % \(5 samples\) 40 % ≤ 20 %: FAIL.*a load machine, not the server, limited this run/);
		// One saturated sample in five is within the allowance.
		expect(run({ load: load([0.95, 0.5, 0.5, 0.5, 0.5]) }).outcome).toBe('pass');
		// Not sampled in the steady phase: not a pass.
		expect(loadVerdicts(load([0.95]), 20_000).map(({ pass }) => pass)).toEqual([false]);
	});

	it('judges each load machine: a saturated agent makes the run inconclusive, and so does one never heard from', () => {
		const agent = load([0.99, 0.99, 0.99], '10.0.0.7:4000');
		const verdicts = loadVerdicts([...load([0.3, 0.3, 0.3]), ...agent], 10_000);
		expect(verdicts.map(({ name, pass }) => [name, pass])).toEqual([
			['load machine this machine: steady-phase samples with CPU ≥ 90 % (3 samples)', true],
			['load machine 10.0.0.7:4000: steady-phase samples with CPU ≥ 90 % (3 samples)', false],
		]);
		expect(run({ load: [...load([0.3, 0.3]), ...agent] }).outcome).toBe('inconclusive');
	});

	it('fails on a built-in verdict even on a saturated machine, and on a threshold otherwise', () => {
		expect(run({ scrapes: { asked: 3, answered: 0, failures: [] }, load: load([1, 1, 1]) }).outcome).toBe('fail');
		const slow = run({}, { 'min-fps': 30 });
		expect(slow).toMatchObject({ outcome: 'fail', reasons: ['tile fps median (browsers) 14.0 fps ≥ 30.0 fps: FAIL'] });
	});
});
