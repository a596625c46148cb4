/**
 * The load tool's smoke run, as an operator runs it: an agent serving
 * Chromium over Playwright's browser-server protocol, and the coordinator
 * sending 2 browser participants through it and 6 bots through the ingest
 * API into one room for 20 s. The report is written, every browser's tiles
 * decode frames, the thresholds hold; and an impossible threshold makes the
 * exit non-zero. The in-page probe's frame rates are checked on a page of
 * their own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PAGE_PROBE } from '../../tools/loadtest/src/pageProbe.js';
import type { Report } from '../../tools/loadtest/src/report.js';
import { e2eServer } from '../support/browser.js';
import { KEEP_PEER_CONNECTIONS } from '../../tools/loadtest/src/peerConnections.js';
import { createRoom, freeMediaPort, TEST_APPS } from '../support/server.js';

const fixture = e2eServer();
/** The `rooms-loadtest` command, as the npm scripts run it. */
const CLI = path.resolve('tools/loadtest/bin.mjs');

/** Runs the CLI to its end (or interrupts it with Ctrl-C after `interruptAfterMs`); resolves with its exit code and output. */
function runCli(args: string[], interruptAfterMs?: number): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => { output += chunk; });
		child.stderr.on('data', (chunk) => { output += chunk; });
		const timer = interruptAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, output });
		});
	});
}

/** Starts `rooms-loadtest agent`; resolves with it, its endpoint (secret included) once it serves, and what it has printed. */
async function startAgent(): Promise<{ agent: ChildProcess; endpoint: string; output: () => string }> {
	const agent = spawn(process.execPath, [CLI, 'agent', '--listen', `127.0.0.1:${await freeMediaPort()}`], { stdio: ['ignore', 'pipe', 'inherit'] });
	let output = '';
	const endpoint = await new Promise<string>((resolve, reject) => {
		agent.stdout!.on('data', (chunk) => {
			output += chunk;
			const match = /serving Chromium at (ws:\/\/\S+)/.exec(output);
			if (match) resolve(match[1]!);
		});
		agent.on('exit', (code) => reject(new Error(`the agent exited (${code}): ${output}`)));
	});
	return { agent, endpoint, output: () => output };
}

