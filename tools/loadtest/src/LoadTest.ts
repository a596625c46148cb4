/**
 * One load test run: browser participants spread over local Chromium
 * processes or agents, bots through the owner app's ingest API, a sample of
 * everyone every second and of the server's /metrics every two, a live
 * progress line, and at the end (or on Ctrl-C) the report with its verdicts.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import { roomSecretOf } from '../../../shared/links.js';
import { median } from './measure.js';
import type { ReceiveTotals } from './bots/BotMedia.js';
import type { Bot } from './bots/Bot.js';
import { BotSwarm } from './bots/BotSwarm.js';
import { BrowserParticipant } from './BrowserParticipant.js';
import { BrowserCpu, connectRemote, launchLocal } from './browsers.js';
import { Churn, type Churnable } from './churn.js';
import { LoadMachine } from './loadMachine.js';
import { type NetworkProfile, profileFor } from './network.js';
import { type AppCredentials, LoadRooms, ownerToken } from './loadRooms.js';
import { REPORT_VERSION, type LoadSample, type ParticipantResult, type Report } from './report.js';
import { ServerWatch } from './serverWatch.js';
import { summarize } from './summary.js';
import { verdictsOf } from './verdicts.js';

export interface LoadTestOptions {
	inviteUrl: string;
	/** Browser participants, and how many share one Chromium process. */
	participants: number;
	perBrowser: number;
	/** Joins per second, browsers and bots together. */
	ramp: number;
	durationSeconds: number;
	/** Fractions of browser participants with the camera and the microphone on. */
	camera: number;
	microphone: number;
	layout: 'grid' | 'speaker';
	/** Agents' (or a grid's) browser-server endpoints; empty for local Chromium. */
	browsers: string[];
	bots: number;
	/** The owner app's credentials, for bots (the room's owner user signs them in) and for `rooms`. */
	app?: AppCredentials;
	/** Make this many rooms of the app and spread the participants over them, instead of the link's one room. */
	rooms?: number;
	/** Leaves (and rejoins) a minute during the steady phase. */
	churnPerMinute?: number;
	/** Network profiles and the share of each kind's participants that runs on each (`--network`). */
	network?: { profile: NetworkProfile; share: number }[];
	/** This run is shard `index` of `count` (1-based): it runs its share of participants, named apart. */
	shard: { index: number; count: number };
	metricsToken?: string;
	thresholds: Record<string, number>;
	joinTimeoutMs: number;
	/** Shards of one run share it (`--run-id`); a fresh one otherwise. */
	runId?: string;
	progress: (line: string) => void;
}

const SAMPLE_MS = 1000;
const SCRAPE_MS = 2000;

/** This shard's share of `total`: the participants whose index falls to it. */
function share(total: number, shard: { index: number; count: number }): number[] {
	return Array.from({ length: total }, (_, i) => i).filter((i) => i % shard.count === shard.index - 1);
}

/** Why a bot's join failed, in a report's words: the server's error code, `timeout`, or the error's first line. */
function failureOf(error: unknown): string {
	return (error as { code?: string }).code ?? (/timed out/.test(String(error)) ? 'timeout' : `error: ${String(error).split('\n')[0]}`);
}

