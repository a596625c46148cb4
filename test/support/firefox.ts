/**
 * A Firefox participant for end-to-end tests: Debian's firefox-esr, headless,
 * driven by puppeteer-core over WebDriver BiDi (Debian has no geckodriver;
 * BiDi needs none). Each person gets a browser context of their own, as with
 * Chromium, and the same fake camera and microphone a person who clicked
 * Allow would have.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { KEEP_PEER_CONNECTIONS } from '../../tools/loadtest/src/peerConnections.js';

export const FIREFOX = '/usr/bin/firefox-esr';

const PREFS: Record<string, unknown> = {
	// Fake devices, and the permission a person gives by clicking Allow.
	'media.navigator.streams.fake': true,
	'media.navigator.permission.disabled': true,
	'permissions.default.camera': 1,
	'permissions.default.microphone': 1,
	// Firefox never pairs a loopback candidate with another, and tests bind the server to 127.0.0.1 only
	// (README, "Browsers"): real users reach the server's LAN or public addresses instead.
	'media.peerconnection.ice.loopback': true,
	// Call audio plays without a click, as in the Chromium tests (--autoplay-policy=no-user-gesture-required).
	'media.autoplay.default': 0,
	'media.autoplay.blocking_policy': 0,
};

/** A puppeteer selector for the element with this accessible name and role. */
export const byRole = (name: string, role = 'button') => `::-p-aria([name="${name}"][role="${role}"])`;

export class Firefox {
	private constructor(readonly browser: Browser) {}

	static async launch(): Promise<Firefox> {
		return new Firefox(await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, extraPrefsFirefox: PREFS }));
	}

	/** A page in a fresh profile whose RTCPeerConnections are kept for getStats (as `watchedPage` in Chromium). */
	async page(): Promise<Page> {
		const context = await this.browser.createBrowserContext();
		const page = await context.newPage();
		await page.evaluateOnNewDocument(KEEP_PEER_CONNECTIONS);
		page.on('dialog', (dialog) => void dialog.accept());
		return page;
	}

	/** Opens `url` in a fresh profile, types the name and presses Join room; resolves once in the room. */
	async join(url: string, name: string): Promise<Page> {
		const page = await this.page();
		await enter(page, url, name);
		return page;
	}

	async close(): Promise<void> {
		await this.browser.close();
	}
}

/** Opens `url` in this page, types the name and presses Join room; resolves once in the room. */
export async function enter(page: Page, url: string, name: string): Promise<void> {
	await page.goto(url);
	// Element handles, not puppeteer's locators: a locator's fill never settles over BiDi in this Firefox.
	await (await page.waitForSelector(byRole('Your name', 'textbox')))!.type(name);
	await (await page.waitForSelector(byRole('Join room')))!.click();
	await page.waitForSelector(byRole('Leave room'), { timeout: 30_000 });
}

/** What the page reports as errors from now on: console errors and uncaught exceptions. */
export function consoleErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	page.on('pageerror', (error) => errors.push(String(error)));
	return errors;
}

/**
 * In the page: what a tile's video shows of `name`, by the video's own clock
 * (Firefox's getVideoPlaybackQuality stays at 0 for call video): the playback
 * time and the picture's height, or null without a video.
 */
export function tileVideoInPage(name: string): { time: number; height: number } | null {
	const tile = [...document.querySelectorAll('figure.tile[data-kind=camera]')]
		.find((figure) => figure.querySelector('.name')?.textContent === name);
	const video = tile?.querySelector('video');
	return video ? { time: video.currentTime, height: video.videoHeight } : null;
}

/** Packets received so far over every inbound RTP stream of `kind` the page has. */
export function packetsInPage(kind: 'audio' | 'video'): Promise<number> {
	return (async () => {
		let packets = 0;
		for (const connection of (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections) {
			if (connection.connectionState === 'closed') continue;
			(await connection.getStats()).forEach((report: Record<string, number | string>) => {
				if (report.type === 'inbound-rtp' && report.kind === kind) packets += Number(report.packetsReceived ?? 0);
			});
		}
		return packets;
	})();
}