test('2 browsers through an agent and 6 bots for 20 s: a report, decoding tiles, thresholds that hold, and a failing one that fails the exit', async () => {
	test.setTimeout(180_000);
	const { inviteUrl } = await createRoom(fixture.server.url, { waitForHost: false });
	const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-loadtest-'));
	const { agent, endpoint, output } = await startAgent();
	// The secret is in the path: 256 random bits, never the old fixed /rooms-loadtest.
	expect(endpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/[\w-]{43}$/);
	try {
		// The thresholds judge the tool, not this machine: two Chromiums sending 720p simulcast and decoding 7 tiles each
		// froze 0 % of tile samples on an idle 2-core machine, but 10 % with one core kept busy, as a shared CI machine may be.
		const run = await runCli([inviteUrl, '--participants', '2', '--per-browser', '2', '--bots', '6', '--duration', '20', '--browsers', endpoint,
			'--app', 'messenger', '--app-secret', TEST_APPS[0]!.secret, '--app-user', 'u-host', '--out', out,
			'--min-fps', '5', '--max-freeze-ratio', '0.25', '--max-failed-joins', '0', '--max-join-p95', '15s',
			// Half of each kind on a far network: Chromium's emulation, through the agent's gate, for the first browser.
			'--network', 'rtt=300ms@50%']);
		console.log(run.output.split('\n').filter((line) => !line.startsWith('[loadtest] ') || !/^\[loadtest\] \d+ s:/.test(line)).join('\n'));
		const [dir] = fs.readdirSync(out);
		const report = JSON.parse(fs.readFileSync(path.join(out, dir!, 'report.json'), 'utf8')) as Report;
		// Two Chromiums and six bots can saturate this 2-core machine: then the run is inconclusive (3), and says so.
		// Either way every verdict but the load machines' passes. There is one per load machine (this one and the agent's),
		// and any of them saturated makes the run inconclusive.
		const saturated = report.verdicts.some(({ kind, pass }) => kind === 'load' && !pass);
		expect(run.code, run.output).toBe(saturated ? 3 : 0);
		expect(report.outcome).toBe(saturated ? 'inconclusive' : 'pass');
		if (saturated) expect(run.output).toMatch(/INCONCLUSIVE: load machine .*a load machine, not the server, limited this run/);
		// This machine and the agent's are both sampled, the agent's over its own secret endpoint.
		const agentHost = new URL(endpoint).host;
		expect(new Set(report.load.map(({ machine }) => machine))).toEqual(new Set(['this machine', agentHost]));
		expect(fs.readFileSync(path.join(out, dir!, 'report.html'), 'utf8')).toContain('uPlot');
		expect(report.summary).toMatchObject({ target: 8, joined: 8, failed: 0 });
		const browsers = report.participants.filter(({ kind }) => kind === 'browser');
		expect(browsers.map(({ where }) => where)).toEqual([endpoint, endpoint]);
		// The emulated network reaches WebRTC: the far browser's round trip to the SFU is its 300 ms, the other's is loopback's.
		const rtt = (name: string) => {
			const values = browsers.find((browser) => browser.name === name)!.samples.flatMap(({ rttMs }) => (rttMs === undefined ? [] : [rttMs])).sort((a, b) => a - b);
			return values[Math.floor(values.length / 2)]!;
		};
		expect(browsers.map(({ name, network }) => [name, network]).sort()).toEqual([['Load 1', 'rtt=300ms'], ['Load 2', undefined]]);
		expect(rtt('Load 1')).toBeGreaterThanOrEqual(250);
		expect(rtt('Load 2')).toBeLessThan(100);
		for (const browser of browsers) {
			// Over the last ten seconds this browser's tiles decoded frames at nearly every look, and froze no more than
			// the run's own threshold allows. Not every tile at every look, nor every look: on a busy shared machine a
			// starved tile stalls for a second now and then (CI here: 10 % of tile samples frozen, one at 0 fps among
			// its last ten), and once the whole starved page did (every tile at 0 fps at one look of ten, 4.7 % frozen).
			// The sender side: what its camera's largest layer sends, and why the encoder holds back, if it does.
			expect(browser.samples.some(({ sentVideo }) => sentVideo !== undefined && sentVideo.height > 0 && sentVideo.fps > 0
				&& ['none', 'cpu', 'bandwidth', 'other'].includes(sentVideo.limitation)), browser.name).toBe(true);
			const recent = browser.samples.slice(-10).map(({ tileFps }) => tileFps);
			expect(recent.length, browser.name).toBeGreaterThan(0);
			const decoding = recent.filter((tiles) => Math.max(0, ...tiles) > 0).length;
			expect(decoding, `${browser.name}: looks with a tile decoding, of ${recent.length}`).toBeGreaterThanOrEqual(recent.length - 2);
			const frozen = recent.flat().filter((fps) => fps === 0).length / recent.flat().length;
			expect(frozen, browser.name).toBeLessThanOrEqual(0.25);
		}
		expect(report.server.some(({ participants }) => participants === 8)).toBe(true);
		expect(report.verdicts.filter(({ kind }) => kind !== 'load').every(({ pass }) => pass)).toBe(true);
		// Everything a load run asks of a served browser passes the agent's gate.
		expect(output()).not.toContain('agent refused');

		// The same run judged against an impossible frame rate: the exit says so (unless the run was inconclusive: then it is not counted).
		const judged = await runCli(['merge', path.join(out, dir!, 'report.json'), '--min-fps', '1000', '--out', out]);
		expect(judged.code, judged.output).toBe(saturated ? 3 : 1);
		expect(judged.output).toMatch(saturated ? /tile fps median \(browsers\) [\d.]+ fps ≥ 1000\.0 fps: fail, not counted/ : /tile fps median \(browsers\) [\d.]+ fps ≥ 1000\.0 fps: FAIL/);
	} finally {
		fs.rmSync(out, { recursive: true, force: true });
		const exited = new Promise<number | null>((resolve) => agent.once('exit', resolve));
		agent.kill('SIGINT');
		// Ctrl-C stops the agent itself, cleanly (not Playwright's exit 130).
		expect(agent.exitCode ?? await exited).toBe(0);
	}
});

