/**
 * The run's verdicts and its outcome, so that a load test can gate a deployment.
 *
 * Built-in verdicts always apply: every participant joined (or at most
 * `--max-failed-joins` did not), all were still in the room at the end, and
 * the server answered every scrape of /metrics. Thresholds from the command
 * line come on top (`--min-fps 12 --max-join-p95 3s`). A figure that was not
 * measured fails: no data is never a pass.
 *
 * A load machine too busy to do its part (its CPU at 90 % or more for over a
 * fifth of the steady phase) makes the run inconclusive: its media figures
 * say more about the load machine than about the server, so no threshold
 * counts against the server. A built-in failure still fails the run.
 */
import type { KindFigures, LoadSample, Outcome, Report, ScrapeLog, Summary, Unit, Verdict } from './report.js';

interface Threshold {
	/** Whether the limit is a most (a bigger actual value is worse). */
	max: boolean;
	unit: Unit;
	/** The figure for each kind it applies to (browsers and bots are judged apart), or for the run. */
	read: (summary: Summary) => { what: string; value: number | null }[];
}

/** The figure of each kind that took part (a kind with no participants is not judged). */
const perKind = (what: string, read: (figures: KindFigures) => { value: number; n: number } | null) => (summary: Summary) =>
	(['browsers', 'bots'] as const).filter((kind) => summary[kind].target > 0).map((kind) => {
		const figure = read(summary[kind]);
		return { what: `${what} (${kind}${figure ? `, ${figure.n} values` : ''})`, value: figure?.value ?? null };
	});
const single = (what: string, read: (summary: Summary) => number | null) => (summary: Summary) => [{ what, value: read(summary) }];

export const THRESHOLDS: Record<string, Threshold> = {
	'min-fps': { max: false, unit: 'fps', read: single('tile fps median (browsers)', (summary) => summary.fps?.median ?? null) },
	'min-fps-p5': { max: false, unit: 'fps', read: single('tile fps, worst 5 % (browsers)', (summary) => summary.fps?.p5 ?? null) },
	'max-freeze-ratio': { max: true, unit: 'ratio', read: single('tile time frozen (browsers)', (summary) => summary.freezeRatio) },
	'max-join-p95': { max: true, unit: 'ms', read: perKind('join p95', ({ joinMs }) => joinMs && { value: joinMs.p95, n: joinMs.n }) },
	'max-first-frame-p95': { max: true, unit: 'ms', read: single('first frame p95 (browsers)', (summary) => summary.firstFrameMs?.p95 ?? null) },
	'max-loss': { max: true, unit: 'ratio', read: perKind('packet loss median', ({ loss }) => loss && { value: loss.median, n: loss.n }) },
	'max-rtt-p95': { max: true, unit: 'ms', read: perKind('round-trip p95', ({ rttMs }) => rttMs && { value: rttMs.p95, n: rttMs.n }) },
	'max-server-cpu': { max: true, unit: 'core-percent', read: single('server workers\' CPU, peak', (summary) => (summary.serverCpuPeak === null ? null : summary.serverCpuPeak * 100)) },
};
/** Not a threshold of its own: the limit of the built-in "every participant joined" verdict. */
export const MAX_FAILED_JOINS = 'max-failed-joins';
export const THRESHOLD_OPTIONS = [...Object.keys(THRESHOLDS), MAX_FAILED_JOINS];

