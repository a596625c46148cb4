/**
 * The load tool's command line against a real server, bots only: exit codes an
 * operator's pipeline can gate on. Early errors exit 2 at once with one line
 * naming the cause; a run that loses its server mid-run exits 1 and says why.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPORT_VERSION, type ParticipantResult, type Report } from '../../tools/loadtest/src/report.js';
import { summarize } from '../../tools/loadtest/src/summary.js';
import { verdictsOf } from '../../tools/loadtest/src/verdicts.js';
import { appToken, createRoom, freeMediaPort, startServer, TEST_APPS, type TestServer } from '../support/server.js';

const CLI = path.resolve('tools/loadtest/bin.mjs');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-loadtest-cli-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
const APP = ['--app', 'messenger', '--app-secret', TEST_APPS[0]!.secret, '--app-user', 'u-host'];

/** Runs the CLI to its end; `during` runs once it has printed its first progress line. */
function runCli(args: string[], during?: () => Promise<void>): Promise<{ code: number | null; output: string; ms: number }> {
	const started = Date.now();
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [CLI, ...args, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		let acted = false;
		const read = (chunk: Buffer) => {
			output += chunk;
			if (during && !acted && /\[loadtest\] \d+ s: joined/.test(output)) {
				acted = true;
				void during();
			}
		};
		child.stdout.on('data', read);
		child.stderr.on('data', read);
		child.on('exit', (code) => resolve({ code, output, ms: Date.now() - started }));
	});
}

const reportOf = (output: string): Report => {
	const dir = /report\.json and report\.html in (\S+)/.exec(output)![1]!;
	return JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;
};

/** A recorded run on an idle load machine: two browsers at 15 fps, the server answering throughout. */
function recordedRun(runId: string): string {
	const participants: ParticipantResult[] = ['Ana', 'Bo'].map((name) => ({ id: name, kind: 'browser', name, where: 'local', joined: true, joinMs: 800,
		samples: [{ t: 3000, tileFps: [15], frozenTiles: 0, inKbps: 500, outKbps: 500, loss: 0 }] }));
	const recorded = {
		summary: summarize(participants, [], { browsers: 2, bots: 0 }), scrapes: { asked: 5, answered: 5, failures: [] },
		load: [{ machine: 'this machine', t: 3000, cpu: 0.3, eventLoopP99Ms: 11 }], steadyFromMs: 2000,
	};
	const report: Report = { version: REPORT_VERSION, runId, startedAt: '2026-12-01T10:00:00.000Z', durationMs: 5000, target: 'http://rooms.test/r/…',
		options: {}, rooms: ['room 1'], churn: [], participants, server: [], ...recorded, ...verdictsOf(recorded, {}) };
	const file = path.join(out, `${runId}-${Math.random()}.json`);
	fs.writeFileSync(file, JSON.stringify(report));
	return file;
}

