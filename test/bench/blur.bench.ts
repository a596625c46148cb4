/**
 * What background blur costs, in real Chromium: one person in a room with
 * the camera on, and the CPU time of every Chromium process measured over
 * windows of a few seconds with blur off and on, alternating (off, on, off,
 * on...), so both see the same machine. Reports the median of each, in
 * percent of one core, and their difference.
 *
 *   npm run bench:blur [-- --rounds 3 --seconds 5]
 */
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { createRoom, startServer } from '../support/server.js';
import { median } from '../../tools/loadtest/src/measure.js';
import { chromiumTicks, TICKS_PER_SECOND } from './support/measure.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const CHROMIUM_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox', '--disable-gpu',
	'--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const server = await startServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
	const { hostUrl } = await createRoom(server.url, { waitForHost: false });
	const page = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
	await page.goto(hostUrl);
	await page.getByRole('button', { name: 'Join room' }).click();
	await page.getByRole('button', { name: 'More options' }).click();
	await page.getByRole('button', { name: 'Audio and video settings' }).click();
	const blur = page.getByLabel('Blur background');

	// The self view shows exactly the picture that is sent.
	const framesSent = () => page.locator('figure.tile[data-kind=camera]', { hasText: '(you)' }).locator('video')
		.evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames);
	/** Frames per second of the picture sent, in each window with blur on. */
	const sentRates: number[] = [];
	const measure = async (): Promise<number> => {
		// Let the change settle (the model loads on first use) before measuring.
		await page.waitForTimeout(2000);
		const [ticks, frames] = [chromiumTicks(), await framesSent()];
		await page.waitForTimeout(seconds * 1000);
		if (await blur.isChecked()) sentRates.push(((await framesSent()) - frames) / seconds);
		return ((chromiumTicks() - ticks) / TICKS_PER_SECOND / seconds) * 100;
	};
	const off: number[] = [];
	const on: number[] = [];
	/** Milliseconds from sending a camera frame to the model to having its mask, for every segmentation while measuring. */
	const frameTimes: number[] = [];
	for (let round = 1; round <= rounds; round++) {
		off.push(await measure());
		await blur.click();
		// The box is ticked once the model has loaded and the blurred picture is being sent.
		for (let waited = 0; !(await blur.isChecked()); waited += 250) {
			if (waited > 30_000) throw new Error('blur did not turn on');
			await page.waitForTimeout(250);
		}
		await page.evaluate(() => performance.clearMeasures('rooms.blur.frame'));
		on.push(await measure());
		frameTimes.push(...await page.evaluate(() => performance.getEntriesByName('rooms.blur.frame').map(({ duration }) => duration)));
		await blur.click();
		console.error(`round ${round}/${rounds}: off ${off.at(-1)!.toFixed(0)}%, on ${on.at(-1)!.toFixed(0)}% of one core`);
	}
	const [offMedian, onMedian] = [median(off), median(on)];
	console.log(JSON.stringify({ rounds, seconds, offPercentOfCore: Math.round(offMedian), onPercentOfCore: Math.round(onMedian),
		blurCostPercentOfCore: Math.round(onMedian - offMedian), ratio: Number((onMedian / offMedian).toFixed(2)),
		segmentationsPerSecond: Number((frameTimes.length / (rounds * (seconds + 2))).toFixed(1)), segmentationMsMedian: Math.round(median(frameTimes)),
		sentFramesPerSecondMedian: Number(median(sentRates).toFixed(1)) }, null, 2));
} finally {
	await browser.close();
	await server.close();
}
