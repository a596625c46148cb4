/**
 * A Firefox participant (Debian's firefox-esr over WebDriver BiDi) in a call
 * with a Chromium one: seated, video and sound both ways, chat both ways,
 * Firefox's three simulcast layers received as the tile size asks, the
 * landing page, a return after a network blip, and an end-to-end encrypted
 * room in which each decodes the other.
 */
import { expect, test, type Page } from '@playwright/test';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { e2eServer, inRoom, join, watchedPage } from '../support/browser.js';
import { CuttableProxy } from '../support/CuttableProxy.js';
import { byRole, consoleErrors, enter, Firefox, packetsInPage, tileVideoInPage } from '../support/firefox.js';
import { createRoom, freeMediaPort } from '../support/server.js';
import { newRoomSecret } from '../../shared/e2ee/roomSecret.js';
import { withRoomSecret } from '../../shared/links.js';

let proxyPort = 0;
test.beforeAll(async () => {
	proxyPort = await freeMediaPort();
});
// Firefox reaches the server through a proxy on a port of its own, for the blip.
const fixture = e2eServer(() => ({ ROOMS_ALLOWED_ORIGINS: `http://127.0.0.1:${proxyPort}` }));

let firefox: Firefox;
test.beforeAll(async () => {
	firefox = await Firefox.launch();
});
test.afterAll(async () => {
	await firefox?.close();
});

/** Resolves once `name`'s video on this page (either browser's) plays: its clock moves on by more than a second. */
async function expectVideoPlaying(page: Page | FirefoxPage, name: string): Promise<void> {
	const read = () => (page as Page).evaluate(tileVideoInPage, name);
	await expect.poll(async () => (await read())?.height ?? 0, { message: `${name}'s video has a picture`, timeout: 30_000 }).toBeGreaterThan(0);
	// The tile's video element can be replaced meanwhile (after a reconnect the old producer closes as the new one
	// arrives): a clock that is gone or went back starts the count again.
	let before: number | undefined;
	await expect.poll(async () => {
		const now = await read();
		if (!now || (before !== undefined && now.time < before)) before = undefined;
		before ??= now?.time;
		return now && before !== undefined ? now.time - before : 0;
	}, { message: `${name}'s video plays on`, timeout: 20_000 }).toBeGreaterThan(1);
}

/** Resolves once this page receives sound packets steadily (more than 50 in a second and a half). */
async function expectSound(page: Page | FirefoxPage): Promise<void> {
	const read = () => (page as Page).evaluate(packetsInPage, 'audio' as const);
	const before = await read();
	await expect.poll(async () => (await read()) - before, { message: 'sound arrives', timeout: 20_000 }).toBeGreaterThan(50);
}

test('Firefox and Chromium: both seated, video and sound both ways, chat both ways, and no errors in either console', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	// Chromium does not put its CSP refusals in the console that Playwright hears: the page reports them there itself.
	const ana = await watchedPage(browser, {}, [`document.addEventListener('securitypolicyviolation', (event) =>
		console.error('CSP refused ' + event.violatedDirective + ' for ' + event.blockedURI));`]);
	const anaErrors: string[] = [];
	ana.on('console', (message) => {
		if (message.type() === 'error') anaErrors.push(message.text());
	});
	ana.on('pageerror', (error) => anaErrors.push(String(error)));
	await ana.goto(inviteUrl);
	await ana.getByLabel('Your name').fill('Ana');
	await ana.getByRole('button', { name: 'Join room' }).click();
	await inRoom(ana);
	const fiona = await firefox.page();
	const fionaErrors = consoleErrors(fiona);
	await enter(fiona, inviteUrl, 'Fiona');
	try {
		await expect(ana.locator('figure.tile[data-kind=camera]')).toHaveCount(2);
		await expectVideoPlaying(ana, 'Fiona');
		await expectVideoPlaying(fiona, 'Ana');
		await expectSound(ana);
		await expectSound(fiona);

		await (await fiona.waitForSelector(byRole('Chat')))!.click();
		await (await fiona.waitForSelector(byRole('Type a message', 'textbox')))!.type('hello from Firefox');
		await (await fiona.waitForSelector(byRole('Send')))!.click();
		await ana.getByRole('button', { name: 'Chat' }).click();
		await expect(ana.getByRole('complementary', { name: 'Chat' })).toContainText('hello from Firefox');
		await ana.getByRole('textbox', { name: 'Type a message' }).fill('hello from Chromium');
		await ana.getByRole('button', { name: 'Send' }).click();
		await fiona.waitForFunction(() => document.querySelector('[aria-label="Chat"]')?.textContent?.includes('hello from Chromium'), { timeout: 20_000 });
		// A normal call says nothing is wrong: no CSP refusal (zod's eval probe once made one on every room page), no exception.
		expect(anaErrors).toEqual([]);
		expect(fionaErrors).toEqual([]);
	} finally {
		await fiona.browserContext().close();
	}
});

