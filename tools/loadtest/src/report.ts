/**
 * What a load test records and writes to `report.json`: each participant's
 * join and samples over time, the server's own figures scraped from
 * /metrics, the summary and the verdicts. Shards of one test (run where no
 * one place reaches every machine) write the same shape and are merged.
 */

export const REPORT_VERSION = 2;

/** One participant's figures at one moment (`t`: milliseconds since the run started). */
export interface ParticipantSample {
	t: number;
	/** Frames decoded per second, for each remote video tile shown. */
	tileFps: number[];
	/** Tiles that showed no new frame for more than 500 ms in this sample's interval. */
	frozenTiles: number;
	/** Smallest received picture height among the shown tiles, in pixels. */
	minHeight?: number;
	inKbps: number;
	outKbps: number;
	/** Fraction of inbound packets lost in the interval (0..1). */
	loss: number;
	jitterMs?: number;
	rttMs?: number;
	/** Browsers: the camera's largest simulcast layer being sent now. */
	sentVideo?: SentVideo;
	/** Browser CPU in percent of one core, when known (browsers only). */
	cpuPercent?: number;
	/** The page's JavaScript heap, when known (browsers only). */
	memoryMb?: number;
}

/** What a browser's camera sends: its largest layer's size and frame rate, and what holds the encoder back (WebRTC's `qualityLimitationReason`: none, cpu, bandwidth, other). */
export interface SentVideo {
	width: number;
	height: number;
	fps: number;
	limitation: string;
}

export interface ParticipantResult {
	id: string;
	kind: 'browser' | 'bot';
	name: string;
	/** Where it ran: `local`, an agent's address, or a shard. */
	where: string;
	/** Which of the run's rooms it joined (`room 1`...). */
	room?: string;
	/** The network profile it ran on (`--network`); absent: the machine's own. */
	network?: string;
	joined: boolean;
	/** Why it did not join (an error code such as ROOM_FULL, or `timeout`). */
	failure?: string;
	/** From opening the link (or the ingest request) to seated. */
	joinMs?: number;
	/** From opening the link to the first remote video frame. */
	firstFrameMs?: number;
	/** Ms into the run when it was last seen out of the room (dropped, reconnecting, or its page or socket gone); cleared when seen back in. */
	outSinceMs?: number;
	/** How many times it was seen to drop out of the room. */
	drops?: number;
	samples: ParticipantSample[];
}

/** The server's figures at one moment, from /metrics. */
export interface ServerSample {
	t: number;
	/** Sum over workers, in cores (1 = one core busy). */
	workerCpu: number;
	consumers: number;
	/** Media through the workers now, kbit/s: received from senders, sent to receivers. */
	receivedKbps: number;
	sentKbps: number;
	rooms: number;
	participants: number;
	/** Event loop delay p99, milliseconds. */
	eventLoopP99Ms?: number;
	/** room.join answers so far, by result (`ok` or an error code). */
	joins: Record<string, number>;
}

/** A median and a 95th percentile (nearest rank), with the number of values they were taken over. */
export interface Spread {
	median: number;
	p95: number;
	n: number;
}

/** One kind of participant's figures: browsers and bots are never mixed (bots are many and measure less). */
export interface KindFigures {
	/** This kind's share of the target. */
	target: number;
	joined: number;
	failed: number;
	/** Joined, but out of the room at the end. */
	dropped: number;
	joinMs: Spread | null;
	/** Received per participant, kbit/s. */
	inKbps: Spread | null;
	/** Fraction of inbound packets lost, per sample (0..1). */
	loss: Spread | null;
	rttMs: Spread | null;
}

