/**
 * What end-to-end encryption costs, clear and encrypted in the same run:
 *   frames   - encrypting and decrypting one frame with shared/e2ee in Node's
 *              WebCrypto (the code the page's worker runs), p50 and p95
 *   bytes    - what encryption adds to a frame, and to a sender's bitrate
 *   cpu      - every Chromium process while two people are in a call, in
 *              windows alternating between a clear and an encrypted room
 *   first    - opening the link to the first decoded frame of the person
 *              already in the room (median of N joins each)
 *   fifty    - 50 bots in a room (the load tool's, keeping keys with
 *              shared/e2ee and sending their clip sealed): join time, key
 *              boxes per join, how long after every bot was subscribed the
 *              last key box was opened, and then, a loop of the clip later,
 *              the worker's and the bots' CPU
 *
 *   npm run bench:e2ee [-- --joins 10 --rounds 3 --seconds 5 --bots 50 --bot-seconds 10]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Browser, Page } from '@playwright/test';
import { decryptFrame, encryptFrame, FRAME_OVERHEAD_BYTES } from '../../shared/e2ee/frames.js';
import { newRoomSecret } from '../../shared/e2ee/roomSecret.js';
import { SenderKey } from '../../shared/e2ee/senderKey.js';
import { withRoomSecret } from '../../shared/links.js';
import { median, percentile } from '../../tools/loadtest/src/measure.js';
import { createRoom, startServer } from '../support/server.js';
import { launchChromium, measureFirstFrames } from './support/firstFrame.js';
import { chromiumTicks, sleep, TICKS_PER_SECOND } from './support/measure.js';
import { OurRoom, type RoomShape } from './sfu/steady.js';
import { CLIP_SECONDS } from '../../tools/loadtest/src/bots/clip.js';

const { values } = parseArgs({ options: {
	joins: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '5' },
	bots: { type: 'string', default: '50' }, 'bot-seconds': { type: 'string', default: '10' },
} });
const joins = Number(values.joins);
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const progress = (message: string) => console.error(`[bench:e2ee] ${message}`);

/** Milliseconds per frame to encrypt and to decrypt `count` frames of `size` bytes. */
async function frameTimes(size: number, kind: 'audio' | 'video', count: number) {
	const key = await SenderKey.random();
	const frame = crypto.getRandomValues(new Uint8Array(size));
	frame[0] = 0x31; // a VP8 delta frame (3 clear bytes); Opus keeps 1 whatever the byte
	const encrypt: number[] = [];
	const decrypt: number[] = [];
	for (let i = 0; i < count; i++) {
		const start = performance.now();
		const sealed = await encryptFrame(frame, kind, key);
		const sealedAt = performance.now();
		const opened = await decryptFrame(sealed, kind, () => key);
		const openedAt = performance.now();
		if (!opened.ok) throw new Error('a frame did not open');
		encrypt.push(sealedAt - start);
		decrypt.push(openedAt - sealedAt);
	}
	const round = (value: number) => Number(value.toFixed(3));
	return {
		bytes: size, encryptMs: { p50: round(percentile(encrypt, 0.5)), p95: round(percentile(encrypt, 0.95)) },
		decryptMs: { p50: round(percentile(decrypt, 0.5)), p95: round(percentile(decrypt, 0.95)) },
	};
}

