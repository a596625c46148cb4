/**
 * The SFU benchmark: synthetic participants (bots) publishing Opus and
 * three-layer VP8 simulcast over SRTP, subscribed as grid viewers, on this
 * machine. One run does it all, in this order:
 *   1. floor       - the same load on bare mediasoup (no rooms, no signalling), with
 *                    the room's topology: off-page cameras consumed and paused
 *   2. grid room   - a room of ours on one worker, sustained for --seconds
 *   3. sweep       - the same room showing more tiles each, step by step
 *   4. two workers - the same room spread over two workers
 *   5. join storm  - every bot joining within --storm-seconds; then again with
 *                    every client sending its view while it consumes; then
 *                    the same storm on bare mediasoup (the floor storm)
 *   6. first frame - a real Chromium joining by invite link a room of bots
 * Prints a table, and writes bench-results/sfu-<timestamp>.json.
 *
 *   npm run bench:sfu [-- --participants 50 --seconds 60 --joins 10]
 *   npm run bench:sfu -- --compare-worker <old mediasoup-worker> [--rounds 2]
 *     instead: the floor and the grid room on the installed worker and on the
 *     given one, alternating, for SRTP packets a second per core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, measureFirstFrames } from './support/firstFrame.js';
import { endProgress, progress } from '../../tools/loadtest/src/measure.js';
import { OurRoom, type RoomShape, runFloor, type Window } from './sfu/steady.js';
import { runFloorStorm, runStorm } from './sfu/storm.js';
import { asWorkerBinary, compareTable, compareWorkers } from './sfu/compareWorkers.js';

const USAGE = `npm run bench:sfu [-- options]
  --participants N     bots in the room [50]
  --speakers N         of them with the microphone on [3]
  --seconds S          each measured window [60]
  --sweep LIST         tiles per viewer, step by step [6,12,24,36,49]
  --sweep-seconds S    each sweep step [10]
  --storm-seconds S    the join storm's spread [5]
  --joins N            first-frame joins by a real Chromium [10]
  --out DIR            where the JSON goes [bench-results]
  --compare-worker BIN instead of the full run: the floor and the grid room on the installed worker
                       and on BIN, alternating, --rounds times [2]
  --help               this text`;

const parsed = (() => {
	try {
		return parseArgs({
			options: {
				help: { type: 'boolean' },
				'compare-worker': { type: 'string' },
				rounds: { type: 'string', default: '2' },
				participants: { type: 'string', default: '50' },
				speakers: { type: 'string', default: '3' },
				seconds: { type: 'string', default: '60' },
				sweep: { type: 'string', default: '6,12,24,36,49' },
				'sweep-seconds': { type: 'string', default: '10' },
				'storm-seconds': { type: 'string', default: '5' },
				joins: { type: 'string', default: '10' },
				out: { type: 'string', default: 'bench-results' },
			},
		});
	} catch (error) {
		// One line, not a stack trace: an unknown option or a missing value.
		console.error(`[bench] ${(error as Error).message} (npm run bench:sfu -- --help lists the options)`);
		process.exit(2);
	}
})();
const { values } = parsed;
if (values.help) {
	console.log(USAGE);
	process.exit(0);
}
const participants = Number(values.participants);
const seconds = Number(values.seconds);
const sweepSeconds = Number(values['sweep-seconds']);
const shape: RoomShape = {
	participants,
	speakers: Math.min(participants, Number(values.speakers)),
	// A 5×5 page: 24 others and oneself, thumbnails at the lowest layer; the speaker at 360p. Every camera is consumed,
	// those off the page paused by the server, as the web app ends up doing (the floor has the same consumers).
	grid: { tiles: Math.min(24, participants - 1), tileHeight: 180, speakerHeight: 360, consumeAll: true },
};
const sweepTiles = values.sweep.split(',').map(Number).filter((tiles) => tiles > 0 && tiles < participants);
/** The capacity limits: a worker this busy, or losing this much, is past what it should carry. */
const MAX_WORKER_CPU = 80;
const MAX_LOSS_PERCENT = 0.5;

