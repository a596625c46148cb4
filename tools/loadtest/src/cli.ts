/**
 * rooms-loadtest: load-test a room with real browsers and bots. Every command,
 * option and default is in `usage.ts` (`rooms-loadtest --help`).
 *
 * Exits 0 when the run passed, 1 when a verdict failed, 2 when the run could
 * not be made, 3 when it was inconclusive (the load machine was saturated).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { endProgress, progress } from './measure.js';
import { BrowserAgent } from './agent.js';
import { renderHtml } from './htmlReport.js';
import { parseChurnRate } from './churn.js';
import { parseNetwork } from './network.js';
import { LoadTest } from './LoadTest.js';
import { preflight } from './serverWatch.js';
import { mergeReports } from './merge.js';
import type { Report } from './report.js';
import { USAGE } from './usage.js';
import { WAITING_FOR_HOST } from './BrowserParticipant.js';
import { EXIT_CODE, THRESHOLD_OPTIONS, parseDuration, parseThreshold, verdictLine } from './verdicts.js';

const thresholdOptions = Object.fromEntries(THRESHOLD_OPTIONS.map((name) => [name, { type: 'string' as const }]));
/** The command line; throws, with Node's plain message, on an option it does not know. */
function parse() {
	return parseArgs({
		allowPositionals: true,
		options: {
			participants: { type: 'string', default: '4' },
			'per-browser': { type: 'string', default: '2' },
			ramp: { type: 'string', default: '1' },
			duration: { type: 'string', default: '60' },
			camera: { type: 'string', default: '1' },
			microphone: { type: 'string', default: '0.2' },
			layout: { type: 'string', default: 'grid' },
			bots: { type: 'string', default: '0' },
			app: { type: 'string', default: process.env.ROOMS_LOADTEST_APP },
			'app-secret': { type: 'string', default: process.env.ROOMS_LOADTEST_APP_SECRET },
			'app-user': { type: 'string', default: process.env.ROOMS_LOADTEST_APP_USER },
			browsers: { type: 'string', default: '' },
			shard: { type: 'string', default: '1/1' },
			out: { type: 'string', default: 'loadtest-results' },
			'metrics-token': { type: 'string', default: process.env.ROOMS_METRICS_TOKEN },
			'join-timeout': { type: 'string', default: '30s' },
			listen: { type: 'string', default: '127.0.0.1:4000' },
			token: { type: 'string', default: process.env.ROOMS_LOADTEST_AGENT_TOKEN },
			'run-id': { type: 'string' },
			rooms: { type: 'string' },
			churn: { type: 'string' },
			network: { type: 'string' },
			'max-browsers': { type: 'string', default: '16' },
			force: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' },
			...thresholdOptions,
		},
	});
}
type Values = ReturnType<typeof parse>['values'];

function fraction(name: string, raw: string): number {
	const value = Number(raw);
	if (!(value >= 0 && value <= 1)) throw new Error(`--${name} is a fraction from 0 to 1, not "${raw}"`);
	return value;
}

function count(name: string, raw: string, min = 0): number {
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min) throw new Error(`--${name} is a whole number of at least ${min}, not "${raw}"`);
	return value;
}

function rate(name: string, raw: string): number {
	const value = Number(raw);
	if (!(value > 0 && Number.isFinite(value))) throw new Error(`--${name} is a number of joins per second above 0, not "${raw}"`);
	return value;
}

function duration(name: string, raw: string): number {
	const ms = parseDuration(raw);
	if (ms === undefined) throw new Error(`--${name} is a duration such as 30s or 500ms, not "${raw}"`);
	return ms;
}

function thresholds(values: Values): Record<string, number> {
	const given: Record<string, number> = {};
	for (const name of THRESHOLD_OPTIONS) {
		const raw = (values as Record<string, unknown>)[name];
		if (typeof raw === 'string') given[name] = parseThreshold(name, raw);
	}
	return given;
}

