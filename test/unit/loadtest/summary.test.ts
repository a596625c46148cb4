import { describe, expect, it } from 'vitest';
import type { ParticipantResult, ParticipantSample } from '../../../tools/loadtest/src/report.js';
import { percentile } from '../../../tools/loadtest/src/measure.js';
import { summarize, worstParticipants } from '../../../tools/loadtest/src/summary.js';

const sample = (t: number, tileFps: number[], extra: Partial<ParticipantSample> = {}): ParticipantSample =>
	({ t, tileFps, frozenTiles: 0, inKbps: 800, outKbps: 600, loss: 0, rttMs: 20, ...extra });

const browser = (name: string, samples: ParticipantSample[], extra: Partial<ParticipantResult> = {}): ParticipantResult =>
	({ id: name, kind: 'browser', name, where: 'local', joined: true, joinMs: 1000, firstFrameMs: 1500, samples, ...extra });

describe('summarize', () => {
	it('counts joins and failures by reason, and spreads of join and first-frame times', () => {
		const people = [
			browser('a', [], { joinMs: 800 }),
			browser('b', [], { joinMs: 1200 }),
			browser('c', [], { joined: false, failure: 'ROOM_FULL', joinMs: undefined, firstFrameMs: undefined }),
			browser('d', [], { joined: false, failure: 'timeout', joinMs: undefined, firstFrameMs: undefined }),
			browser('e', [], { joined: false, failure: 'ROOM_FULL', joinMs: undefined, firstFrameMs: undefined }),
		];
		const summary = summarize(people, [], { browsers: 6, bots: 0 });
		expect(summary).toMatchObject({ target: 6, joined: 2, failed: 3, failuresByReason: { ROOM_FULL: 2, timeout: 1 } });
		// Nearest rank, rounded up: of two, the median is the first and p95 the second.
		expect(summary.browsers.joinMs).toEqual({ median: 800, p95: 1200, n: 2 });
	});

	it('takes fps over every tile of every browser sample, freezes as a share of tile-samples, and ignores bots\' missing tiles', () => {
		const people = [
			browser('a', [sample(1000, [15, 15, 14], { cpuPercent: 60 }), sample(2000, [15, 2, 14], { frozenTiles: 1, cpuPercent: 80 })]),
			browser('b', [sample(1000, [30], { loss: 0.3 }), sample(2000, [0], { frozenTiles: 1, loss: 0.2 })]),
			{ ...browser('bot', [sample(1000, [], { loss: 0 })]), kind: 'bot' as const },
		];
		const summary = summarize(people, [{ t: 1000, workerCpu: 0.4, consumers: 10, receivedKbps: 0, sentKbps: 0, rooms: 1, participants: 3, joins: { ok: 3 } },
			{ t: 2000, workerCpu: 0.9, consumers: 10, receivedKbps: 0, sentKbps: 0, rooms: 1, participants: 3, joins: { ok: 3 } }], { browsers: 2, bots: 1 });
		// Tiles: 15 15 14 15 2 14 30 0 → sorted 0 2 14 14 15 15 15 30.
		expect(summary.fps).toEqual({ median: 14, p5: 0, n: 8 });
		expect(summary.freezeRatio).toBeCloseTo(2 / 8);
		// Loss: the browsers' 0 0 0.2 0.3, and apart from them the bot's 0.
		expect(summary.browsers.loss).toEqual({ median: 0, p95: 0.3, n: 4 });
		expect(summary.bots.loss).toEqual({ median: 0, p95: 0, n: 1 });
		expect(summary.serverCpuPeak).toBe(0.9);
		expect(summary.browserCpuPercent!.median).toBe(60);
	});

	it('reports no figures rather than zeros when nothing was measured', () => {
		const summary = summarize([], [], { browsers: 2, bots: 0 });
		expect(summary).toMatchObject({ joined: 0, failed: 0, fps: null, serverCpuPeak: null, freezeRatio: null, browsers: { joinMs: null, loss: null } });
	});

	it('counts those out of the room at the end, per kind', () => {
		const people = [browser('a', []), browser('b', [], { outSinceMs: 12_000, drops: 1 }), { ...browser('bot', [], { outSinceMs: 14_000 }), kind: 'bot' as const }];
		const summary = summarize(people, [], { browsers: 2, bots: 1 });
		expect(summary).toMatchObject({ dropped: 2, browsers: { dropped: 1 }, bots: { dropped: 1 } });
	});

	it('takes percentiles by nearest rank, rounded up: with 22 joins, p95 is the 21st', () => {
		// Twenty bots at 100 ms and two browsers at 2 s: the browsers' joins are in p95, judged apart from the bots'.
		const joins = [...Array.from({ length: 20 }, (_, i) => ({ ...browser(`bot ${i}`, [], { joinMs: 100 }), kind: 'bot' as const })),
			browser('slow 1', [], { joinMs: 2000 }), browser('slow 2', [], { joinMs: 2100 })];
		expect(percentile(joins.map(({ joinMs }) => joinMs!), 0.95)).toBe(2000);
		const summary = summarize(joins, [], { browsers: 2, bots: 20 });
		expect(summary.browsers.joinMs).toEqual({ median: 2000, p95: 2100, n: 2 });
		expect(summary.bots.joinMs).toEqual({ median: 100, p95: 100, n: 20 });
	});
});

describe('the sender side', () => {
	it('sums up what browsers\' cameras send and why they hold back, and names a camera held back most of the time', () => {
		const held = { width: 320, height: 180, fps: 7, limitation: 'bandwidth' };
		const people = [
			browser('free', [sample(1000, [15], { sentVideo: { width: 1280, height: 720, fps: 30, limitation: 'none' } })]),
			browser('held', [sample(1000, [15], { sentVideo: held }), sample(2000, [15], { sentVideo: { ...held, limitation: 'cpu' } }), sample(3000, [15], { sentVideo: held })]),
		];
		const summary = summarize(people, [], { browsers: 2, bots: 0 });
		expect(summary.sentHeight).toEqual({ median: 180, p95: 720, n: 4 });
		expect(summary.sentLimitations).toEqual({ none: 1, bandwidth: 2, cpu: 1 });
		const worst = worstParticipants(people);
		expect(worst.map(({ name }) => name)).toEqual(['held']);
		expect(worst[0]!.reasons).toEqual(['camera held back by bandwidth (sending 320×180 at 7 fps)']);
	});
});

describe('worstParticipants', () => {
	it('lists failed joins first, then frozen and slow tiles, with the reasons in words; the healthy are left out', () => {
		const worst = worstParticipants([
			browser('healthy', [sample(1000, [15, 15])]),
			browser('frozen', [sample(1000, [15, 0], { frozenTiles: 1 }), sample(2000, [15, 0], { frozenTiles: 1 })]),
			browser('lossy', [sample(1000, [14], { loss: 0.05 })]),
			browser('refused', [], { joined: false, failure: 'ROOM_LOCKED' }),
		]);
		expect(worst.map(({ name }) => name)).toEqual(['refused', 'frozen', 'lossy']);
		expect(worst[0]!.reasons).toEqual(['did not join (ROOM_LOCKED)']);
		expect(worst[1]!.reasons).toEqual(['50.0 % of tile time frozen', 'worst tiles at 0.0 fps']);
		expect(worst[2]!.reasons).toEqual(['5.0 % packet loss']);
	});
});
