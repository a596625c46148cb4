/**
 * The join storm of `bench:sfu`: every bot starts joining within a few
 * seconds, and we measure what people feel (request-to-ack latency of every
 * signalling request), what the server feels (its event loop's delay, from
 * its own /metrics) and when the last subscription is in place.
 */
import { Bot } from '../../../tools/loadtest/src/bots/Bot.js';
import { loadClip } from '../../../tools/loadtest/src/bots/clip.js';
import { MediaClock } from '../../../tools/loadtest/src/bots/BotSwarm.js';
import { createRoom } from '../../support/server.js';
import { ownerToken } from '../../support/rooms.js';
import { startServerProcess } from '../../support/serverProcess.js';
import { metricSum, percentile, progress, scrapeMetrics } from '../../../tools/loadtest/src/measure.js';
import { sleep } from '../support/measure.js';
import { isSpeaker, type RoomShape } from './steady.js';
import { type FloorBot, FloorRoom } from './floor.js';

export interface StormFigures {
	participants: number;
	/** Over how long the joins started. */
	spreadSeconds: number;
	ackMs: { p50: number; p99: number; requests: number };
	/** The server's event-loop delay p99 during the storm (prom-client's monitorEventLoopDelay). */
	eventLoopP99Ms: number;
	/** Each bot's join: from asking for a seat until it is seated, sending, and its receive transport open. */
	joinMs: { p50: number; p95: number };
	/** From the first join's start until every bot's subscriptions were in place. */
	allSubscribedSeconds: number;
}

/** The same storm against bare mediasoup (the floor): what the join and the subscriptions cost at the least. */
export interface FloorStormFigures {
	participants: number;
	spreadSeconds: number;
	joinMs: { p50: number; p95: number };
	allSubscribedSeconds: number;
}

export interface StormRoom {
	figures: StormFigures;
	inviteUrl: string;
	/** Leaves one bot out (room for a browser), then ends. */
	dropOne(): void;
	close(): Promise<void>;
}

export async function runStorm(shape: RoomShape, spreadSeconds: number): Promise<StormRoom> {
	const server = await startServerProcess({ ROOMS_WORKERS: '1', ROOMS_WORKER_CONSUMER_BUDGET: '100000', ROOMS_RATE_LIMIT_PER_MINUTE: '1000000' });
	const clock = new MediaClock();
	const bots: Bot[] = [];
	try {
		const clip = await loadClip();
		const { room, inviteUrl } = await createRoom(server.url, { maxParticipants: 50 });
		// Resets the server's event-loop histogram: the next scrape covers the storm only.
		await scrapeMetrics(server.url);
		const started = performance.now();
		const joinMs: number[] = [];
		await Promise.all(Array.from({ length: shape.participants }, async (_, index) => {
			await sleep((index * spreadSeconds * 1000) / shape.participants);
			const joining = performance.now();
			const bot = await Bot.join({
				url: server.url, roomId: room.id, appToken: ownerToken(), name: `Bot ${index + 1}`, speaking: isSpeaker(index, shape), grid: shape.grid,
			}, clip);
			joinMs.push(performance.now() - joining);
			bots.push(bot);
			clock.add(bot.media);
			progress(`join storm: ${bots.length}/${shape.participants} joined`);
		}));
		while (!bots.every((bot) => bot.subscribed)) {
			if (performance.now() - started > 120_000) throw new Error('the storm\'s subscriptions did not settle within 120 s');
			await sleep(50);
		}
		const allSubscribedSeconds = (performance.now() - started) / 1000;
		const eventLoopP99Ms = metricSum(await scrapeMetrics(server.url), 'nodejs_eventloop_lag_p99_seconds') * 1000;
		const acks = bots.flatMap((bot) => bot.timings.map(({ ms }) => ms));
		const figures: StormFigures = {
			participants: shape.participants,
			spreadSeconds,
			ackMs: { p50: Number(percentile(acks, 0.5).toFixed(1)), p99: Number(percentile(acks, 0.99).toFixed(1)), requests: acks.length },
			eventLoopP99Ms: Number(eventLoopP99Ms.toFixed(1)),
			joinMs: milliseconds(joinMs),
			allSubscribedSeconds: Number(allSubscribedSeconds.toFixed(2)),
		};
		return {
			figures,
			inviteUrl,
			dropOne() {
				const bot = bots.pop();
				if (bot) {
					clock.delete(bot.media);
					bot.close();
				}
			},
			async close() {
				clock.stop();
				for (const bot of bots) bot.close();
				server.child.kill('SIGTERM');
				await Promise.race([server.exited, sleep(5000).then(() => server.child.kill('SIGKILL'))]);
			},
		};
	} catch (error) {
		clock.stop();
		for (const bot of bots) bot.close();
		server.child.kill('SIGKILL');
		throw error;
	}
}

function milliseconds(values: number[]): { p50: number; p95: number } {
	return { p50: Math.round(percentile(values, 0.5)), p95: Math.round(percentile(values, 0.95)) };
}

/**
 * The storm on the floor: the same bots joining over the same spread, each
 * consuming everyone already there as the room's grid viewers do (every
 * camera, the off-page ones paused; live microphones), and everyone there
 * consuming it, all at once. Done when every consumer exists.
 */
export async function runFloorStorm(shape: RoomShape, spreadSeconds: number): Promise<FloorStormFigures> {
	const floor = await FloorRoom.start();
	// Media flows while the others join, as in the room's storm.
	const clock = new MediaClock();
	try {
		const clip = await loadClip();
		const speakerIndex = 0;
		const seated: FloorBot[] = [];
		const joinMs: number[] = [];
		const started = performance.now();
		await Promise.all(Array.from({ length: shape.participants }, async (_, index) => {
			await sleep((index * spreadSeconds * 1000) / shape.participants);
			const joining = performance.now();
			const bot = await floor.join(clip, isSpeaker(index, shape));
			joinMs.push(performance.now() - joining);
			clock.add(bot.media);
			// Taken and grown in one step: each pair is subscribed once, by whichever of the two came second.
			const others = [...seated];
			seated.push(bot);
			progress(`floor storm: ${seated.length}/${shape.participants} joined`);
			const speaker = () => floor.bots[speakerIndex]!;
			await Promise.all(others.flatMap((other) => [floor.consume(bot, other, shape.grid, speaker()), floor.consume(other, bot, shape.grid, speaker())]));
		}));
		return {
			participants: shape.participants, spreadSeconds, joinMs: milliseconds(joinMs),
			allSubscribedSeconds: Number(((performance.now() - started) / 1000).toFixed(2)),
		};
	} finally {
		clock.stop();
		floor.close();
	}
}
