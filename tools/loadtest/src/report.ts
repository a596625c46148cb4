/**
 * What a load test records and writes to `report.json`: each participant's
 * join and samples over time, the server's own figures scraped from
 * /metrics, the summary and the verdicts. Shards of one test (run where no
 * one place reaches every machine) write the same shape and are merged.
 */

export const REPORT_VERSION = 1;

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
	/** Browser CPU in percent of one core, when known (browsers only). */
	cpuPercent?: number;
	/** The page's JavaScript heap, when known (browsers only). */
	memoryMb?: number;
}

export interface ParticipantResult {
	id: string;
	kind: 'browser' | 'bot';
	name: string;
	/** Where it ran: `local`, an agent's address, or a shard. */
	where: string;
	joined: boolean;
	/** Why it did not join (an error code such as ROOM_FULL, or `timeout`). */
	failure?: string;
	/** From opening the link (or the ingest request) to seated. */
	joinMs?: number;
	/** From opening the link to the first remote video frame. */
	firstFrameMs?: number;
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

export interface Summary {
	target: number;
	joined: number;
	failed: number;
	failuresByReason: Record<string, number>;
	joinMs: { p50: number; p95: number } | null;
	firstFrameMs: { p50: number; p95: number } | null;
	/** Over every browser tile sample: median fps and the 5th percentile (the worst tiles). */
	fps: { median: number; p5: number } | null;
	/** Tile-samples frozen, over all tile-samples (0..1). */
	freezeRatio: number;
	inKbps: { median: number } | null;
	outKbps: { median: number } | null;
	loss: { median: number; p95: number } | null;
	rttMs: { median: number; p95: number } | null;
	/** The most the server's workers used at once, in cores. */
	serverCpuPeak: number | null;
	/** Each browser participant's share of its Chromium's CPU, percent of one core; and the page's JavaScript heap. */
	browserCpuPercent: { median: number; p95: number } | null;
	browserMemoryMb: { median: number; p95: number } | null;
}

export interface Verdict {
	/** The option, as given: `--min-fps`. */
	name: string;
	limit: number;
	actual: number | null;
	pass: boolean;
}

export interface Report {
	version: typeof REPORT_VERSION;
	startedAt: string;
	durationMs: number;
	/** The invite link's room, without the code. */
	target: string;
	options: Record<string, unknown>;
	participants: ParticipantResult[];
	server: ServerSample[];
	summary: Summary;
	verdicts: Verdict[];
}