/** Milliseconds from `3s`, `250ms` or `2m`; undefined for anything else, a bare number included (3 would be 3 ms or 3 s?). */
export function parseDuration(raw: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(raw.trim());
	if (!match) return undefined;
	return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

/** A threshold's value in its unit: a duration needs its unit (`3s`, `250ms`), a share may be `2%` or `0.02`. */
export function parseThreshold(name: string, raw: string): number {
	if (name === MAX_FAILED_JOINS) {
		if (!/^\d+$/.test(raw.trim())) throw new Error(`--${name} needs a whole number, not "${raw}"`);
		return Number(raw);
	}
	const threshold = THRESHOLDS[name];
	if (!threshold) throw new Error(`unknown threshold --${name}; known: ${THRESHOLD_OPTIONS.map((known) => `--${known}`).join(', ')}`);
	const text = raw.trim();
	if (threshold.unit === 'ms') {
		const ms = parseDuration(text);
		if (ms === undefined) throw new Error(`--${name} needs a duration with its unit, such as 3s or 250ms, not "${raw}"`);
		return ms;
	}
	if (threshold.unit === 'ratio') {
		const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
		const value = percent ? Number(percent[1]) / 100 : /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : NaN;
		if (!(value >= 0 && value <= 1)) throw new Error(`--${name} needs a share such as 2% or 0.02, not "${raw}"`);
		return value;
	}
	if (!/^\d+(?:\.\d+)?$/.test(text)) throw new Error(`--${name} needs a number${threshold.unit === 'core-percent' ? ' (percent of one core)' : ''}, not "${raw}"`);
	return Number(text);
}

/** A figure with its unit: `250 ms`, `3 s`, `1.20 %`, `12.5 fps`. */
export function formatValue(value: number, unit: Unit): string {
	switch (unit) {
		case 'ms': return value >= 1000 ? `${Number((value / 1000).toFixed(2))} s` : `${Math.round(value)} ms`;
		case 'ratio': return `${Number((value * 100).toFixed(2))} %`;
		case 'fps': return `${value.toFixed(1)} fps`;
		case 'core-percent': return `${Math.round(value)} % of a core`;
		case 'count': return String(value);
	}
}

/** One line per verdict: `join p95 (browsers, 4 values) 2.1 s ≤ 3 s: pass`. */
export function verdictLine({ name, limit, max, unit, actual, pass, detail }: Verdict, counted = true): string {
	const figure = actual === null ? 'not measured' : formatValue(actual, unit);
	const result = pass ? 'pass' : counted ? 'FAIL' : 'fail, not counted (run inconclusive)';
	return `${name} ${figure} ${max ? '≤' : '≥'} ${formatValue(limit, unit)}: ${result}${detail ? ` (${detail})` : ''}`;
}

/** The thresholds given on the command line, each for every kind it applies to. */
export function judge(summary: Summary, limits: Record<string, number>): Verdict[] {
	return Object.entries(limits).filter(([name]) => name !== MAX_FAILED_JOINS).flatMap(([name, limit]) => {
		const threshold = THRESHOLDS[name]!;
		const figures = threshold.read(summary);
		// Nothing of the kind it judges took part: still a verdict, and a failing one.
		const judged = figures.length ? figures : [{ what: `--${name}`, value: null }];
		return judged.map(({ what, value }): Verdict => ({
			name: what, kind: 'threshold', option: `--${name}`, limit, max: threshold.max, unit: threshold.unit, actual: value,
			pass: value !== null && Number.isFinite(value) && (threshold.max ? value <= limit : value >= limit),
		}));
	});
}

/** The verdicts that always apply: every participant joined and stayed, and the server answered throughout. */
export function builtInVerdicts(summary: Summary, scrapes: ScrapeLog, maxFailedJoins = 0): Verdict[] {
	const gaps = silences(scrapes);
	return [
		{
			name: `participants joined (${summary.joined} of ${summary.target}), failed`, kind: 'built-in', limit: maxFailedJoins, max: true, unit: 'count',
			actual: summary.failed, pass: summary.joined > 0 && summary.failed <= maxFailedJoins,
			...(summary.joined === 0 ? { detail: 'nobody joined: the run made no load' } : {}),
		},
		...(summary.churn ? [{
			name: `rejoins after churn that failed (of ${summary.churn.leaves} leaves)`, kind: 'built-in' as const, limit: 0, max: true, unit: 'count' as const,
			actual: summary.churn.failed, pass: summary.churn.failed === 0,
		}] : []),
		{ name: 'participants out of the room at the end', kind: 'built-in', limit: 0, max: true, unit: 'count', actual: summary.dropped, pass: summary.dropped === 0 },
		{
			name: `server scrapes unanswered (of ${scrapes.asked})`, kind: 'built-in', limit: 0, max: true, unit: 'count',
			actual: scrapes.asked - scrapes.answered, pass: scrapes.answered > 0 && scrapes.answered === scrapes.asked,
			...(scrapes.answered === 0 ? { detail: 'the server never answered' } : gaps ? { detail: gaps } : {}),
		},
	];
}

/** The stretches without an answer, in words: `no answer from 12 s to 28 s (connect ECONNREFUSED)`. */
function silences({ failures }: ScrapeLog): string | undefined {
	if (failures.length === 0) return undefined;
	const first = failures[0]!;
	const last = failures.at(-1)!;
	return `no answer ${failures.length === 1 ? `at ${(first.t / 1000).toFixed(0)} s` : `between ${(first.t / 1000).toFixed(0)} s and ${(last.t / 1000).toFixed(0)} s`}: ${last.error}`;
}

/** Share of the steady phase's samples at which the load machine's CPU was at or above this. */
export const SATURATED_CPU = 0.9;
/** More than this share of saturated samples makes the run inconclusive. */
export const SATURATED_SHARE = 0.2;

/**
 * Whether each load machine (this one, and each agent) had room to do its part in the steady phase. A
 * machine not sampled then (a run stopped during the ramp, an agent that did not answer) is not a pass.
 */
export function loadVerdicts(load: LoadSample[], steadyFromMs: number | null): Verdict[] {
	const machines = [...new Set(['this machine', ...load.map(({ machine }) => machine)])];
	return machines.map((machine): Verdict => {
		const steady = steadyFromMs === null ? [] : load.filter((sample) => sample.machine === machine && sample.t >= steadyFromMs);
		const share = steady.length ? steady.filter(({ cpu }) => cpu >= SATURATED_CPU).length / steady.length : null;
		const delays = steady.map(({ eventLoopP99Ms }) => eventLoopP99Ms);
		return {
			name: `load machine ${machine}: steady-phase samples with CPU ≥ ${SATURATED_CPU * 100} % (${steady.length} samples)`, kind: 'load',
			limit: SATURATED_SHARE, max: true, unit: 'ratio', actual: share, pass: share !== null && share <= SATURATED_SHARE,
			...(delays.length ? { detail: `its load tool's event loop delay p99 peaked at ${Math.round(Math.max(...delays))} ms` } : {}),
		};
	});
}

/**
 * The outcome from every verdict: a built-in failure fails the run; else a saturated load machine makes it
 * inconclusive (no threshold counts); else any failed threshold fails it. The reasons say which, in words.
 */
export function outcomeOf(verdicts: Verdict[]): { outcome: Outcome; reasons: string[] } {
	const failed = (kind: Verdict['kind']) => verdicts.filter((verdict) => verdict.kind === kind && !verdict.pass);
	if (failed('built-in').length) return { outcome: 'fail', reasons: failed('built-in').map((verdict) => verdictLine(verdict)) };
	if (failed('load').length) {
		return { outcome: 'inconclusive', reasons: [...failed('load').map((verdict) => `${verdictLine(verdict)}: a load machine, not the server, limited this run`)] };
	}
	if (failed('threshold').length) return { outcome: 'fail', reasons: failed('threshold').map((verdict) => verdictLine(verdict)) };
	return { outcome: 'pass', reasons: [] };
}

/** The exit code of each outcome. */
export const EXIT_CODE: Record<Outcome, number> = { pass: 0, fail: 1, inconclusive: 3 };

/** Every verdict of a report, and its outcome, from what it recorded. */
export function verdictsOf(report: Pick<Report, 'summary' | 'scrapes' | 'load' | 'steadyFromMs'>, limits: Record<string, number>):
	{ verdicts: Verdict[]; outcome: Outcome; reasons: string[] } {
	const verdicts = [
		...builtInVerdicts(report.summary, report.scrapes, limits[MAX_FAILED_JOINS]),
		...loadVerdicts(report.load, report.steadyFromMs),
		...judge(report.summary, limits),
	];
	return { verdicts, ...outcomeOf(verdicts) };
}
