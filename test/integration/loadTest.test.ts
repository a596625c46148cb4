/**
 * A load test run with bots only (no browsers): `--ramp` paces the joins, and a
 * run stopped during the ramp reports the bots it sent and no others.
 */
import { describe, expect, it } from 'vitest';
import { LoadTest, type LoadTestOptions } from '../../tools/loadtest/src/LoadTest.js';
import { createRoom, TEST_APPS } from '../support/server.js';
import { serverWithCrowd } from '../support/rooms.js';

const fixture = serverWithCrowd();

async function botsOnly(bots: number, ramp: number, durationSeconds: number): Promise<LoadTest> {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const options: LoadTestOptions = {
		inviteUrl, participants: 0, perBrowser: 1, ramp, durationSeconds, camera: 1, microphone: 0, layout: 'grid', browsers: [], bots,
		app: { id: 'messenger', secret: TEST_APPS[0]!.secret, userId: 'u-host', userName: 'Load test' },
		shard: { index: 1, count: 1 }, thresholds: {}, joinTimeoutMs: 15_000, progress: () => undefined,
	};
	return new LoadTest(options);
}

describe('LoadTest', () => {
	it('paces bots at the ramp: 4 bots at 2 joins a second take at least 1.5 s to set out', async () => {
		const started = Date.now();
		const report = await (await botsOnly(4, 2, 1)).run();
		expect(report.summary).toMatchObject({ target: 4, joined: 4, failed: 0 });
		// Three gaps of 500 ms before the last bot sets out, then the 1 s duration. Unpaced, the run took 1.2 s.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1500 + 1000);
	});

	it('queues joins at the ramp without a listener per waiting join: no MaxListenersExceededWarning beyond ten joins', async () => {
		const warnings: string[] = [];
		const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
		process.on('warning', onWarning);
		try {
			const report = await (await botsOnly(14, 20, 1)).run();
			expect(report.summary).toMatchObject({ joined: 14, failed: 0 });
		} finally {
			process.off('warning', onWarning);
		}
		expect(warnings.filter((warning) => warning.startsWith('MaxListenersExceededWarning'))).toEqual([]);
	});

	it('stopped during the ramp, reports the bots it sent as joined, and leaves out those never sent', async () => {
		const test = await botsOnly(10, 2, 60);
		const running = test.run();
		// At 2 joins a second, the bots of 0, 0.5 and 1 s have set out by now.
		setTimeout(() => test.stop(), 1200);
		const report = await running;
		expect(report.participants.length).toBeGreaterThanOrEqual(1);
		expect(report.participants.length).toBeLessThanOrEqual(3);
		expect(report.participants.every(({ joined, failure }) => joined && failure === undefined)).toBe(true);
		expect(report.summary).toMatchObject({ target: 10, failed: 0, joined: report.participants.length });
	});
});
