/**
 * A steady room under `bench:sfu`: bots in a room of ours (the real server
 * in its own process) or on the bare-mediasoup floor, and what one
 * measurement window of it costs: CPU of the worker(s), of the server's main
 * process and of the bots' own process, packets and bits forwarded, loss.
 */
import { newRoomSecret } from '../../../shared/e2ee/roomSecret.js';
import { api, createRoom } from '../../support/server.js';
import { startServerProcess, type ServerProcess } from '../../support/serverProcess.js';
import { ownerToken } from '../../support/rooms.js';
import { BotSwarm, MediaClock } from '../../../tools/loadtest/src/bots/BotSwarm.js';
import type { BotOptions } from '../../../tools/loadtest/src/bots/Bot.js';
import type { ReceiveTotals } from '../../../tools/loadtest/src/bots/BotMedia.js';
import { METRIC } from '../../../shared/metricNames.js';
import { loadClip } from '../../../tools/loadtest/src/bots/clip.js';
import { FloorRoom } from './floor.js';
import { median, metricSum, percentile, progress, scrapeMetrics } from '../../../tools/loadtest/src/measure.js';
import { CpuMeter, sleep, workerPids } from '../support/measure.js';

export interface RoomShape {
	participants: number;
	/** Bots whose microphone is on. */
	speakers: number;
	/** A 5×5 grid page: this many others' tiles at `tileHeight`, and the active speaker at `speakerHeight` (and how bots subscribe: BotOptions.grid). */
	grid: NonNullable<BotOptions['grid']>;
}

export interface Window {
	seconds: number;
	/** Consumers open on the server, paused ones included (video off screen). */
	consumers: number;
	/** Of those, the ones forwarding media. */
	forwarding: number;
	packetsPerSecond: number;
	mbitPerSecond: number;
	/** Lost / (received + lost) at the bots, in %. */
	lossPercent: number;
	/** % of one core: all workers together, the server's Node process (0 for the floor), the bots' process. */
	workerCpu: number;
	mainCpu: number;
	botsCpu: number;
}

export interface JoinFigures {
	medianMs: number;
	p95Ms: number;
}

/** Speakers spread through the room, so that the active speaker is often outside someone's page. */
export function isSpeaker(index: number, shape: RoomShape): boolean {
	return index % Math.ceil(shape.participants / shape.speakers) === 0 && index / Math.ceil(shape.participants / shape.speakers) < shape.speakers;
}

function delta(after: ReceiveTotals, before: ReceiveTotals): ReceiveTotals {
	return { packets: after.packets - before.packets, bytes: after.bytes - before.bytes, lost: after.lost - before.lost };
}

/** Measures `seconds` of the running load. */
async function measureWindow(seconds: number, totals: () => ReceiveTotals, pids: { workers: number[]; main?: number },
	consumers: () => Promise<{ open: number; forwarding: number }>, label: string): Promise<Window> {
	const meter = new CpuMeter([...pids.workers, ...(pids.main ? [pids.main] : []), process.pid]);
	const before = totals();
	const started = performance.now();
	meter.start();
	for (let second = 1; second <= seconds; second++) {
		await sleep(1000);
		progress(`${label}: measuring ${second}/${seconds} s`);
	}
	const cpu = meter.stop();
	const wall = (performance.now() - started) / 1000;
	const got = delta(totals(), before);
	const workerCpu = cpu.slice(0, pids.workers.length).reduce((sum, value) => sum + value, 0);
	const { open, forwarding } = await consumers();
	return {
		seconds,
		consumers: open,
		forwarding,
		packetsPerSecond: Math.round(got.packets / wall),
		mbitPerSecond: Number(((got.bytes * 8) / wall / 1e6).toFixed(1)),
		lossPercent: Number(((got.lost / Math.max(1, got.packets + got.lost)) * 100).toFixed(3)),
		workerCpu: Number(workerCpu.toFixed(1)),
		mainCpu: Number((pids.main ? cpu[pids.workers.length]! : 0).toFixed(1)),
		botsCpu: Number(cpu.at(-1)!.toFixed(1)),
	};
}

/** A room of ours with bots in it, for as long as the caller measures. */
export class OurRoom {
	private constructor(readonly server: ServerProcess, readonly swarm: BotSwarm, readonly roomId: string, readonly inviteUrl: string) {}