export class LoadTest {
	readonly #options: LoadTestOptions;
	readonly #browsers: Browser[] = [];
	/** Each Chromium's CPU, from its own process list (CDP), shared out over the participants it runs. */
	readonly #browserCpu = new Map<Browser, BrowserCpu>();
	readonly #people: BrowserParticipant[] = [];
	/** Which Chromium each participant runs in. */
	readonly #browserOf = new Map<BrowserParticipant, Browser>();
	readonly #swarm = new BotSwarm();
	readonly #botResults: ParticipantResult[] = [];
	#server: ServerWatch | undefined;
	readonly #loadMachine = new LoadMachine();
	/** Each agent's machine, sampled over its load endpoint (agent.ts), beside this one's. */
	readonly #agentLoad: LoadSample[] = [];
	/** When the last participant had joined: the steady phase starts. */
	#steadyFromMs: number | null = null;
	#rooms: LoadRooms | undefined;
	#churn: Churn | undefined;
	readonly #runId: string;
	/** What each bot had received at the previous sample. */
	readonly #botTotals = new Map<ParticipantResult, ReceiveTotals>();
	/** Bots seated so far, for the progress line while the swarm is still joining. */
	#botsJoined = 0;
	readonly #resultOf = new Map<Bot, ParticipantResult>();
	/** The sample under way, and when the last one began (ms into the run): samples neither overlap nor come as slivers, which would read as tiles at 0 fps. */
	#sampling: Promise<void> | undefined;
	#sampledAt = 0;
	#startedAt = 0;
	readonly #stopping = new AbortController();
	/** When the next join may set out: `ramp` paces browsers and bots together. */
	#nextJoinAt = 0;
	/** The last turn to join handed out: the next waits for it. */
	#turns: Promise<void> = Promise.resolve();

	constructor(options: LoadTestOptions) {
		this.#options = options;
		this.#runId = options.runId ?? randomUUID();
	}

	/** Ends the run early (Ctrl-C): what was measured so far still makes the report. */
	stop(): void {
		this.#stopping.abort();
	}