const ratio = (ours: number, floor: number) => Number((ours / floor).toFixed(2));

async function gridRoomAndSweep() {
	const room = await OurRoom.start(shape, { workers: 1, consumerBudget: 100_000, label: 'grid room' });
	try {
		const window = await room.measure(seconds, 'grid room');
		const sweep: (Window & { tiles: number; subscribed: number; refusals: Record<string, number> })[] = [];
		for (const tiles of sweepTiles) {
			for (const bot of room.swarm.bots) bot.setGrid({ ...shape.grid, tiles });
			const { subscribed, refusals } = await room.settled(`sweep ${tiles} tiles`);
			sweep.push({ tiles, subscribed, refusals, ...await room.measure(sweepSeconds, `sweep ${tiles} tiles`) });
			// Past capacity: the server could not set up every subscription; larger steps would only say so again.
			if (subscribed < participants) break;
		}
		return { window, joins: room.joins, sweep };
	} finally {
		await room.close();
	}
}

async function twoWorkers() {
	const room = await OurRoom.start(shape, { workers: 2, consumerBudget: 500, label: 'two workers' });
	try {
		return { window: await room.measure(seconds, 'two workers'), joins: room.joins };
	} finally {
		await room.close();
	}
}

/** The storm again with every client sending its view without waiting for the answer before consuming, as the web app can. */
async function concurrentViewStorm() {
	const storm = await runStorm({ ...shape, grid: { ...shape.grid, concurrentView: true } }, Number(values['storm-seconds']));
	try {
		return storm.figures;
	} finally {
		await storm.close();
	}
}

async function stormAndFirstFrame() {
	const storm = await runStorm(shape, Number(values['storm-seconds']));
	try {
		// A browser takes the 50th seat.
		storm.dropOne();
		const browser = await launchChromium();
		try {
			const { summary } = await measureFirstFrames(browser, storm.inviteUrl, Number(values.joins), (message) => progress(`first frame: ${message}`));
			return { storm: storm.figures, firstFrame: { joins: Number(values.joins), bots: participants - 1, ms: summary.total, phases: summary } };
		} finally {
			await browser.close();
		}
	} finally {
		await storm.close();
	}
}

