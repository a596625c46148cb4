import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../../tools/loadtest/src/merge.js';
import { REPORT_VERSION, type ParticipantResult, type Report } from '../../../tools/loadtest/src/report.js';
import { summarize } from '../../../tools/loadtest/src/summary.js';
import { verdictsOf } from '../../../tools/loadtest/src/verdicts.js';

function shard(startedAt: string, names: string[], fps: number, where: string, runId = 'run-1'): Report {
	const participants: ParticipantResult[] = names.map((name) => ({
		id: name, kind: 'browser', name, where, joined: true, joinMs: 1000,
		samples: [{ t: 1000, tileFps: [fps], frozenTiles: 0, inKbps: 500, outKbps: 500, loss: 0 }],
	}));
	const server = [{ t: 1000, workerCpu: fps / 100, consumers: 4, receivedKbps: 0, sentKbps: 0, rooms: 1, participants: 4, joins: { ok: 2 } }];
	const recorded = {
		summary: summarize(participants, server, { browsers: names.length, bots: 0 }), scrapes: { asked: 10, answered: 10, failures: [] },
		load: [{ machine: 'this machine', t: 2000, cpu: 0.5, eventLoopP99Ms: 12 }], steadyFromMs: 1500,
	};
	return { version: REPORT_VERSION, runId, startedAt, durationMs: 20_000, target: 'http://rooms.test/r', options: { shard: where }, rooms: ['room 1'], churn: [], participants, server,
		...recorded, ...verdictsOf(recorded, {}) };
}

describe('mergeReports', () => {
	it('puts shards side by side on one clock and judges the whole run again', () => {
		const merged = mergeReports([
			shard('2026-11-22T10:00:00.000Z', ['a', 'b'], 15, 'shard 1/2'),
			shard('2026-11-22T10:00:05.000Z', ['c'], 5, 'shard 2/2'),
		], { 'min-fps-p5': 10 });
		expect(merged.startedAt).toBe('2026-11-22T10:00:00.000Z');
		expect(merged.durationMs).toBe(25_000);
		expect(merged.participants.map(({ name, where }) => `${name}@${where}`)).toEqual(['a@shard 1/2', 'b@shard 1/2', 'c@shard 2/2']);
		// The second shard started 5 s later: its samples move by 5 s.
		expect(merged.participants[2]!.samples[0]!.t).toBe(6000);
		expect(merged.server.map(({ t }) => t)).toEqual([1000, 6000]);
		expect(merged.summary).toMatchObject({ target: 3, joined: 3 });
		expect(merged.scrapes).toMatchObject({ asked: 20, answered: 20 });
		expect(merged.load.map(({ t }) => t)).toEqual([2000, 7000]);
		// The steady phase starts when the later shard's ramp ended.
		expect(merged.steadyFromMs).toBe(6500);
		expect(merged.verdicts.filter(({ kind }) => kind === 'threshold')).toEqual([
			{ name: 'tile fps, worst 5 % (browsers)', kind: 'threshold', option: '--min-fps-p5', limit: 10, max: false, unit: 'fps', actual: 5, pass: false },
		]);
		expect(merged.outcome).toBe('fail');
	});

	it('refuses reports of different runs, unless forced', () => {
		const first = shard('2026-11-22T10:00:00.000Z', ['a'], 15, 's');
		const other = shard('2026-11-22T10:00:00.000Z', ['b'], 15, 's', 'run-2');
		expect(() => mergeReports([first, other], {})).toThrow(/different runs \(run-1 and run-2\).*--run-id.*--force/);
		expect(mergeReports([first, other], {}, true).participants).toHaveLength(2);
	});

	it('refuses shards of different rooms or report versions', () => {
		const other = { ...shard('2026-11-22T10:00:00.000Z', ['x'], 15, 's'), target: 'http://elsewhere.test/r' };
		expect(() => mergeReports([shard('2026-11-22T10:00:00.000Z', ['a'], 15, 's'), other], {})).toThrow(/different rooms/);
		expect(() => mergeReports([{ ...other, version: 0 as never }], {})).toThrow(/version 0/);
		expect(() => mergeReports([], {})).toThrow(/nothing to merge/);
	});
});
