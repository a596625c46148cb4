/**
 * Time from opening an invite link to the first decoded remote video frame,
 * in real Chromium, with marks taken in the page. Shared by
 * `bench:first-frame` and `bench:sfu` (a room of bots).
 */
import { type Browser, chromium } from '@playwright/test';
import { percentile } from '../../../tools/loadtest/src/measure.js';

export const CHROMIUM_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required',
	'--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
	return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * In the page: when the Join button shows, when the preview's first camera
 * frame shows, when the person is seated (the Leave button appears), and the
 * first frame decoded in any remote camera tile.
 * A string, not a function: tsx would add helpers to a function's source
 * that do not exist in the page.
 */
const WATCH_FIRST_REMOTE_FRAME = `
	document.addEventListener('click', (event) => {
		if (event.target.closest('button')?.textContent === 'Join room') window.joinClicked ??= performance.now();
	}, true);
	new MutationObserver(() => {
		const buttons = [...document.querySelectorAll('button')];
		if (window.joinShown === undefined && buttons.some((button) => button.textContent === 'Join room')) window.joinShown = performance.now();
		const preview = document.querySelector('.preview video');
		if (preview && !preview.dataset.watched) {
			preview.dataset.watched = '1';
			preview.requestVideoFrameCallback((now) => { window.previewShown ??= now; });
		}
		if (window.seated === undefined && buttons.some((button) => button.getAttribute('aria-label') === 'Leave room')) {
			window.seated = performance.now();
		}
		for (const video of document.querySelectorAll('figure.tile video:not(.mirrored)')) {
			if (video.dataset.watched) continue;
			video.dataset.watched = '1';
			video.requestVideoFrameCallback((now) => { window.firstRemoteFrame ??= now; });
		}
	}).observe(document, { childList: true, subtree: true });
`;

export interface FirstFrameRow {
	joinShown: number;
	previewShown: number;
	/** Navigation to the join page being ready (invite loaded, devices open). */
	page: number;
	/** Clicking Join to being seated. */
	join: number;
	/** Seated to the first decoded remote frame. */
	media: number;
	/** page + join + media: the person's typing left out. */
	total: number;
}

export type FirstFrameSummary = Record<keyof FirstFrameRow, { median: number; p95: number; max: number }>;

/** Joins by `inviteUrl` `joins` times, each in a fresh browser context, and times each to its first remote frame. */
export async function measureFirstFrames(browser: Browser, inviteUrl: string, joins: number,
	report: (message: string) => void): Promise<{ rows: FirstFrameRow[]; summary: FirstFrameSummary }> {
	const rows: FirstFrameRow[] = [];
	for (let i = 1; i <= joins; i++) {
		const context = await browser.newContext();
		await context.addInitScript(WATCH_FIRST_REMOTE_FRAME);
		const page = await context.newPage();
		await page.goto(inviteUrl);
		await page.getByLabel('Your name').fill(`Guest ${i}`);
		const joinButton = page.getByRole('button', { name: 'Join room' });
		await joinButton.waitFor();
		// The preview's camera is open once its video plays: the page is ready to join.
		await page.locator('.preview video').waitFor();
		const ready = await page.evaluate(() => performance.now());
		await joinButton.click();
		// When the click happened in the page (an evaluate after click() resolves can come after the room shows).
		const clicked = await page.evaluate(() => (window as unknown as { joinClicked: number }).joinClicked);
		await page.waitForFunction(() => (window as unknown as { firstRemoteFrame?: number }).firstRemoteFrame !== undefined, undefined, { timeout: 15_000 });
		const { joinShown, previewShown, seated, frame } = await page.evaluate(() => {
			const marks = window as unknown as { joinShown: number; previewShown: number; seated: number; firstRemoteFrame: number };
			return { joinShown: marks.joinShown, previewShown: marks.previewShown, seated: marks.seated, frame: marks.firstRemoteFrame };
		});
		// Typing the name is the person's time, not ours: it is left out of the total.
		const row = { joinShown, previewShown, page: ready, join: seated - clicked, media: frame - seated, total: ready + (frame - clicked) };
		rows.push(row);
		report(`join ${i}/${joins}: ${Math.round(row.total)} ms (page ${Math.round(row.page)}, join ${Math.round(row.join)}, media ${Math.round(row.media)})`);
		// Leaving as a person does: a closed tab's seat would be kept for a reconnect, and a full room would refuse the next join.
		await page.getByRole('button', { name: 'Leave room' }).click();
		await page.getByRole('button', { name: 'Rejoin' }).waitFor();
		await context.close();
	}
	const summary = Object.fromEntries((['joinShown', 'previewShown', 'page', 'join', 'media', 'total'] as const).map((key) => {
		const values = rows.map((row) => row[key]);
		return [key, { median: Math.round(percentile(values, 0.5)), p95: Math.round(percentile(values, 0.95)), max: Math.round(Math.max(...values)) }];
	})) as FirstFrameSummary;
	return { rows, summary };
}