export interface Summary {
	target: number;
	joined: number;
	failed: number;
	/** Joined, but out of the room at the end. */
	dropped: number;
	failuresByReason: Record<string, number>;
	browsers: KindFigures;
	bots: KindFigures;
	/** Browsers only: from opening the link to the first remote frame. */
	firstFrameMs: Spread | null;
	/** Over every browser tile sample: median fps and the 5th percentile (the worst tiles). */
	fps: { median: number; p5: number; n: number } | null;
	/** Tile-samples frozen, over all tile-samples (0..1); null when no tile was ever measured. */
	freezeRatio: number | null;
	/** Sent per browser (bots do not measure what they send). */
	outKbps: Spread | null;
	/** Browsers' cameras: the largest layer's height and frame rate, and how many samples each limitation reason held. */
	sentHeight: Spread | null;
	sentFps: Spread | null;
	sentLimitations: Record<string, number>;
	/** The most the server's workers used at once, in cores. */
	serverCpuPeak: number | null;
	/** Each browser participant's share of its Chromium's CPU, percent of one core; and the page's JavaScript heap. */
	browserCpuPercent: Spread | null;
	browserMemoryMb: Spread | null;
	/** Under `--churn`: leaves, rejoins and recoveries; failures are rejoins that failed or never got media. */
	churn: { leaves: number; rejoined: number; failed: number; rejoinMs: Spread | null; recoveryMs: Spread | null } | null;
}

/** How a figure is read and printed: `ms` as 250 ms or 3 s, `ratio` as a percentage. */
export type Unit = 'fps' | 'ms' | 'ratio' | 'count' | 'core-percent';

export interface Verdict {
	/** What is judged, in words: `join p95 (browsers, 4 joins)`, or `--min-fps` for a threshold. */
	name: string;
	/** `built-in` verdicts always apply (every participant joined and stayed, the server answered); `threshold`s come from the command line; `load` is the load machine's own state. */
	kind: 'built-in' | 'threshold' | 'load';
	/** The option behind it, for thresholds: `--min-fps`. */
	option?: string;
	limit: number;
	/** Whether the limit is a most (`≤`) or a least (`≥`). */
	max: boolean;
	unit: Unit;
	actual: number | null;
	pass: boolean;
	/** Why, when the figure alone does not say: `no answer from 12 s to 28 s`. */
	detail?: string;
}

/** The run's one-word result: the exit code follows it (0, 1, 3). */
export type Outcome = 'pass' | 'fail' | 'inconclusive';

/** The load machine at one moment: what the tool's own machine (not the server) had to give. */
export interface LoadSample {
	/** `this machine` (the coordinator, and its bots), or an agent's host:port. */
	machine: string;
	t: number;
	/** Busy share of all this machine's cores (0..1). */
	cpu: number;
	/** The tool's event loop delay p99 since the last sample, ms: bots starve when it grows. */
	eventLoopP99Ms: number;
}

/** One leave and rejoin of `--churn`: when it left (ms into the run), how long its rejoin and its recovery (media again) took, or why it failed. */
export interface ChurnEvent {
	participant: string;
	leftAt: number;
	rejoinMs?: number;
	recoveredMs?: number;
	failure?: string;
}

/** Every /metrics scrape: how many were asked and answered, and each failure with its reason. */
export interface ScrapeLog {
	asked: number;
	answered: number;
	failures: { t: number; error: string }[];
}

export interface Report {
	version: typeof REPORT_VERSION;
	/** One id per run (shards of one run share it): `merge` refuses reports of different runs. */
	runId: string;
	startedAt: string;
	durationMs: number;
	/** The invite link's room, without the code. */
	target: string;
	options: Record<string, unknown>;
	/** The rooms the participants were spread over, by label. */
	rooms: string[];
	participants: ParticipantResult[];
	server: ServerSample[];
	scrapes: ScrapeLog;
	load: LoadSample[];
	/** Leaves and rejoins under `--churn` (empty without it). */
	churn: ChurnEvent[];
	/** Ms into the run when the last participant had joined (the ramp's end); null if the run stopped before. */
	steadyFromMs: number | null;
	summary: Summary;
	verdicts: Verdict[];
	outcome: Outcome;
	/** The outcome's reasons, in words, for the summary line and the report's headline. */
	reasons: string[];
}