	/**
	 * Starts a server with `workers` workers and joins the bots, `concurrency`
	 * at a time; with `e2ee`, into an end-to-end encrypted room whose key the
	 * bots share, exchanging keys and sending sealed frames as browsers do.
	 */
	static async start(shape: RoomShape, options: { workers: number; consumerBudget: number; label: string; concurrency?: number; e2ee?: boolean; workerBin?: string }): Promise<OurRoom> {
		const server = await startServerProcess({
			// mediasoup takes another worker binary from this variable (the bench's before/after comparison).
			...(options.workerBin ? { MEDIASOUP_WORKER_BIN: options.workerBin } : {}),
			ROOMS_WORKERS: String(options.workers),
			ROOMS_WORKER_CONSUMER_BUDGET: String(options.consumerBudget),
			ROOMS_RATE_LIMIT_PER_MINUTE: '1000000',
		});
		const swarm = new BotSwarm();
		try {
			const { room, inviteUrl } = await createRoom(server.url, { maxParticipants: 50, e2ee: options.e2ee ?? false });
			const roomSecret = options.e2ee ? newRoomSecret() : undefined;
			await swarm.join(shape.participants, (index) => ({
				url: server.url, roomId: room.id, appToken: ownerToken(), name: `Bot ${index + 1}`, speaking: isSpeaker(index, shape), grid: shape.grid,
				...(roomSecret !== undefined && { roomSecret }),
			}), { concurrency: options.concurrency ?? 4, progress: (joined) => progress(`${options.label}: ${joined}/${shape.participants} joined`) });
			const ours = new OurRoom(server, swarm, room.id, inviteUrl);
			const { subscribed, refusals } = await ours.settled(options.label);
			if (subscribed < shape.participants) throw new Error(`only ${subscribed}/${shape.participants} bots subscribed; refusals: ${JSON.stringify(refusals)}`);
			return ours;
		} catch (error) {
			swarm.close();
			server.child.kill('SIGKILL');
			throw error;
		}
	}

	/**
	 * Waits until every bot's subscriptions are in place (at most 60 s), then
	 * a little for layers to settle. Resolves how many bots got there and what
	 * the server refused: an overloaded server is a finding, not a crash.
	 */
	async settled(label: string): Promise<{ subscribed: number; refusals: Record<string, number> }> {
		const subscribed = () => this.swarm.bots.filter((bot) => bot.subscribed).length;
		const untilAll = async (ms: number) => {
			const deadline = Date.now() + ms;
			while (subscribed() < this.swarm.bots.length && Date.now() < deadline) {
				progress(`${label}: ${subscribed()}/${this.swarm.bots.length} subscribed`);
				await sleep(250);
			}
		};
		await untilAll(60_000);
		await sleep(3000);
		// A new active speaker sends every bot after one more tile at once: wait that out too.
		await untilAll(10_000);
		const refusals: Record<string, number> = {};
		for (const bot of this.swarm.bots) for (const [code, count] of bot.failures) refusals[code] = (refusals[code] ?? 0) + count;
		return { subscribed: subscribed(), refusals };
	}

	get joins(): JoinFigures {
		return { medianMs: Math.round(median(this.swarm.joinMs)), p95Ms: Math.round(percentile(this.swarm.joinMs, 0.95)) };
	}

	measure(seconds: number, label: string): Promise<Window> {
		const main = this.server.child.pid!;
		const workers = workerPids(main);
		// No worker found would read as a worker using 0 % of a core: a figure never measured is no figure.
		if (workers.length === 0) throw new Error('no mediasoup-worker process under the server: its CPU cannot be measured');
		return measureWindow(seconds, () => this.swarm.totals(), { workers, main },
			async () => {
				const metrics = await scrapeMetrics(this.server.url);
				return { open: metricSum(metrics, METRIC.workerConsumers), forwarding: metricSum(metrics, METRIC.workerConsumersForwarding) };
			}, label);
	}

	async close(): Promise<void> {
		this.swarm.close();
		this.server.child.kill('SIGTERM');
		await Promise.race([this.server.exited, sleep(5000).then(() => this.server.child.kill('SIGKILL'))]);
	}

	/** The owner API's view of the room, to check the bench measured what it meant to. */
	async participantCount(): Promise<number> {
		const response = await api(this.server.url, 'GET', `/api/v1/rooms/${this.roomId}`, { token: ownerToken() });
		return response.body.room.participantCount;
	}
}

/** The same bots and subscriptions on bare mediasoup. */
export async function runFloor(shape: RoomShape, seconds: number, workerBin?: string): Promise<{ window: Window; joins: JoinFigures }> {
	const floor = await FloorRoom.start(workerBin);
	const clock = new MediaClock();
	try {
		const clip = await loadClip();
		const joinMs: number[] = [];
		for (let index = 0; index < shape.participants; index++) {
			const started = performance.now();
			const bot = await floor.join(clip, isSpeaker(index, shape));
			joinMs.push(performance.now() - started);
			clock.add(bot.media);
			progress(`floor: ${index + 1}/${shape.participants} joined`);
		}
		const speaker = floor.bots[0]!;
		const offPage = await floor.subscribeGrid(shape.grid, speaker);
		await sleep(3000);
		const totals = () => floor.bots.reduce((sum, bot) => {
			const got = bot.media.totals();
			return { packets: sum.packets + got.packets, bytes: sum.bytes + got.bytes, lost: sum.lost + got.lost };
		}, { packets: 0, bytes: 0, lost: 0 });
		const window = await measureWindow(seconds, totals, { workers: [floor.worker.pid] },
			async () => {
				const open = (await floor.router.dump()).mapConsumerIdProducerId.length;
				// As in the room: off-page cameras' consumers are paused (muted microphones have none).
				return { open, forwarding: open - offPage };
			}, 'floor');
		return { window, joins: { medianMs: Number(median(joinMs).toFixed(1)), p95Ms: Number(percentile(joinMs, 0.95).toFixed(1)) } };
	} finally {
		clock.stop();
		floor.close();
	}
}