/** Writes report.json and report.html where the run's results go; returns the folder. */
function write(report: Report, outDir: string): string {
	const dir = path.join(outDir, report.startedAt.replace(/[:.]/g, '-'));
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'report.json'), `${JSON.stringify(report, null, '\t')}\n`);
	fs.writeFileSync(path.join(dir, 'report.html'), renderHtml(report));
	return dir;
}

/** The outcome first, then every verdict with its unit; thresholds of an inconclusive run are marked as not counted. */
function verdictLines(report: Report): string[] {
	const counted = report.outcome !== 'inconclusive';
	return [
		`${report.outcome.toUpperCase()}${report.reasons.length ? `: ${report.reasons.join('; ')}` : ''}`,
		...report.verdicts.map((verdict) => verdictLine(verdict, counted || verdict.kind !== 'threshold')),
	];
}

/** What to do about a failure, where the code alone does not say. */
const FAILURE_HINTS: Record<string, string> = {
	[WAITING_FOR_HOST]: 'waiting for the host: create load rooms with waitForHost false, or pass a host link',
	ROOM_LOCKED: 'the room is locked: unlock it, or let the load test in',
	ROOM_FULL: 'the room is full: raise its maxParticipants, or load it with fewer',
};

/**
 * The first Ctrl-C (or SIGTERM) asks the tool to finish what it was doing and
 * stop; a second one quits at once, for when finishing hangs.
 */
function onInterrupt(finish: () => void): void {
	let finishing = false;
	const handle = (signal: NodeJS.Signals) => {
		if (finishing) process.exit(128 + os.constants.signals[signal]);
		finishing = true;
		endProgress();
		console.log(`[loadtest] ${signal}: finishing (again to quit at once)`);
		finish();
	};
	process.on('SIGINT', handle);
	process.on('SIGTERM', handle);
}

