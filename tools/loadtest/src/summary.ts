/** The run in a few figures, from every participant's samples and the server's; browsers and bots apart. */
import { median, percentile } from './measure.js';
import type { ChurnEvent, KindFigures, ParticipantResult, ServerSample, Spread, Summary } from './report.js';

/** Median and p95 by nearest rank, with the count; null when there is nothing to take them over. */
export const spread = (values: number[]): Spread | null => (values.length ? { median: median(values), p95: percentile(values, 0.95), n: values.length } : null);
const countBy = (values: string[]) => {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
};
const defined = (values: (number | undefined)[]) => values.filter((value): value is number => value !== undefined && Number.isFinite(value));

function figuresOf(participants: ParticipantResult[], target: number): KindFigures {
	const joined = participants.filter((participant) => participant.joined);
	const samples = participants.flatMap(({ samples }) => samples);
	return {
		target,
		joined: joined.length,
		failed: participants.length - joined.length,
		dropped: joined.filter(({ outSinceMs }) => outSinceMs !== undefined).length,
		joinMs: spread(defined(joined.map(({ joinMs }) => joinMs))),
		inKbps: spread(samples.map(({ inKbps }) => inKbps)),
		loss: spread(samples.map(({ loss }) => loss)),
		rttMs: spread(defined(samples.map(({ rttMs }) => rttMs))),
	};
}

/** `targets`: how many of each kind this run (or these shards) set out to seat; `churn`: the leaves and rejoins of `--churn`. */
export function summarize(participants: ParticipantResult[], server: ServerSample[], targets: { browsers: number; bots: number }, churn: ChurnEvent[] = []): Summary {
	const failuresByReason: Record<string, number> = {};
	for (const { joined: ok, failure } of participants) if (!ok) failuresByReason[failure ?? 'unknown'] = (failuresByReason[failure ?? 'unknown'] ?? 0) + 1;
	const browserResults = participants.filter(({ kind }) => kind === 'browser');
	const browsers = figuresOf(browserResults, targets.browsers);
	const bots = figuresOf(participants.filter(({ kind }) => kind === 'bot'), targets.bots);
	const browserSamples = browserResults.flatMap(({ samples }) => samples);
	const tileFps = browserSamples.flatMap(({ tileFps: fps }) => fps);
	const frozen = browserSamples.reduce((sum, { frozenTiles }) => sum + frozenTiles, 0);
	return {
		target: targets.browsers + targets.bots,
		joined: browsers.joined + bots.joined,
		failed: browsers.failed + bots.failed,
		dropped: browsers.dropped + bots.dropped,
		failuresByReason,
		browsers,
		bots,
		firstFrameMs: spread(defined(browserResults.filter(({ joined }) => joined).map(({ firstFrameMs }) => firstFrameMs))),
		fps: tileFps.length ? { median: median(tileFps), p5: percentile(tileFps, 0.05), n: tileFps.length } : null,
		freezeRatio: tileFps.length ? frozen / tileFps.length : null,
		outKbps: spread(browserSamples.map(({ outKbps }) => outKbps)),
		sentHeight: spread(defined(browserSamples.map(({ sentVideo }) => sentVideo?.height))),
		sentFps: spread(defined(browserSamples.map(({ sentVideo }) => sentVideo?.fps))),
		sentLimitations: countBy(browserSamples.flatMap(({ sentVideo }) => (sentVideo ? [sentVideo.limitation] : []))),
		serverCpuPeak: server.length ? Math.max(...server.map(({ workerCpu }) => workerCpu)) : null,
		browserCpuPercent: spread(defined(browserSamples.map(({ cpuPercent }) => cpuPercent))),
		browserMemoryMb: spread(defined(browserSamples.map(({ memoryMb }) => memoryMb))),
		churn: churn.length ? {
			leaves: churn.length,
			rejoined: churn.filter(({ rejoinMs }) => rejoinMs !== undefined).length,
			failed: churn.filter(({ failure }) => failure !== undefined).length,
			rejoinMs: spread(defined(churn.map(({ rejoinMs }) => rejoinMs))),
			recoveryMs: spread(defined(churn.map(({ recoveredMs }) => recoveredMs))),
		} : null,
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

/**
 * The participants of one kind who fared worst, with why: failed joins first, then drops, freezes, low
 * frame rates, loss and slow joins. Ask per kind: many bots would otherwise crowd out the few browsers.
 */
export function worstParticipants(participants: ParticipantResult[], count = 10): WorstParticipant[] {
	const rated = participants.map((participant): WorstParticipant => {
		const reasons: string[] = [];
		let badness = 0;
		if (!participant.joined) {
			reasons.push(`did not join (${participant.failure ?? 'unknown'})`);
			badness += 1000;
		}
		if (participant.joined && participant.outSinceMs !== undefined) {
			reasons.push(`out of the room since ${(participant.outSinceMs / 1000).toFixed(0)} s`);
			badness += 800;
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
		// A camera held back most of the time: say by what, and at what it was sending last.
		const sent = participant.samples.flatMap(({ sentVideo }) => (sentVideo ? [sentVideo] : []));
		const limited = sent.filter(({ limitation }) => limitation !== 'none');
		if (limited.length > sent.length / 2) {
			const [cause] = Object.entries(countBy(limited.map(({ limitation }) => limitation))).sort(([, a], [, b]) => b - a)[0]!;
			const last = limited.at(-1)!;
			reasons.push(`camera held back by ${cause} (sending ${last.width}×${last.height} at ${last.fps.toFixed(0)} fps)`);
			badness += 20;
		}
		if ((participant.joinMs ?? 0) > 3000) {
			reasons.push(`joined in ${((participant.joinMs ?? 0) / 1000).toFixed(1)} s`);
			badness += (participant.joinMs ?? 0) / 1000;
		}
		return { name: participant.name, kind: participant.kind, where: participant.where, reasons, badness };
	});
	return rated.filter(({ reasons }) => reasons.length > 0).sort((a, b) => b.badness - a.badness).slice(0, count);
}
