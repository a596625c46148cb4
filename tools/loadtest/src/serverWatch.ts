/**
 * The server under test, as the load tool watches it: a preflight before
 * anything starts, then its /metrics every two seconds (its workers' CPU,
 * consumers, media, rooms, participants, event loop and join answers), with
 * every scrape that went unanswered and why: a dead server is a finding.
 */
import { METRIC } from '../../../shared/metricNames.js';
import { metricSum, scrapeMetrics } from './measure.js';
import type { ScrapeLog, ServerSample } from './report.js';

/** The cause under fetch's "fetch failed": `connect ECONNREFUSED 127.0.0.1:3000`. */
const causeOf = (error: Error) => (error.cause as Error | undefined)?.message ?? error.message;
const bearer = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/**
 * Before anything starts: the server answers, the invite link's room can be joined (unless `checkInvite` is
 * false: with --rooms the link only names the server), and /metrics answers (with the token, if it needs one).
 * Throws one plain sentence naming the cause (the CLI exits 2 on it).
 */
export async function preflight(inviteUrl: string, metricsToken?: string, checkInvite = true): Promise<void> {
	const link = new URL(inviteUrl);
	const code = link.pathname.split('/').pop() ?? '';
	const probe = checkInvite ? `${link.origin}/api/v1/invites/${encodeURIComponent(code)}` : `${link.origin}/healthz`;
	const response = await fetch(probe, { signal: AbortSignal.timeout(10_000) }).catch((error: Error) => {
		throw new Error(`cannot reach the server at ${link.origin}: ${causeOf(error)}`);
	});
	if (!response.ok) {
		const body = await response.json().catch(() => ({})) as { error?: { code?: string; message?: string } };
		throw new Error(`the invite link's room cannot be joined: ${body.error?.code ?? `HTTP ${response.status}`}${body.error?.message ? ` (${body.error.message})` : ''}`);
	}
	await scrapeMetrics(link.origin, bearer(metricsToken)).catch((error: Error) => {
		throw new Error(`the server's /metrics does not answer: ${causeOf(error)}`);
	});
}

export class ServerWatch {
	readonly samples: ServerSample[] = [];
	readonly scrapes: ScrapeLog = { asked: 0, answered: 0, failures: [] };
	/** Each worker's CPU seconds at the previous scrape. */
	#cpuSeconds = new Map<string, number>();
	#scraping: Promise<void> | undefined;

	/** `elapsed`: ms into the run, the clock every sample is on. */
	constructor(private readonly origin: string, private readonly metricsToken: string | undefined, private readonly elapsed: () => number) {}

	/** One scrape, unless one is under way: a slow answer (a busy server) followed at once by a quick one would make a rate of nothing. */
	scrape(): Promise<void> {
		this.#scraping ??= this.#scrapeOnce().finally(() => {
			this.#scraping = undefined;
		});
		return this.#scraping;
	}

	/** The last scrape, after any under way has finished: the server's state at the end of the run. */
	async last(): Promise<void> {
		await this.#scraping;
		await this.scrape();
	}

	/** What the progress line says of the server: its CPU while it answers, and its silence when it does not (never a stale figure). */
	status(): string {
		const lastFailure = this.scrapes.failures.at(-1);
		const lastAnswer = this.samples.at(-1);
		if (lastFailure && (!lastAnswer || lastFailure.t > lastAnswer.t)) {
			return `, SERVER NOT ANSWERING since ${Math.round(lastFailure.t / 1000)} s (${this.scrapes.failures.length} failed scrapes)`;
		}
		return lastAnswer ? `, server CPU ${(lastAnswer.workerCpu * 100).toFixed(0)} % of a core` : '';
	}

	async #scrapeOnce(): Promise<void> {
		const asked = this.elapsed();
		// A scrape that fails (a busy, dead or restarting server) is recorded: the built-in verdict fails the run on it.
		this.scrapes.asked++;
		const values = await scrapeMetrics(this.origin, bearer(this.metricsToken)).catch((error: Error) => {
			this.scrapes.failures.push({ t: asked, error: causeOf(error) });
			return undefined;
		});
		if (!values) return;
		this.scrapes.answered++;
		const bitrate = (direction: string) => [...values].reduce((sum, [key, value]) =>
			sum + (key.startsWith(`${METRIC.mediaBitrate}{`) && key.includes(`direction="${direction}"`) ? value : 0), 0);
		const joins: Record<string, number> = {};
		for (const [key, value] of values) {
			const match = new RegExp(`^${METRIC.signalingRequests}\\{request="room\\.join",result="([^"]+)"\\}$`).exec(key);
			if (match) joins[match[1]!] = value;
		}
		// The server read its figures somewhere between the request and the answer, which a busy server sends late:
		// the middle is the best guess of when.
		const t = (asked + this.elapsed()) / 2;
		// Per worker, and only workers in both scrapes: a worker too busy to answer one scrape (or a new one) would
		// otherwise count all its CPU time since it started as used in two seconds.
		const cpuSeconds = new Map<string, number>();
		for (const [key, value] of values) {
			const match = new RegExp(`^${METRIC.workerCpuSeconds}\\{worker="([^"]+)"\\}$`).exec(key);
			if (match) cpuSeconds.set(match[1]!, value);
		}
		const previous = this.samples.at(-1);
		let busy = 0;
		for (const [worker, seconds] of cpuSeconds) {
			const before = this.#cpuSeconds.get(worker);
			// A worker is one thread: more than a core is an artefact of the timing above, not a figure.
			if (previous && before !== undefined && seconds >= before) busy += Math.min(1, (seconds - before) / ((t - previous.t) / 1000));
		}
		this.#cpuSeconds = cpuSeconds;
		this.samples.push({
			t,
			workerCpu: busy,
			consumers: metricSum(values, METRIC.workerConsumers),
			receivedKbps: bitrate('received') / 1000,
			sentKbps: bitrate('sent') / 1000,
			rooms: metricSum(values, METRIC.liveRooms),
			participants: metricSum(values, METRIC.participants),
			...(values.has('nodejs_eventloop_lag_p99_seconds') ? { eventLoopP99Ms: values.get('nodejs_eventloop_lag_p99_seconds')! * 1000 } : {}),
			joins,
		});
	}
}