async function main(): Promise<number> {
	const { values, positionals } = parse();
	if (values.help) {
		console.log(USAGE);
		return 0;
	}
	const [command, ...rest] = positionals;
	if (command === 'agent') {
		const agent = await BrowserAgent.start({ listen: values.listen, maxBrowsers: count('max-browsers', values['max-browsers'], 1), ...(values.token ? { token: values.token } : {}) });
		if (!agent.loopbackOnly) {
			console.warn(`[loadtest] warning: listening on ${values.listen}, beyond this machine. Anyone who learns the endpoint below drives a `
				+ 'browser here; reach agents over an SSH tunnel, or keep the port behind a firewall on a private network (README, "Load testing").');
		}
		console.log(`[loadtest] agent serving Chromium at ${agent.endpoint} (give it to --browsers; Ctrl-C stops it)`);
		await new Promise<void>((resolve) => onInterrupt(resolve));
		await agent.close();
		return 0;
	}
	if (command === 'merge') {
		const report = mergeReports(rest.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as Report), thresholds(values), values.force);
		console.log(`[loadtest] merged ${rest.length} shards: ${write(report, values.out)}`);
		for (const line of verdictLines(report)) console.log(`[loadtest] ${line}`);
		return EXIT_CODE[report.outcome];
	}
	if (!command || !URL.canParse(command)) throw new Error('give the invite link of the room to load, or `agent`, or `merge`');
	if (values.layout !== 'grid' && values.layout !== 'speaker') throw new Error(`--layout is grid or speaker, not "${values.layout}"`);
	const participants = count('participants', values.participants);
	const bots = count('bots', values.bots);
	if (participants + bots === 0) throw new Error('--participants and --bots are both 0: the run would make no load');
	const [shardIndex, shardCount] = values.shard.split('/').map(Number);
	if (!shardIndex || !shardCount || shardIndex > shardCount) throw new Error(`--shard is i/n, such as 2/3, not "${values.shard}"`);
	const rooms = values.rooms === undefined ? undefined : count('rooms', values.rooms, 1);
	const churnPerMinute = values.churn === undefined ? undefined : parseChurnRate(values.churn);
	if (values.churn !== undefined && churnPerMinute === undefined) throw new Error(`--churn is a rate with its unit, such as 6/min or 0.1/s, not "${values.churn}"`);
	// Each shard would make rooms of its own: shards of one run must load the same rooms.
	if (rooms !== undefined && shardCount > 1) throw new Error('--rooms cannot be sharded (each shard would make its own rooms): make the rooms first and shard over each one\'s link');
	const app = values.app && values['app-secret'] && values['app-user']
		? { id: values.app, secret: values['app-secret'], userId: values['app-user'], userName: 'Load test' } : undefined;
	const test = new LoadTest({
		inviteUrl: command,
		participants,
		perBrowser: count('per-browser', values['per-browser'], 1),
		ramp: rate('ramp', values.ramp),
		durationSeconds: count('duration', values.duration, 1),
		camera: fraction('camera', values.camera),
		microphone: fraction('microphone', values.microphone),
		layout: values.layout,
		browsers: values.browsers.split(',').map((endpoint) => endpoint.trim()).filter(Boolean),
		bots,
		...(app ? { app } : {}),
		shard: { index: shardIndex, count: shardCount },
		...(values['metrics-token'] ? { metricsToken: values['metrics-token'] } : {}),
		thresholds: thresholds(values),
		joinTimeoutMs: duration('join-timeout', values['join-timeout']),
		...(values['run-id'] ? { runId: values['run-id'] } : {}),
		...(rooms !== undefined ? { rooms } : {}),
		...(churnPerMinute !== undefined ? { churnPerMinute } : {}),
		...(values.network !== undefined ? { network: parseNetwork(values.network) } : {}),
		progress: (line) => progress(line, 'loadtest'),
	});
	// An unreachable server, a link to no room, or a /metrics that wants a token: said at once, in one line, before any browser starts.
	await preflight(command, values['metrics-token'], rooms === undefined);
	// Ctrl-C ends the run early; the report is still written.
	onInterrupt(() => test.stop());
	const report = await test.run();
	endProgress();
	console.log(`[loadtest] report.json and report.html in ${write(report, values.out)}`);
	const { summary } = report;
	const failures = Object.entries(summary.failuresByReason).map(([reason, n]) => `${n} ${FAILURE_HINTS[reason] ?? reason}`);
	console.log(`[loadtest] joined ${summary.joined} of ${summary.target} (browsers ${summary.browsers.joined} of ${summary.browsers.target}, `
		+ `bots ${summary.bots.joined} of ${summary.bots.target}), failed ${summary.failed}${failures.length ? ` (${failures.join('; ')})` : ''}, `
		+ `out of the room at the end ${summary.dropped}; fps median ${summary.fps?.median.toFixed(1) ?? '-'}, worst 5 % ${summary.fps?.p5.toFixed(1) ?? '-'}; `
		+ `frozen ${summary.freezeRatio === null ? 'not measured' : `${(summary.freezeRatio * 100).toFixed(2)} %`}`);
	if (summary.sentHeight && summary.sentFps) {
		const held = Object.entries(summary.sentLimitations).filter(([reason]) => reason !== 'none').map(([reason, n]) => `${reason} ${n}`);
		console.log(`[loadtest] browsers' cameras sent a median ${summary.sentHeight.median} px at ${summary.sentFps.median.toFixed(0)} fps`
			+ `${held.length ? `; held back in samples by ${held.join(', ')}` : ', never held back'}`);
	}
	for (const line of verdictLines(report)) console.log(`[loadtest] ${line}`);
	return EXIT_CODE[report.outcome];
}

main().then((code) => process.exit(code), (error: Error) => {
	console.error(`[loadtest] ${error.message} (rooms-loadtest --help lists the options)`);
	process.exit(2);
});