const startedAt = new Date();
fs.mkdirSync(values.out, { recursive: true });
if (values['compare-worker']) {
	const old = values['compare-worker'];
	if (!fs.existsSync(old)) {
		console.error(`[bench] no worker binary at ${old}`);
		process.exit(2);
	}
	const figures = await asWorkerBinary(old, (bin) => compareWorkers(shape, seconds, Number(values.rounds), [{ label: 'installed' }, { label: old, bin }]));
	endProgress();
	console.table(compareTable(figures));
	const compared = path.join(values.out, `sfu-workers-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
	fs.writeFileSync(compared, `${JSON.stringify({ startedAt: startedAt.toISOString(), shape, seconds, figures }, null, 2)}\n`);
	console.log(`[bench] wrote ${compared}`);
	process.exit(0);
}
const file = path.join(values.out, `sfu-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
/** Each part's figures are written as soon as it ends, so a later failure loses nothing measured. */
const partial: Record<string, unknown> = { startedAt: startedAt.toISOString(), shape };
const save = <T>(name: string, figures: T): T => {
	partial[name] = figures;
	fs.writeFileSync(file, `${JSON.stringify(partial, null, 2)}\n`);
	return figures;
};
const floor = save('floor', await runFloor(shape, seconds));
const grid = save('gridRoom', await gridRoomAndSweep());
const two = save('twoWorkers', await twoWorkers());
const { storm, firstFrame } = save('stormAndFirstFrame', await stormAndFirstFrame());
const stormWithViews = save('joinStormConcurrentView', await concurrentViewStorm());
const floorStorm = save('floorStorm', await runFloorStorm(shape, Number(values['storm-seconds'])));
endProgress();

const passing = grid.sweep.filter((step) => step.subscribed === participants && step.workerCpu <= MAX_WORKER_CPU && step.lossPercent <= MAX_LOSS_PERCENT);
const best = passing.at(-1);
const results = {
	startedAt: startedAt.toISOString(),
	machine: { cores: (await import('node:os')).availableParallelism(), node: process.version },
	shape,
	gridRoom: { ...grid.window, joins: grid.joins },
	floor: { ...floor.window, joins: floor.joins },
	oursOverFloor: {
		workerCpu: ratio(grid.window.workerCpu, floor.window.workerCpu),
		totalCpu: ratio(grid.window.workerCpu + grid.window.mainCpu, floor.window.workerCpu + floor.window.mainCpu),
		joinTime: ratio(grid.joins.medianMs, floor.joins.medianMs),
	},
	sweep: grid.sweep,
	capacity: best
		? { forwardingConsumersPerWorker: best.forwarding, openConsumersPerWorker: best.consumers, tiles: best.tiles,
			srtpPacketsPerSecondPerCore: Math.round(best.packetsPerSecond / (best.workerCpu / 100)), limitedBy: passing.length === grid.sweep.length ? 'the sweep\'s largest step (bots or grid size)' : 'worker CPU, loss or subscriptions not set up' }
		: null,
	twoWorkers: { ...two.window, joins: two.joins, totalWorkerCpuOverOne: ratio(two.window.workerCpu, grid.window.workerCpu) },
	joinStorm: { ...storm, allSubscribedOverFloor: ratio(storm.allSubscribedSeconds, floorStorm.allSubscribedSeconds) },
	joinStormConcurrentView: { ...stormWithViews, allSubscribedOverFloor: ratio(stormWithViews.allSubscribedSeconds, floorStorm.allSubscribedSeconds) },
	floorStorm,
	firstFrame,
};

// Egress against the floor's, which has the same topology: a layer left too high (or a tile left unpaused) shows as more than 1.
const row = (name: string, window: Window) => [name, window.forwarding, window.consumers, window.packetsPerSecond, ratio(window.packetsPerSecond, floor.window.packetsPerSecond),
	window.mbitPerSecond, window.workerCpu, window.mainCpu, window.botsCpu, window.lossPercent];
console.table([
	['', 'forwarding', 'consumers', 'packets/s', 'vs floor', 'Mbit/s', 'worker %', 'main %', 'bots %', 'loss %'],
	row('floor', floor.window), row('grid room (1 worker)', grid.window), row('grid room (2 workers)', two.window),
	...grid.sweep.map((step) => row(`sweep ${step.tiles} tiles${step.subscribed < participants ? ` (${step.subscribed}/${participants} subscribed)` : ''}`, step)),
]);
// The storm beside the floor's: the same joins over the same spread.
const stormRow = (name: string, figures: { joinMs: { p50: number; p95: number }; allSubscribedSeconds: number; ackMs?: { p99: number; requests: number } }) => [
	name, figures.joinMs.p50, figures.joinMs.p95, figures.allSubscribedSeconds, ratio(figures.allSubscribedSeconds, floorStorm.allSubscribedSeconds),
	figures.ackMs?.p99 ?? '', figures.ackMs?.requests ?? ''];
console.table([
	['', 'join p50 ms', 'join p95 ms', 'all subscribed s', 'vs floor', 'ack p99 ms', 'requests'],
	stormRow('floor storm', floorStorm), stormRow('join storm', storm), stormRow('join storm, concurrent views', stormWithViews),
]);
console.log(JSON.stringify({ oursOverFloor: results.oursOverFloor, capacity: results.capacity, joinStorm: storm, joinStormConcurrentView: stormWithViews, firstFrame,
	joins: { ours: grid.joins, floor: floor.joins } }, null, 2));
fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`[bench] wrote ${file}`);