	async run(): Promise<Report> {
		const options = this.#options;
		this.#startedAt = Date.now();
		const origin = new URL(options.inviteUrl).origin;
		const server = new ServerWatch(origin, options.metricsToken, () => this.#elapsed());
		this.#server = server;
		const timers = [
			setInterval(() => void this.#sample(), SAMPLE_MS),
			setInterval(() => void server.scrape(), SCRAPE_MS),
			setInterval(() => options.progress(this.#progressLine()), 1000),
		];
		try {
			this.#rooms = await LoadRooms.open(options.inviteUrl, options.rooms, options.app, this.#runId);
			await Promise.all([this.#joinBrowsers(), this.#joinBots(origin)]);
			if (!this.#stopping.signal.aborted) this.#steadyFromMs = this.#elapsed();
			const steady = new AbortController();
			this.#churn = options.churnPerMinute ? new Churn(options.churnPerMinute, () => this.#elapsed()) : undefined;
			await Promise.all([
				this.#wait(options.durationSeconds * 1000).then(() => steady.abort()),
				this.#churn?.run(() => this.#churnables(), AbortSignal.any([steady.signal, this.#stopping.signal])),
			]);
		} finally {
			for (const timer of timers) clearInterval(timer);
			// The time since the last sample, unless it is too short to say anything; then who is still in, and one last scrape.
			await this.#sampling;
			if (this.#elapsed() - this.#sampledAt >= SAMPLE_MS / 2) await this.#sample();
			await this.#checkPresence(this.#elapsed(), (person) => person.inRoom());
			await server.last();
			this.#loadMachine.close();
			await Promise.all(this.#people.map((person) => person.leave()));
			this.#swarm.close();
			await Promise.all(this.#browsers.map((browser) => browser.close().catch(() => undefined)));
			await this.#rooms?.close();
		}
		return this.report();
	}

	report(): Report {
		const participants = [...this.#people.map(({ result }) => result), ...this.#botResults];
		const targets = { browsers: share(this.#options.participants, this.#options.shard).length, bots: share(this.#options.bots, this.#options.shard).length };
		const churn = this.#churn?.events ?? [];
		const server = this.#server?.samples ?? [];
		const summary = summarize(participants, server, targets, churn);
		const { progress: _progress, app, metricsToken: _token, ...options } = this.#options;
		const load = [...this.#loadMachine.samples, ...this.#agentLoad].sort((a, b) => a.t - b.t);
		const recorded = { summary, scrapes: this.#server?.scrapes ?? { asked: 0, answered: 0, failures: [] }, load, steadyFromMs: this.#steadyFromMs };
		return {
			version: REPORT_VERSION,
			runId: this.#runId,
			startedAt: new Date(this.#startedAt).toISOString(),
			durationMs: Date.now() - this.#startedAt,
			// The room, not its code: a report may be shared more widely than the link.
			target: `${new URL(options.inviteUrl).origin}/r/…`,
			options: { ...options, inviteUrl: undefined, app: app ? app.id : undefined },
			rooms: this.#rooms?.rooms.map(({ label }) => label) ?? ['room 1'],
			churn,
			participants,
			server,
			...recorded,
			...verdictsOf(recorded, this.#options.thresholds),
		};
	}

	#elapsed(): number {
		return Date.now() - this.#startedAt;
	}

	/** Waits `ms`, or less if the run is stopped. */
	async #wait(ms: number): Promise<void> {
		await sleep(ms, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
	}

	/**
	 * Waits for this join's turn at the ramp's pace; false if the run stopped meanwhile. Turns queue one
	 * behind another, so that one wait at a time listens for the stop (not one per waiting participant,
	 * which passed Node's limit of listeners on the stop signal beyond ten joins).
	 */
	async #turnToJoin(): Promise<boolean> {
		const turn = this.#turns.then(async () => {
			const at = Math.max(Date.now(), this.#nextJoinAt);
			this.#nextJoinAt = at + 1000 / this.#options.ramp;
			await this.#wait(at - Date.now());
		});
		this.#turns = turn;
		await turn;
		return !this.#stopping.signal.aborted;
	}

	/** Browsers first (launched or connected), then people join at the ramp's pace, spread evenly over them. */
	async #joinBrowsers(): Promise<void> {
		const options = this.#options;
		const mine = share(options.participants, options.shard);
		if (mine.length === 0) return;
		const endpoints = options.browsers.length ? options.browsers : ['local'];
		const processes = Math.max(endpoints.length, Math.ceil(mine.length / Math.max(1, options.perBrowser)));
		for (let i = 0; i < processes && !this.#stopping.signal.aborted; i++) {
			const endpoint = endpoints[i % endpoints.length]!;
			const browser = endpoint === 'local' ? await launchLocal() : await connectRemote(endpoint);
			this.#browsers.push(browser);
			this.#browserCpu.set(browser, await BrowserCpu.of(browser));
		}
		const joins: Promise<void>[] = [];
		for (const [n, index] of mine.entries()) {
			if (!await this.#turnToJoin()) break;
			const browser = this.#browsers[n % this.#browsers.length]!;
			const where = options.browsers.length ? options.browsers[n % options.browsers.length]! : 'local';
			const room = this.#rooms!.of(index);
			joins.push(BrowserParticipant.join(browser, options.shard.count > 1 ? `${where} (shard ${options.shard.index}/${options.shard.count})` : where, {
				inviteUrl: room.inviteUrl,
				room: room.label,
				name: `Load ${index + 1}`,
				camera: index < Math.round(options.participants * options.camera),
				microphone: index < Math.round(options.participants * options.microphone),
				layout: options.layout,
				joinTimeoutMs: options.joinTimeoutMs,
				...(this.#networkOf(index, options.participants)),
			}).then((person) => {
				this.#people.push(person);
				this.#browserOf.set(person, browser);
			}));
		}
		await Promise.all(joins);
	}

	async #joinBots(origin: string): Promise<void> {
		const options = this.#options;
		const mine = share(options.bots, options.shard);
		if (mine.length === 0) return;
		if (!options.app) throw new Error('bots need the owner app\'s credentials: --app, --app-secret and --app-user (or ROOMS_LOADTEST_APP...)');
		const appToken = ownerToken(options.app);
		const rooms = this.#rooms!;
		const roomOf = mine.map((index) => rooms.of(index));
		const ids = new Map(await Promise.all([...new Set(roomOf)].map(async (room) => [room, await rooms.idOf(room)] as const)));
		const networks = mine.map((index) => this.#networkOf(index, options.bots));
		const results = mine.map((index, n): ParticipantResult => ({ id: `bots/Bot ${index + 1}`, kind: 'bot', name: `Bot ${index + 1}`, where: 'bots', room: roomOf[n]!.label,
			...(networks[n]!.network ? { network: networks[n]!.network.name } : {}), joined: false, samples: [] }));
		// A bot counts once it sets out: those a stopped run never sent did not fail, and (like browser
		// participants never started) are left out of the report.
		await this.#swarm.join(mine.length, (n) => {
			this.#botResults.push(results[n]!);
			const room = roomOf[n]!;
			// An end-to-end encrypted room's link carries its key: bots exchange keys and send sealed frames as browsers do.
			const roomSecret = roomSecretOf(new URL(room.inviteUrl).hash);
			return { url: origin, roomId: ids.get(room)!, appToken, name: results[n]!.name, speaking: n < 3, grid: { tiles: 9, tileHeight: 180, speakerHeight: 540 },
				...(roomSecret !== undefined && { roomSecret }), ...networks[n]! };
		}, {
			// The ramp alone sets the pace: like browsers, a slow join does not hold up the next.
			concurrency: mine.length,
			pace: () => this.#turnToJoin(),
			joined: (n, bot, ms) => {
				Object.assign(results[n]!, { joined: true, joinMs: ms });
				this.#resultOf.set(bot, results[n]!);
				this.#botsJoined++;
			},
			// A bot that could not join is a finding of the run, with its reason, not the end of it.
			failed: (n, error) => {
				results[n]!.failure = failureOf(error);
			},
		});
	}

	#sample(): Promise<void> {
		if (this.#sampling) return this.#sampling;
		this.#sampling = this.#takeSample().finally(() => {
			this.#sampling = undefined;
		});
		return this.#sampling;
	}

	async #takeSample(): Promise<void> {
		const t = this.#elapsed();
		const seconds = Math.max(0.001, (t - this.#sampledAt) / 1000);
		this.#sampledAt = t;
		this.#loadMachine.sample(t);
		await Promise.all(this.#options.browsers.map((endpoint) => this.#sampleAgent(endpoint, t)));
		const cores = new Map<Browser, number | undefined>();
		await Promise.all([...this.#browserCpu].map(async ([browser, cpu]) => cores.set(browser, await cpu.cores())));
		await Promise.all(this.#people.map((person) => {
			const browser = this.#browserOf.get(person)!;
			const used = cores.get(browser);
			const sharing = this.#people.filter((other) => this.#browserOf.get(other) === browser && other.result.joined).length;
			return person.sample(t, used === undefined || sharing === 0 ? undefined : (used * 100) / sharing);
		}));
		// Presence from the samples just taken: no second look into every page.
		await this.#checkPresence(t, (person) => person.present);
		for (const bot of this.#swarm.bots) {
			const result = this.#resultOf.get(bot);
			if (!result) continue;
			const totals = bot.media.totals();
			const previous = this.#botTotals.get(result) ?? { packets: 0, bytes: 0, lost: 0 };
			this.#botTotals.set(result, totals);
			const [packets, lost] = [totals.packets - previous.packets, totals.lost - previous.lost];
			result.samples.push({ t, tileFps: [], frozenTiles: 0, inKbps: ((totals.bytes - previous.bytes) * 8) / 1000 / seconds, outKbps: 0,
				loss: packets + lost > 0 ? lost / (packets + lost) : 0 });
		}
	}

	/** Participant `index` of `total` of its kind: the network profile it runs on, if any. */
	#networkOf(index: number, total: number): { network?: NetworkProfile } {
		const profile = this.#options.network ? profileFor(this.#options.network, index, total) : undefined;
		return profile ? { network: profile } : {};
	}

	/** An agent's machine now, from its load endpoint (the same secret as its browsers'); a miss is a gap, and a machine never sampled is not a pass. */
	async #sampleAgent(endpoint: string, t: number): Promise<void> {
		const url = new URL(endpoint);
		url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
		url.pathname = `${url.pathname.replace(/\/$/, '')}/load`;
		const answer = await fetch(url, { signal: AbortSignal.timeout(900) }).then((response) => (response.ok ? response.json() : undefined))
			.catch(() => undefined) as { cpu?: number; eventLoopP99Ms?: number } | undefined;
		if (answer?.cpu === undefined) return;
		this.#agentLoad.push({ machine: url.host, t, cpu: answer.cpu, eventLoopP99Ms: answer.eventLoopP99Ms ?? 0 });
	}

	/** Who is in the room now: a browser on the call's screen (not reconnecting, as `present` says), a bot with its socket. */
	async #checkPresence(t: number, present: (person: BrowserParticipant) => boolean | Promise<boolean>): Promise<void> {
		const seen = (result: ParticipantResult, present: boolean) => {
			if (!result.joined) return;
			if (present) delete result.outSinceMs;
			else if (result.outSinceMs === undefined) {
				result.outSinceMs = t;
				result.drops = (result.drops ?? 0) + 1;
			}
		};
		// Those out on purpose (churn) are neither in nor dropped.
		const away = (result: ParticipantResult) => this.#churn?.away.has(result.id) ?? false;
		await Promise.all(this.#people.filter(({ result }) => !away(result)).map(async (person) => seen(person.result, await present(person))));
		for (const bot of this.#swarm.bots) {
			const result = this.#resultOf.get(bot);
			if (result && !away(result)) seen(result, bot.signaling.connected);
		}
	}

	/** Everyone in the room now, as churn can take them out and bring them back. */
	#churnables(): Churnable[] {
		const inRoom = (result: ParticipantResult) => result.joined && result.outSinceMs === undefined;
		const people = this.#people.filter(({ result }) => inRoom(result)).map((person): Churnable => ({
			id: person.result.id, leave: () => person.leave(), rejoin: () => person.rejoin(), receiving: () => person.receiving(),
		}));
		const bots = this.#swarm.bots.flatMap((bot): Churnable[] => {
			const result = this.#resultOf.get(bot);
			if (!result || !inRoom(result)) return [];
			let current = bot;
			return [{
				id: result.id,
				leave: async () => this.#swarm.leave(bot),
				rejoin: async () => {
					const started = performance.now();
					try {
						current = await this.#swarm.rejoin(bot);
					} catch (error) {
						return { failure: failureOf(error) };
					}
					// A new participant: its totals start again from nothing.
					this.#resultOf.set(current, result);
					this.#botTotals.delete(result);
					return { ms: performance.now() - started };
				},
				receiving: async () => current !== bot && current.media.totals().packets > 0,
			}];
		});
		return [...people, ...bots];
	}

	#progressLine(): string {
		const results = [...this.#people.map(({ result }) => result), ...this.#botResults];
		const joined = this.#people.filter(({ result }) => result.joined).length + this.#botsJoined;
		const failed = results.filter((result) => !result.joined && result.failure).length;
		const out = results.filter((result) => result.joined && result.outSinceMs !== undefined).length;
		const target = share(this.#options.participants, this.#options.shard).length + share(this.#options.bots, this.#options.shard).length;
		const latest = this.#people.flatMap(({ result }) => result.samples.at(-1)?.tileFps ?? []);
		const frozen = this.#people.reduce((sum, { result }) => sum + (result.samples.at(-1)?.frozenTiles ?? 0), 0);
		const server = this.#server?.status() ?? '';
		const machine = [this.#loadMachine.samples.at(-1), ...this.#options.browsers.map((endpoint) => this.#agentLoad.findLast(({ machine: host }) => endpoint.includes(`//${host}/`)))]
			.filter((sample) => sample !== undefined).sort((a, b) => b.cpu - a.cpu)[0];
		return `${Math.round(this.#elapsed() / 1000)} s: joined ${joined} / failed ${failed} / target ${target}${out ? ` / OUT OF THE ROOM ${out}` : ''}`
			+ (latest.length ? `, fps median ${median(latest).toFixed(1)} worst ${Math.min(...latest).toFixed(1)}` : '')
			+ `, frozen tiles ${frozen}` + server + (machine ? `, busiest load machine (${machine.machine}) CPU ${Math.round(machine.cpu * 100)} %` : '');
	}
}
