/**
 * The load tool as a load machine gets it: packed from tools/loadtest,
 * installed globally into an empty folder with its own dependencies, and run
 * as plain JavaScript, with nothing of the checkout (no tsx, no TypeScript,
 * no server code) within reach of Node's module resolution.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { THRESHOLD_OPTIONS } from '../../tools/loadtest/src/verdicts.js';
import { createRoom, TEST_APPS } from '../support/server.js';
import { serverWithCrowd } from '../support/rooms.js';

const run = promisify(execFile);
const fixture = serverWithCrowd();
// Under the system's temporary folder, where no node_modules of the checkout lies on the way up.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-loadtest-install-'));
const prefix = path.join(scratch, 'global');
const bin = path.join(prefix, 'bin', 'rooms-loadtest');
const installed = path.join(prefix, 'lib', 'node_modules', 'rooms-loadtest');

/** Runs the installed command; resolves with its exit code and output, whatever the code. */
async function loadtest(args: string[]): Promise<{ code: number; output: string }> {
	try {
		const { stdout, stderr } = await run(bin, args, { cwd: scratch });
		return { code: 0, output: stdout + stderr };
	} catch (error) {
		const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
		return { code, output: stdout + stderr };
	}
}

beforeAll(async () => {
	const { stdout } = await run('npm', ['pack', path.resolve('tools/loadtest'), '--pack-destination', scratch, '--silent']);
	const tarball = path.join(scratch, stdout.trim().split('\n').at(-1)!);
	await run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { cwd: scratch });
}, 180_000);

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

it('installs as a copy with its own runtime dependencies, and no TypeScript runner or server', () => {
	expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
	const dependencies = fs.readdirSync(path.join(installed, 'node_modules'));
	expect(dependencies).toEqual(expect.arrayContaining(['playwright-core', 'socket.io-client', 'werift-rtp', 'ws', 'jsonwebtoken', 'uplot']));
	for (const absent of ['tsx', 'typescript', 'mediasoup', 'express', 'better-sqlite3', '@playwright']) expect(dependencies).not.toContain(absent);
	expect(fs.readdirSync(path.join(installed, 'dist'))).not.toContain('server');
});

it('answers --help with every threshold, and a wrong option with exit 2 and a pointer to --help', async () => {
	const help = await loadtest(['--help']);
	expect(help.code, help.output).toBe(0);
	for (const name of THRESHOLD_OPTIONS) expect(help.output).toContain(`--${name}`);
	const wrong = await loadtest(['--participant', '3']);
	expect(wrong.code).toBe(2);
	expect(wrong.output).toMatch(/Unknown option '--participant'.*--help/);
});

it('runs bots against a real server and writes its report, judged', async () => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const out = path.join(scratch, 'results');
	const result = await loadtest([inviteUrl, '--participants', '0', '--bots', '2', '--ramp', '4', '--duration', '2', '--out', out,
		'--app', 'messenger', '--app-secret', TEST_APPS[0]!.secret, '--app-user', 'u-host', '--max-failed-joins', '0']);
	// Passed, or inconclusive if the test machine's cores were saturated meanwhile: either way said, with the verdicts.
	expect([0, 3], result.output).toContain(result.code);
	expect(result.output).toContain(result.code === 0 ? '[loadtest] PASS' : '[loadtest] INCONCLUSIVE');
	expect(result.output).toContain('joined 2 of 2 (browsers 0 of 0, bots 2 of 2), failed 0');
	expect(result.output).toContain('participants joined (2 of 2), failed 0 ≤ 0: pass');
	const [dir] = fs.readdirSync(out);
	const report = JSON.parse(fs.readFileSync(path.join(out, dir!, 'report.json'), 'utf8'));
	expect(report.participants.every(({ kind, samples }: { kind: string; samples: { inKbps: number }[] }) =>
		kind === 'bot' && samples.some(({ inKbps }) => inKbps > 0))).toBe(true);
	// The chart library comes from the installed package's own dependencies, inlined.
	expect(fs.readFileSync(path.join(out, dir!, 'report.html'), 'utf8')).toContain('uPlot');
}, 120_000);
