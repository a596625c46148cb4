/**
 * Merges the reports of shards of one load test (`--shard i/n` on machines
 * that no single coordinator reaches) into one: participants side by side,
 * time lines on one clock (each shard's times moved by when it started),
 * then the summary and the verdicts computed again over everything. Shards
 * of one run share its `--run-id`; reports of different runs are refused
 * unless `force` (`--force`).
 */
import { REPORT_VERSION, type Report } from './report.js';
import { summarize } from './summary.js';
import { verdictsOf } from './verdicts.js';

export function mergeReports(shards: Report[], limits: Record<string, number>, force = false): Report {
	if (shards.length === 0) throw new Error('nothing to merge');
	for (const shard of shards) {
		if (shard.version !== REPORT_VERSION) throw new Error(`a report of version ${shard.version} cannot be merged (this tool writes ${REPORT_VERSION})`);
		if (shard.target !== shards[0]!.target) throw new Error(`the shards tested different rooms: ${shards[0]!.target} and ${shard.target}`);
		if (shard.runId !== shards[0]!.runId && !force) {
			throw new Error(`the reports come from different runs (${shards[0]!.runId} and ${shard.runId}): give shards one --run-id, or merge anyway with --force`);
		}
	}
	const start = Math.min(...shards.map(({ startedAt }) => Date.parse(startedAt)));
	const end = Math.max(...shards.map(({ startedAt, durationMs }) => Date.parse(startedAt) + durationMs));
	const shift = (shard: Report) => Date.parse(shard.startedAt) - start;
	const participants = shards.flatMap((shard) => shard.participants.map((participant) => ({
		...participant,
		...(participant.outSinceMs !== undefined ? { outSinceMs: participant.outSinceMs + shift(shard) } : {}),
		samples: participant.samples.map((sample) => ({ ...sample, t: sample.t + shift(shard) })),
	})));
	const server = shards.flatMap((shard) => shard.server.map((sample) => ({ ...sample, t: sample.t + shift(shard) }))).sort((a, b) => a.t - b.t);
	const targets = {
		browsers: shards.reduce((sum, shard) => sum + shard.summary.browsers.target, 0),
		bots: shards.reduce((sum, shard) => sum + shard.summary.bots.target, 0),
	};
	const churn = shards.flatMap((shard) => shard.churn.map((event) => ({ ...event, leftAt: event.leftAt + shift(shard) }))).sort((a, b) => a.leftAt - b.leftAt);
	const recorded = {
		summary: summarize(participants, server, targets, churn),
		scrapes: {
			asked: shards.reduce((sum, shard) => sum + shard.scrapes.asked, 0),
			answered: shards.reduce((sum, shard) => sum + shard.scrapes.answered, 0),
			failures: shards.flatMap((shard) => shard.scrapes.failures.map((failure) => ({ ...failure, t: failure.t + shift(shard) }))).sort((a, b) => a.t - b.t),
		},
		// Every load machine's samples: one saturated shard makes the whole run inconclusive.
		load: shards.flatMap((shard) => shard.load.map((sample) => ({ ...sample, t: sample.t + shift(shard) }))).sort((a, b) => a.t - b.t),
		// The steady phase begins when the last shard's ramp ended.
		steadyFromMs: shards.some(({ steadyFromMs }) => steadyFromMs === null) ? null : Math.max(...shards.map((shard) => shard.steadyFromMs! + shift(shard))),
	};
	return {
		version: REPORT_VERSION,
		runId: shards[0]!.runId,
		startedAt: new Date(start).toISOString(),
		durationMs: end - start,
		target: shards[0]!.target,
		options: { merged: shards.length, shards: shards.map(({ options }) => options) },
		rooms: [...new Set(shards.flatMap(({ rooms }) => rooms))],
		churn,
		participants,
		server,
		...recorded,
		...verdictsOf(recorded, limits),
	};
}