/** Two people in a room by `link`, each in a fresh context; resolves once each decodes the other. */
async function call(browser: Browser, link: string): Promise<Page[]> {
	const pages: Page[] = [];
	for (const name of ['Ana', 'Bo']) {
		const page = await (await browser.newContext()).newPage();
		await page.goto(link);
		await page.getByLabel('Your name').fill(name);
		await page.getByRole('button', { name: 'Join room' }).click();
		await page.getByRole('button', { name: 'Leave room' }).waitFor();
		pages.push(page);
	}
	for (const page of pages) {
		await page.waitForFunction(() => [...document.querySelectorAll('figure.tile video:not(.mirrored)')]
			.some((video) => (video as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 30), undefined, { timeout: 30_000 });
	}
	return pages;
}

/** % of one core used by every Chromium process over a window. */
async function chromiumPercent(): Promise<number> {
	const ticks = chromiumTicks();
	await sleep(seconds * 1000);
	return ((chromiumTicks() - ticks) / TICKS_PER_SECOND / seconds) * 100;
}

/**
 * `bots` bots in a room of a server of their own (one worker), as bench:sfu
 * runs them: how long they took to join, how many key boxes each join cost,
 * and what a steady window costs the worker and the bots' process.
 */
async function fifty(e2ee: boolean) {
	const count = Number(values.bots);
	const shape: RoomShape = { participants: count, speakers: Math.min(3, count), grid: { tiles: Math.min(24, count - 1), tileHeight: 180, speakerHeight: 360 } };
	const label = e2ee ? 'fifty, encrypted' : 'fifty, clear';
	const room = await OurRoom.start(shape, { workers: 1, consumerBudget: 100_000, label, e2ee });
	try {
		// Subscribed is not done: each bot opens a box from each other, and the last joins' boxes may still be on their way.
		const settled = performance.now();
		while (e2ee && room.swarm.bots.some(({ keyTraffic }) => keyTraffic.received < count - 1)) {
			if (performance.now() - settled > 60_000) throw new Error('the key exchange did not finish within 60 s');
			await sleep(250);
		}
		const keysSettledMs = Math.round(performance.now() - settled);
		// Bots seal each frame once per key: after a loop of the clip under the last join's key, they seal nothing more.
		progress(`${label}: one loop of the clip (${CLIP_SECONDS} s) before measuring`);
		await sleep((CLIP_SECONDS + 1) * 1000);
		const window = await room.measure(Number(values['bot-seconds']), label);
		const boxes = room.swarm.bots.reduce((sum, { keyTraffic }) => sum + keyTraffic.sent, 0);
		const unverified = room.swarm.bots.reduce((sum, { keyTraffic }) => sum + keyTraffic.unverified, 0);
		const failed = room.swarm.bots.filter(({ media }) => media.encryptionError !== undefined).length;
		if (e2ee && (unverified > 0 || failed > 0)) throw new Error(`${unverified} identities unverified, ${failed} bots could not encrypt`);
		return { joins: room.joins, keyBoxesPerJoin: Number((boxes / count).toFixed(1)), keysSettledMs, workerCpu: window.workerCpu, botsCpu: window.botsCpu,
			packetsPerSecond: window.packetsPerSecond, lossPercent: window.lossPercent };
	} finally {
		await room.close();
	}
}

const server = await startServer();
const browser = await launchChromium();
try {
	progress('frames: 2000 VP8 frames of 1,200 bytes and 2000 Opus frames of 120 bytes');
	const frames = { video: await frameTimes(1200, 'video', 2000), audio: await frameTimes(120, 'audio', 2000) };
	// A camera at 30 fps and a microphone at 50 packets per second.
	const bytes = { perFrame: FRAME_OVERHEAD_BYTES, senderKbps: Number((((30 + 50) * FRAME_OVERHEAD_BYTES * 8) / 1000).toFixed(1)) };

	const clearRoom = await createRoom(server.url);
	const encryptedRoom = await createRoom(server.url, { e2ee: true });
	const links = { clear: clearRoom.inviteUrl, e2ee: withRoomSecret(encryptedRoom.inviteUrl, newRoomSecret()) };

	progress(`cpu: ${rounds} rounds of ${seconds} s in each room`);
	const cpu = { clear: [] as number[], e2ee: [] as number[] };
	for (let round = 1; round <= rounds; round++) {
		for (const mode of ['clear', 'e2ee'] as const) {
			const pages = await call(browser, links[mode]);
			cpu[mode].push(await chromiumPercent());
			await Promise.all(pages.map((page) => page.context().close()));
		}
		progress(`round ${round}/${rounds}: clear ${cpu.clear.at(-1)!.toFixed(0)} %, e2ee ${cpu.e2ee.at(-1)!.toFixed(0)} % of one core`);
	}

	progress(`first frame: ${joins} joins into each room`);
	const first: Record<string, unknown> = {};
	for (const mode of ['clear', 'e2ee'] as const) {
		// One person stays in the room with the camera on; the others come and go one at a time.
		const [ana, bo] = await call(browser, links[mode]);
		await bo!.context().close();
		const { summary } = await measureFirstFrames(browser, links[mode], joins, (message) => progress(`${mode}: ${message}`));
		first[mode] = { media: summary.media, total: summary.total };
		await ana!.context().close();
	}

	progress(`fifty: ${values.bots} bots in a clear room, then in an encrypted one`);
	const bots = { clear: await fifty(false), e2ee: await fifty(true) };

	const result = {
		frames, bytes,
		cpuPercentOfCore: { clear: Math.round(median(cpu.clear)), e2ee: Math.round(median(cpu.e2ee)), ratio: Number((median(cpu.e2ee) / median(cpu.clear)).toFixed(2)) },
		firstFrameMs: first,
		bots: { ...bots, workerCpuRatio: Number((bots.e2ee.workerCpu / bots.clear.workerCpu).toFixed(2)) },
	};
	fs.mkdirSync('bench-results', { recursive: true });
	const file = `bench-results/e2ee-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
	fs.writeFileSync(file, JSON.stringify(result, null, 2));
	console.log(JSON.stringify(result, null, 2));
	progress(`written to ${file}`);
} finally {
	await browser.close();
	await server.close();
}
