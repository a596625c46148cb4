/**
 * A smoke run of `bench:sfu` (a small room, a few seconds per part), so the
 * benchmark cannot rot: every part runs and reports figures that say media
 * really flowed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

test('bench:sfu runs every part on a small room and writes its results', async () => {
	test.setTimeout(240_000);
	const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-bench-'));
	try {
		const args = ['tsx', 'test/bench/sfu.bench.ts', '--participants', '6', '--seconds', '3', '--sweep', '3,5', '--sweep-seconds', '2', '--joins', '2', '--out', out];
		const bench = spawn('npx', args, { stdio: ['ignore', 'pipe', 'inherit'] });
		let output = '';
		bench.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
		expect(await new Promise((resolve) => bench.once('exit', resolve))).toBe(0);
		expect(output).toContain('[bench] floor: 6/6 joined');

		const [file] = fs.readdirSync(out).filter((name) => /^sfu-.*\.json$/.test(name));
		const results = JSON.parse(fs.readFileSync(path.join(out, file!), 'utf8'));
		for (const window of [results.floor, results.gridRoom, results.twoWorkers, ...results.sweep]) {
			expect(window.packetsPerSecond).toBeGreaterThan(500);
			expect(window.forwarding).toBeGreaterThan(0);
			expect(window.lossPercent).toBeLessThan(5);
		}
		// Our run has a server process of its own and workers found under it.
		expect(results.gridRoom.workerCpu).toBeGreaterThan(0);
		expect(results.gridRoom.mainCpu).toBeGreaterThan(0);
		expect(results.sweep.map((step: { tiles: number }) => step.tiles)).toEqual([3, 5]);
		// Each bot's join: its seat with the receive transport, sending (5 requests), its view, and consumers in batches.
		expect(results.joinStorm.ackMs.requests).toBeGreaterThanOrEqual(6 * 8);
		expect(results.joinStorm.joinMs.p95).toBeGreaterThan(0);
		expect(results.joinStorm.allSubscribedSeconds).toBeGreaterThan(0);
		// The floor's storm ran too, and the room's is set against it.
		expect(results.floorStorm.allSubscribedSeconds).toBeGreaterThan(0);
		expect(results.joinStorm.allSubscribedOverFloor).toBeCloseTo(results.joinStorm.allSubscribedSeconds / results.floorStorm.allSubscribedSeconds, 1);
		expect(results.firstFrame.ms.median).toBeGreaterThan(0);
	} finally {
		fs.rmSync(out, { recursive: true, force: true });
	}
});