describe('rooms-loadtest exits', () => {
	let server: TestServer | undefined;
	afterAll(async () => server?.close());

	/** Bots only, in a new room of the test server (passed or inconclusive on a busy machine, never failed), at 10 joins a second: the report. */
	async function botsRun(bots: number, seconds: number, extra: string[] = []): Promise<{ output: string; code: number | null; report: Report }> {
		server ??= await startServer();
		const { inviteUrl } = await createRoom(server.url);
		const run = await runCli([inviteUrl, '--participants', '0', '--bots', String(bots), '--ramp', '10', '--duration', String(seconds), ...extra, ...APP]);
		expect([0, 3], run.output).toContain(run.code);
		return { ...run, report: reportOf(run.output) };
	}

	it('0 for --help, with the exit codes listed', async () => {
		const { code, output } = await runCli(['--help']);
		expect(code).toBe(0);
		expect(output).toMatch(/Exit codes: 0 .*passed.*1 .*failed.*2 .*could not be made.*3 .*inconclusive/s);
	});

	it('1 when a threshold fails, judging a run again with merge; reports of different runs need --force', async () => {
		const run = recordedRun('run-a');
		const judged = await runCli(['merge', run, '--min-fps', '20']);
		expect(judged.code, judged.output).toBe(1);
		expect(judged.output).toContain('[loadtest] FAIL: tile fps median (browsers) 15.0 fps ≥ 20.0 fps: FAIL');
		expect((await runCli(['merge', run, '--min-fps', '12'])).code).toBe(0);
		const mixed = await runCli(['merge', run, recordedRun('run-b')]);
		expect(mixed.code).toBe(2);
		expect(mixed.output).toMatch(/different runs \(run-a and run-b\)/);
		expect((await runCli(['merge', run, recordedRun('run-b'), '--force'])).code).toBe(0);
	});

	it('2 at once, in one line, for a bad option, a bad value, a run with no load, or a bare duration threshold', async () => {
		for (const [args, message] of [
			[['http://127.0.0.1:9/r/x', '--wobble'], /Unknown option '--wobble'/],
			[['http://127.0.0.1:9/r/x', '--layout', 'gird'], /--layout is grid or speaker, not "gird"/],
			[['http://127.0.0.1:9/r/x', '--participants', '0', '--bots', '0'], /both 0: the run would make no load/],
			[['http://127.0.0.1:9/r/x', '--max-join-p95', '3'], /needs a duration with its unit/],
		] as const) {
			const { code, output, ms } = await runCli([...args]);
			expect(code, output).toBe(2);
			expect(output).toMatch(message);
			expect(output.trim().split('\n')).toHaveLength(1);
			expect(ms).toBeLessThan(5000);
		}
	});

	it('2 at once for an unreachable server, and for a link to no room, naming the cause', async () => {
		const port = await freeMediaPort();
		const unreachable = await runCli([`http://127.0.0.1:${port}/r/abcdefghijkl`, '--participants', '0', '--bots', '1', ...APP]);
		expect(unreachable.code).toBe(2);
		expect(unreachable.output).toMatch(new RegExp(`cannot reach the server at http://127.0.0.1:${port}: connect ECONNREFUSED`));

		server = await startServer();
		const unknown = await runCli([`${server.url}/r/nosuchroom12`, '--participants', '0', '--bots', '1', ...APP]);
		expect(unknown.code).toBe(2);
		expect(unknown.output).toMatch(/the invite link's room cannot be joined: INVITE_NOT_FOUND \(no room has this invite link\)/);
		expect(unknown.ms).toBeLessThan(5000);

		// A /metrics behind a token, and no token given: said at once, not a run of silent 401s.
		const guarded = await startServer({ ROOMS_METRICS_TOKEN: 'a-metrics-token-of-some-length' });
		try {
			const { inviteUrl } = await createRoom(guarded.url);
			const noToken = await runCli([inviteUrl, '--participants', '0', '--bots', '1', ...APP]);
			expect(noToken.code).toBe(2);
			expect(noToken.output).toMatch(/the server's \/metrics does not answer: \/metrics answered 401: give the server's metrics token \(--metrics-token or ROOMS_METRICS_TOKEN\)/);
		} finally {
			await guarded.close();
		}
	});

	it('1 when the server goes away mid-run: its silence and the participants it dropped are the reasons, and no stale figure shows', async () => {
		server ??= await startServer();
		const { inviteUrl } = await createRoom(server.url);
		const dying = server;
		const run = await runCli([inviteUrl, '--participants', '0', '--bots', '3', '--ramp', '10', '--duration', '12', ...APP], async () => {
			await new Promise((resolve) => setTimeout(resolve, 3000));
			await dying.close();
		});
		server = undefined;
		expect(run.code, run.output).toBe(1);
		expect(run.output).toMatch(/SERVER NOT ANSWERING since \d+ s/);
		expect(run.output).toMatch(/FAIL: .*server scrapes unanswered/);
		expect(run.output).toMatch(/participants out of the room at the end 3 ≤ 0: FAIL/);
		const report = reportOf(run.output);
		expect(report.outcome).toBe('fail');
		expect(report.summary.bots).toMatchObject({ joined: 3, dropped: 3 });
		expect(report.scrapes.failures.length).toBeGreaterThan(0);
	}, 60_000);

	it('--rooms N makes N rooms of the app, spreads the participants over them, and ends them after the run', async () => {
		server ??= await startServer();
		const run = await runCli([server.url, '--rooms', '3', '--participants', '0', '--bots', '6', '--ramp', '10', '--duration', '3', ...APP]);
		expect([0, 3], run.output).toContain(run.code);
		const report = reportOf(run.output);
		expect(report.rooms).toEqual(['room 1', 'room 2', 'room 3']);
		for (const room of report.rooms) expect(report.participants.filter((participant) => participant.room === room && participant.joined)).toHaveLength(2);
		expect(Math.max(...report.server.map(({ rooms }) => rooms))).toBeGreaterThanOrEqual(3);
		const listed = await fetch(`${server.url}/api/v1/rooms?limit=200`, { headers: { authorization: `Bearer ${appToken('messenger', 'u-host', 'Hana')}` } });
		const made = (await listed.json() as { rooms: { title: string; status: string }[] }).rooms
			.filter(({ title }) => title.startsWith(`Load test ${report.runId.slice(0, 8)}`));
		expect(made.map(({ status }) => status)).toEqual(['ended', 'ended', 'ended']);
	}, 60_000);

	it('--churn takes participants out and back at its rate, and reports each leave, rejoin and recovery', async () => {
		const { report } = await botsRun(4, 10, ['--churn', '30/min']);
		// One leave every 2 s over 10 s; the last may still be under way when the run ends.
		expect(report.churn.length).toBeGreaterThanOrEqual(3);
		const finished = report.churn.filter(({ recoveredMs }) => recoveredMs !== undefined);
		expect(finished.length).toBeGreaterThanOrEqual(2);
		for (const event of finished) expect(event.recoveredMs!).toBeGreaterThanOrEqual(event.rejoinMs!);
		expect(report.churn.filter(({ failure }) => failure)).toEqual([]);
		expect(report.summary.churn).toMatchObject({ leaves: report.churn.length, failed: 0 });
		expect(report.verdicts.find(({ name }) => name.startsWith('rejoins after churn'))).toMatchObject({ pass: true });
		// Churned bots are back: nobody is out of the room at the end.
		expect(report.summary.dropped).toBe(0);
	}, 60_000);

	it('--network puts its share of bots on a lossy, slow network, and the report says which ran where', async () => {
		const { report } = await botsRun(4, 6, ['--network', 'rtt=100ms,loss=15%@50%']);
		const bots = report.participants.filter(({ kind }) => kind === 'bot').sort((a, b) => a.name.localeCompare(b.name));
		expect(bots.map(({ network }) => network)).toEqual(['rtt=100ms,loss=15%', 'rtt=100ms,loss=15%', undefined, undefined]);
		/** A bot's loss over its last samples: what it lost of what was sent to it. */
		const loss = (name: string) => {
			const samples = bots.find((bot) => bot.name === name)!.samples.slice(2);
			return samples.reduce((sum, { loss: lost }) => sum + lost, 0) / samples.length;
		};
		// What reaches a shaped bot loses its 15 % (what the others send through their 15 % loses more for them).
		expect(loss('Bot 1')).toBeGreaterThan(0.08);
		expect(loss('Bot 3')).toBeLessThan(loss('Bot 1'));
	}, 60_000);

	it('0 for a run where everyone joined and stayed, with the verdicts in units', async () => {
		// A load machine saturated by this very test would make it inconclusive (3): said, never a silent pass.
		const run = await botsRun(3, 4, ['--max-join-p95', '5s']);
		expect(run.output).toMatch(/join p95 \(bots, 3 values\) \d+ ms ≤ 5 s: pass/);
		expect(run.output).toMatch(/participants joined \(3 of 3\), failed 0 ≤ 0: pass/);
		expect(run.report.outcome).toBe(run.code === 0 ? 'pass' : 'inconclusive');
	}, 60_000);
});
