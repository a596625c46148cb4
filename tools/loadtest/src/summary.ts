/** The run in a few figures, from every participant's samples and the server's. */
import { median, percentile } from './measure.js';
import type { ParticipantResult, ServerSample, Summary } from './report.js';

const spread = (values: number[]) => (values.length ? { p50: median(values), p95: percentile(values, 0.95) } : null);
const typical = (values: number[]) => (values.length ? { median: median(values), p95: percentile(values, 0.95) } : null);
const defined = (values: (number | undefined)[]) => values.filter((value): value is number => value !== undefined && Number.isFinite(value));

export function summarize(participants: ParticipantResult[], server: ServerSample[], target: number): Summary {
	const joined = participants.filter((participant) => participant.joined);
	const failuresByReason: Record<string, number> = {};
	for (const { joined: ok, failure } of participants) if (!ok) failuresByReason[failure ?? 'unknown'] = (failuresByReason[failure ?? 'unknown'] ?? 0) + 1;
	const samples = participants.flatMap(({ samples }) => samples);
	const browserSamples = participants.filter(({ kind }) => kind === 'browser').flatMap(({ samples }) => samples);
	const tileFps = browserSamples.flatMap(({ tileFps: fps }) => fps);
	const tileSamples = browserSamples.reduce((sum, { tileFps: fps }) => sum + fps.length, 0);
	const frozen = browserSamples.reduce((sum, { frozenTiles }) => sum + frozenTiles, 0);
	return {
		target,
		joined: joined.length,
		failed: participants.length - joined.length,
		failuresByReason,
		joinMs: spread(defined(joined.map(({ joinMs }) => joinMs))),
		firstFrameMs: spread(defined(joined.map(({ firstFrameMs }) => firstFrameMs))),
		fps: tileFps.length ? { median: median(tileFps), p5: percentile(tileFps, 0.05) } : null,
		freezeRatio: tileSamples ? frozen / tileSamples : 0,
		inKbps: samples.length ? { median: median(samples.map(({ inKbps }) => inKbps)) } : null,
		// Bots do not measure what they send: only browsers count here.
		outKbps: browserSamples.length ? { median: median(browserSamples.map(({ outKbps }) => outKbps)) } : null,
		loss: typical(samples.map(({ loss }) => loss)),
		rttMs: typical(defined(samples.map(({ rttMs }) => rttMs))),
		serverCpuPeak: server.length ? Math.max(...server.map(({ workerCpu }) => workerCpu)) : null,
		browserCpuPercent: typical(defined(browserSamples.map(({ cpuPercent }) => cpuPercent))),
		browserMemoryMb: typical(defined(browserSamples.map(({ memoryMb }) => memoryMb))),
	};
}

export interface WorstParticipant {
	name: string;
	kind: ParticipantResult['kind'];
	where: string;
	/** Why it is on the list, in words. */
	reasons: string[];
	/** Higher is worse: used for the order. */
	badness: number;
}

/** The participants who fared worst, with why: failed joins first, then freezes, low frame rates, loss and slow joins. */
export function worstParticipants(participants: ParticipantResult[], count = 10): WorstParticipant[] {
	const rated = participants.map((participant): WorstParticipant => {
		const reasons: string[] = [];
		let badness = 0;
		if (!participant.joined) {
			reasons.push(`did not join (${participant.failure ?? 'unknown'})`);
			badness += 1000;
		}
		const tiles = participant.samples.reduce((sum, { tileFps }) => sum + tileFps.length, 0);
		const frozen = participant.samples.reduce((sum, { frozenTiles }) => sum + frozenTiles, 0);
		if (tiles > 0 && frozen > 0) {
			reasons.push(`${((frozen / tiles) * 100).toFixed(1)} % of tile time frozen`);
			badness += (frozen / tiles) * 500;
		}
		const fps = participant.samples.flatMap(({ tileFps }) => tileFps);
		if (fps.length) {
			const low = percentile(fps, 0.05);
			if (low < 10) reasons.push(`worst tiles at ${low.toFixed(1)} fps`);
			badness += Math.max(0, 15 - low) * 5;
		}
		const loss = median(participant.samples.map(({ loss }) => loss));
		if (loss > 0.01) {
			reasons.push(`${(loss * 100).toFixed(1)} % packet loss`);
			badness += loss * 200;
		}
		if ((participant.joinMs ?? 0) > 3000) {
			reasons.push(`joined in ${((participant.joinMs ?? 0) / 1000).toFixed(1)} s`);
			badness += (participant.joinMs ?? 0) / 1000;
		}
		return { name: participant.name, kind: participant.kind, where: participant.where, reasons, badness };
	});
	return rated.filter(({ reasons }) => reasons.length > 0).sort((a, b) => b.badness - a.badness).slice(0, count);
}
