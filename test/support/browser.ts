/** Fixtures for end-to-end tests in real Chromium: a server per test file, and people arriving in their own browser profiles. */
import { expect, test, type Browser, type BrowserContextOptions, type Locator, type Page } from '@playwright/test';
import { startServer, type TestServer } from './server.js';
import { KEEP_PEER_CONNECTIONS } from '../../tools/loadtest/src/peerConnections.js';

/** One server for the whole file. */
/** One server for a test file; `env` is read when it starts (after the file's earlier beforeAll hooks). */
export function e2eServer(env: () => Record<string, string> = () => ({})): { readonly server: TestServer } {
	let server: TestServer | undefined;
	test.beforeAll(async () => {
		server = await startServer(env());
	});
	// People from earlier tests leave: their pages would keep sending and decoding video on the same two cores.
	test.afterEach(async ({ browser }) => {
		await Promise.all(browser.contexts().map((context) => context.close()));
	});
	test.afterAll(async () => {
		await server?.close();
	});
	return {
		get server(): TestServer {
			if (!server) throw new Error('the test server has not started');
			return server;
		},
	};
}

/**
 * Opens `url` in a fresh browser context (its own profile, so its own guest
 * key), types the name and presses `button`. Confirm dialogs are accepted.
 */
export async function arrive(browser: Browser, url: string, name: string, button = 'Join room', initScripts: string[] = []): Promise<Page> {
	const page = await watchedPage(browser, {}, initScripts);
	page.on('dialog', (dialog) => void dialog.accept());
	await page.goto(url);
	await page.getByLabel('Your name').fill(name);
	await page.getByRole('button', { name: button }).click();
	return page;
}

export const inRoom = (page: Page) => expect(page.getByRole('button', { name: 'Leave room' })).toBeVisible();

/** Arrives and waits until the person is in the room; `initScripts` run in the page before the app (after the peer connection keeper). */
export async function join(browser: Browser, url: string, name: string, initScripts: string[] = []): Promise<Page> {
	const page = await arrive(browser, url, name, 'Join room', initScripts);
	await inRoom(page);
	return page;
}

/** A page in a fresh profile whose RTCPeerConnections are kept for `inbound` and getStats. */
export async function watchedPage(browser: Browser, options: BrowserContextOptions = {}, initScripts: string[] = []): Promise<Page> {
	const context = await browser.newContext(options);
	await context.addInitScript(KEEP_PEER_CONNECTIONS);
	for (const script of initScripts) await context.addInitScript(script);
	return context.newPage();
}


export interface InboundTotals {
	packets: number;
	/** Audio: the received sound's energy and duration, so that energy / seconds is its mean power. */
	audioEnergy: number;
	audioSeconds: number;
	framesDecoded: number;
}

/** Totals over every inbound RTP stream of `kind` the page receives now. */
export function inbound(page: Page, kind: 'audio' | 'video'): Promise<InboundTotals> {
	return page.evaluate(async (wanted) => {
		const totals = { packets: 0, audioEnergy: 0, audioSeconds: 0, framesDecoded: 0 };
		for (const connection of (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections) {
			if (connection.connectionState === 'closed') continue;
			(await connection.getStats()).forEach((report: Record<string, number | string>) => {
				if (report.type !== 'inbound-rtp' || report.kind !== wanted) return;
				totals.packets += Number(report.packetsReceived ?? 0);
				totals.audioEnergy += Number(report.totalAudioEnergy ?? 0);
				totals.audioSeconds += Number(report.totalSamplesDuration ?? 0);
				totals.framesDecoded += Number(report.framesDecoded ?? 0);
			});
		}
		return totals;
	}, kind);
}

/** A person's camera tile. */
export const cameraTile = (page: Page, name: string) => page.locator('figure.tile[data-kind=camera]', { hasText: name });
/** Frames the tile's video has presented; fails within a second if the tile is not there (it may be rebuilding). */
const framesShown = (tile: Locator) => tile.locator('video').evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames, undefined, { timeout: 1000 });

/** Resolves once the tile's video presents new frames again, with how long that took. */
export async function framesAgain(tile: Locator, since: number, timeoutMs = 30_000): Promise<number> {
	while (Date.now() - since < timeoutMs) {
		const before = await framesShown(tile).catch(() => -1);
		await tile.page().waitForTimeout(250);
		const after = await framesShown(tile).catch(() => -1);
		if (before >= 0 && after > before) return Date.now() - since;
	}
	throw new Error('no new frames');
}
