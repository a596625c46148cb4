/**
 * Merges the reports of shards of one load test (`--shard i/n` on machines
 * that no single coordinator reaches) into one: participants side by side,
 * time lines on one clock (each shard's times moved by when it started),
 * then the summary and the verdicts computed again over everything.
 */
import { REPORT_VERSION, type Report } from './report.js';
import { summarize } from './summary.js';
import { judge } from './verdicts.js';

export function mergeReports(shards: Report[], limits: Record<string, number>): Report {
	if (shards.length === 0) throw new Error('nothing to merge');
	for (const shard of shards) {
		if (shard.version !== REPORT_VERSION) throw new Error(`a report of version ${shard.version} cannot be merged (this tool writes ${REPORT_VERSION})`);
		if (shard.target !== shards[0]!.target) throw new Error(`the shards tested different rooms: ${shards[0]!.target} and ${shard.target}`);
	}
	const start = Math.min(...shards.map(({ startedAt }) => Date.parse(startedAt)));
	const end = Math.max(...shards.map(({ startedAt, durationMs }) => Date.parse(startedAt) + durationMs));
	const participants = shards.flatMap((shard) => {
		const shift = Date.parse(shard.startedAt) - start;
		return shard.participants.map((participant) => ({
			...participant,
			samples: participant.samples.map((sample) => ({ ...sample, t: sample.t + shift })),
		}));
	});
	const server = shards
		.flatMap((shard) => shard.server.map((sample) => ({ ...sample, t: sample.t + Date.parse(shard.startedAt) - start })))
		.sort((a, b) => a.t - b.t);
	const summary = summarize(participants, server, shards.reduce((sum, shard) => sum + shard.summary.target, 0));
	return {
		version: REPORT_VERSION,
		startedAt: new Date(start).toISOString(),
		durationMs: end - start,
		target: shards[0]!.target,
		options: { merged: shards.length, shards: shards.map(({ options }) => options) },
		participants,
		server,
		summary,
		verdicts: judge(summary, limits),
	};
}