test('a room that waits for its host holds browsers in the lobby: said so, counted as failed joins, and the run fails', async () => {
	test.setTimeout(120_000);
	// The API's default: the room waits for its host, and a load test brings none.
	const { inviteUrl } = await createRoom(fixture.server.url, { waitForHost: true });
	const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-loadtest-'));
	try {
		const started = Date.now();
		const run = await runCli([inviteUrl, '--participants', '1', '--duration', '2', '--join-timeout', '60s', '--out', out]);
		expect(run.code, run.output).toBe(1);
		expect(run.output).toContain('waiting for the host: create load rooms with waitForHost false, or pass a host link');
		expect(run.output).toMatch(/participants joined \(0 of 1\), failed 1 ≤ 0: FAIL \(nobody joined: the run made no load\)/);
		// Recognised on the lobby's page, not after the 60 s join timeout.
		expect(Date.now() - started).toBeLessThan(45_000);
	} finally {
		fs.rmSync(out, { recursive: true, force: true });
	}
});

test('Ctrl-C ends a run early and still writes the report', async () => {
	test.setTimeout(120_000);
	const { inviteUrl } = await createRoom(fixture.server.url, { waitForHost: false });
	const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-loadtest-'));
	try {
		const started = Date.now();
		const run = await runCli([inviteUrl, '--participants', '1', '--bots', '2', '--duration', '120', '--out', out,
			'--app', 'messenger', '--app-secret', TEST_APPS[0]!.secret, '--app-user', 'u-host'], 15_000);
		// A run stopped early is judged on what it measured: a pass, or inconclusive if this machine was saturated.
		expect([0, 3], run.output).toContain(run.code);
		expect(run.output).toContain('SIGINT: finishing');
		expect(Date.now() - started).toBeLessThan(60_000);
		const [dir] = fs.readdirSync(out);
		const report = JSON.parse(fs.readFileSync(path.join(out, dir!, 'report.json'), 'utf8')) as Report;
		expect(report.summary).toMatchObject({ target: 3, joined: 3 });
		expect(report.durationMs).toBeLessThan(60_000);
		expect(report.participants.find(({ kind }) => kind === 'browser')!.samples.length).toBeGreaterThan(3);
	} finally {
		fs.rmSync(out, { recursive: true, force: true });
	}
});

test('the in-page probe gives a tile\'s frame rate only over time enough to tell: a sample moments after another says nothing of it, rather than 0 fps', async ({ page }) => {
	await page.goto(fixture.server.url);
	await page.evaluate(`${KEEP_PEER_CONNECTIONS}; ${PAGE_PROBE}`);
	// A remote tile as the app draws one, playing a canvas animated at 30 fps.
	await page.evaluate(() => {
		const canvas = Object.assign(document.createElement('canvas'), { width: 160, height: 90 });
		const context = canvas.getContext('2d')!;
		let frame = 0;
		setInterval(() => {
			context.fillStyle = `hsl(${(frame++ * 12) % 360} 80% 50%)`;
			context.fillRect(0, 0, canvas.width, canvas.height);
		}, 33);
		const figure = Object.assign(document.createElement('figure'), { className: 'tile' });
		figure.dataset.kind = 'camera';
		const video = Object.assign(document.createElement('video'), { muted: true, autoplay: true, srcObject: canvas.captureStream(30) });
		figure.append(video, Object.assign(document.createElement('figcaption'), { textContent: 'Bo' }));
		document.body.append(figure);
	});
	type Sample = { tiles: { fps: number }[] };
	const sample = () => page.evaluate(() => (window as unknown as { roomsProbe: { sample(): Promise<Sample> } }).roomsProbe.sample());
	await page.waitForTimeout(1200);
	await sample();
	await page.waitForTimeout(1000);
	const full = await sample();
	expect(full.tiles).toHaveLength(1);
	expect(full.tiles[0]!.fps).toBeGreaterThan(5);
	expect((await sample()).tiles).toEqual([]);
});