/** The height of the frames Chromium decodes now for `name`'s camera, by the tile's own track. */
function receivedHeight(page: Page, name: string): Promise<number> {
	return page.locator('figure.tile[data-kind=camera]', { hasText: name }).locator('video').evaluate(async (video: HTMLVideoElement) => {
		const track = (video.srcObject as MediaStream).getVideoTracks()[0]!.id;
		for (const connection of (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections) {
			for (const report of (await connection.getStats()).values()) {
				if (report.type === 'inbound-rtp' && report.trackIdentifier === track) return (report.frameHeight ?? 0) as number;
			}
		}
		return 0;
	});
}

test('Firefox sends three layers, and Chromium receives the one its tile asks for', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const ana = await join(browser, inviteUrl, 'Ana');
	const fiona = await firefox.join(inviteUrl, 'Fiona');
	try {
		await expectVideoPlaying(ana, 'Fiona');
		const tileHeight = () => ana.locator('figure.tile[data-kind=camera]', { hasText: 'Fiona' }).evaluate((figure) => figure.getBoundingClientRect().height);
		// Pinned in a 960×600 window, the tile is 360 px high: the middle layer, 360p.
		await ana.getByRole('button', { name: 'Pin Fiona for yourself' }).click();
		await expect.poll(tileHeight).toBeLessThanOrEqual(360);
		await expect.poll(() => receivedHeight(ana, 'Fiona'), { message: 'the 360p layer', timeout: 30_000 }).toBe(360);
		// In a taller window the pinned tile outgrows 360p: the top layer, 720p. Firefox starts it 3 to 7 s after the others.
		await ana.setViewportSize({ width: 1280, height: 1000 });
		await expect.poll(tileHeight).toBeGreaterThan(360);
		await expect.poll(() => receivedHeight(ana, 'Fiona'), { message: 'the 720p layer', timeout: 45_000 }).toBe(720);
		// A thumbnail in a small window: the bottom layer, 180p.
		await ana.getByRole('button', { name: 'Pin Fiona for yourself' }).click();
		await ana.setViewportSize({ width: 400, height: 190 });
		await expect.poll(() => receivedHeight(ana, 'Fiona'), { message: 'the 180p layer', timeout: 30_000 }).toBe(180);
	} finally {
		await fiona.browserContext().close();
	}
});

test('the landing page in Firefox creates a room and goes in as its host', async () => {
	const page = await firefox.page();
	try {
		await page.goto(fixture.server.url);
		await (await page.waitForSelector(byRole('Your name', 'textbox')))!.type('Wren');
		await (await page.waitForSelector(byRole('Create a room')))!.click();
		await (await page.waitForSelector(byRole('Go to the room')))!.click();
		await page.waitForFunction(() => /\/r\/[a-z0-9]{12}$/.test(location.href) && location.hash === '', { timeout: 20_000 });
		await page.waitForFunction(() => document.body.textContent!.includes('You are joining as the host.'), { timeout: 20_000 });
		await (await page.waitForSelector(byRole('Join room')))!.click();
		await page.waitForFunction(() => [...document.querySelectorAll('figure.tile')]
			.some((tile) => tile.textContent!.includes('Wren (you)') && tile.textContent!.includes('Host')), { timeout: 30_000 });
	} finally {
		await page.browserContext().close();
	}
});

test('Firefox cut off for 5 s returns to the call by itself, as the same participant', async ({ browser }) => {
	const { room, inviteUrl } = await createRoom(fixture.server.url);
	const server = new URL(fixture.server.url);
	const link = await CuttableProxy.start({ host: '127.0.0.1', port: Number(server.port) }, proxyPort);
	try {
		const ana = await join(browser, inviteUrl, 'Ana');
		const fiona = await firefox.join(inviteUrl.replace(server.origin, link.url), 'Fiona');
		await expectVideoPlaying(ana, 'Fiona');
		const live = fixture.server.server.liveRooms.get(room.id)!;
		const idsBefore = live.participants().map(({ id }) => id).sort();

		link.cut();
		await fiona.waitForFunction(() => document.body.textContent!.includes('Reconnecting…'), { timeout: 10_000 });
		await new Promise((resolve) => setTimeout(resolve, 5000));
		link.restore();

		await fiona.waitForFunction(() => !document.body.textContent!.includes('Reconnecting…'), { timeout: 30_000 });
		await expectVideoPlaying(ana, 'Fiona');
		await expectVideoPlaying(fiona, 'Ana');
		expect(live.participants().map(({ id }) => id).sort()).toEqual(idsBefore);
		await expect(ana.locator('figure.tile[data-kind=camera]', { hasText: 'Fiona' })).toHaveCount(1);
		await fiona.browserContext().close();
	} finally {
		await link.close();
	}
});

test('Firefox and Chromium in an end-to-end encrypted room decode each other', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url, { e2ee: true });
	const link = withRoomSecret(inviteUrl, newRoomSecret());
	const ana = await join(browser, link, 'Ana');
	const fiona = await firefox.page();
	const fionaErrors = consoleErrors(fiona);
	await enter(fiona, link, 'Fiona');
	try {
		await fiona.waitForFunction(() => document.body.textContent!.includes('End-to-end encrypted'), { timeout: 10_000 });
		await expectVideoPlaying(ana, 'Fiona');
		await expectVideoPlaying(fiona, 'Ana');
		await expectSound(ana);
		await expectSound(fiona);
		await expect(ana.getByText('Not verified')).toHaveCount(0);
		expect(await fiona.evaluate(() => document.body.textContent!.includes('Not verified') || document.body.textContent!.includes('Can’t decrypt'))).toBe(false);
		expect(fionaErrors).toEqual([]);
	} finally {
		await fiona.browserContext().close();
	}
});
