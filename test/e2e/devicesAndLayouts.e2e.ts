/**
 * In real Chromium: devices during the call (camera, microphone with its level
 * meter, speaker), noise suppression and background blur measured on what the
 * others receive, the layouts (layers and paging in clear and encrypted rooms),
 * the icon control bar, and default titles in the person's language.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { newRoomSecret } from '../../shared/e2ee/roomSecret.js';
import { withRoomSecret } from '../../shared/links.js';
import { e2eServer, inbound, join, watchedPage } from '../support/browser.js';
import { createRoom } from '../support/server.js';

const fixture = e2eServer();

const tile = (page: Page, name: string) => page.locator('figure.tile[data-kind=camera]', { hasText: name });

async function openDevices(page: Page): Promise<Locator> {
	await page.getByRole('button', { name: 'More options' }).click();
	await page.getByRole('button', { name: 'Audio and video settings' }).click();
	return page.getByRole('complementary', { name: 'Audio and video' });
}

/** Video frames the page has rendered for this tile so far. */
const framesShown = (target: Locator) => target.locator('video').evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames);

/** The mean power of the sound the page receives over `ms`. */
async function receivedPower(page: Page, ms = 3000): Promise<number> {
	const before = await inbound(page, 'audio');
	await page.waitForTimeout(ms);
	const after = await inbound(page, 'audio');
	return (after.audioEnergy - before.audioEnergy) / (after.audioSeconds - before.audioSeconds);
}

/**
 * How sharp the tile's picture is: the mean squared difference between
 * neighbouring pixels. Blur spreads each edge over more pixels, which lowers
 * it (a plain mean difference would not move: an edge's total rise stays the same).
 */
const sharpness = (target: Locator) => target.locator('video').evaluate((video: HTMLVideoElement) => {
	const canvas = document.createElement('canvas');
	canvas.width = video.videoWidth;
	canvas.height = video.videoHeight;
	const context = canvas.getContext('2d')!;
	context.drawImage(video, 0, 0);
	const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
	let sum = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 1; x < width; x++) {
			const i = (y * width + x) * 4;
			sum += (data[i + 1]! - data[i - 3]!) ** 2;
		}
	}
	return sum / (width * height);
});

test('switching camera, microphone and speaker during the call keeps the others receiving; the level meter moves', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	const panel = await openDevices(bo);
	await expect(panel.getByRole('heading', { name: 'Audio and video' })).toBeFocused();

	// The fake microphone beeps: the meter rises above silence at some point within a few seconds.
	const loudest = await panel.getByRole('meter', { name: 'Microphone level' }).evaluate((meter: HTMLMeterElement) => new Promise<number>((resolve) => {
		let max = 0;
		const timer = setInterval(() => { max = Math.max(max, meter.value); }, 20);
		setTimeout(() => { clearInterval(timer); resolve(max); }, 3000);
	}));
	expect(loudest).toBeGreaterThan(0.05);

	// Chromium's fake_device_1 sends 16-bit depth frames, which no encoder takes; fake_device_2 is an ordinary (MJPEG) camera.
	await panel.getByLabel('Camera').selectOption({ label: 'fake_device_2' });
	await expect.poll(() => tile(bo, 'Bo (you)').locator('video').evaluate((video: HTMLVideoElement) => (video.srcObject as MediaStream).getVideoTracks()[0]!.label))
		.toBe('fake_device_2');
	const framesBefore = await framesShown(tile(host, 'Bo'));
	await expect.poll(async () => (await framesShown(tile(host, 'Bo'))) - framesBefore).toBeGreaterThan(20);

	const microphone = panel.getByRole('combobox', { name: /^Microphone/ });
	const [wanted] = await microphone.selectOption({ label: 'Fake Audio Input 1' });
	// The select follows the device actually in use, which is now the chosen one.
	await expect(microphone).toHaveValue(wanted!);
	expect(wanted).not.toBe('default');
	const audioBefore = await inbound(host, 'audio');
	await expect.poll(async () => (await inbound(host, 'audio')).packets - audioBefore.packets).toBeGreaterThan(50);

	const hostPanel = await openDevices(host);
	const output = hostPanel.getByLabel('Speaker');
	await output.selectOption({ label: 'Fake Audio Output 1' });
	const outputId = await output.inputValue();
	expect(outputId).not.toBe('default');
	await expect.poll(() => host.locator('audio').evaluateAll((elements) => elements.map((element) => (element as HTMLAudioElement).sinkId)))
		.toEqual([outputId]);
});

test('noise suppression is on by default (RNNoise) and cleans what the others hear; off sends the sound as it is', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	const panel = await openDevices(bo);
	const toggle = panel.getByLabel('Noise suppression');
	await expect(toggle).toBeChecked();
	// RNNoise runs: the browser's fallback is not in use.
	await expect(panel.getByText('Using your browser’s own noise suppression.')).toHaveCount(0);
	await host.waitForTimeout(1000);
	const suppressed = await receivedPower(host);

	await toggle.click();
	await expect(toggle).not.toBeChecked();
	await host.waitForTimeout(1000);
	const raw = await receivedPower(host);
	// The fake microphone's steady beep is noise to RNNoise (measured: about a third of the power gets through).
	expect(suppressed).toBeLessThan(raw * 0.6);

	await toggle.click();
	await host.waitForTimeout(1000);
	expect(await receivedPower(host)).toBeLessThan(raw * 0.6);
});

test('background blur blurs the picture that is shown and sent, the others keep receiving it, and turning it off restores it', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	// Measured on the picture itself (the self view shows exactly what is sent): what the others receive
	// also changes resolution as bandwidth estimation ramps up, which moves sharpness on its own.
	const own = tile(bo, 'Bo (you)');
	await expect.poll(() => framesShown(own)).toBeGreaterThan(10);
	const sharp = await sharpness(own);
	const track = () => own.locator('video').evaluate((video: HTMLVideoElement) => (video.srcObject as MediaStream).getVideoTracks()[0]!.constructor.name);
	expect(await track()).toBe('MediaStreamTrack');

	const panel = await openDevices(bo);
	await panel.getByLabel('Blur background').click();
	await expect(panel.getByLabel('Blur background')).toBeChecked({ timeout: 30_000 });
	expect(await track()).toBe('CanvasCaptureMediaStreamTrack');
	await expect.poll(() => sharpness(own), { timeout: 15_000 }).toBeLessThan(sharp * 0.7);
	// The blurred picture replaced the camera's track in the same producer: the host keeps receiving frames.
	const seen = tile(host, 'Bo');
	const before = await framesShown(seen);
	await expect.poll(async () => (await framesShown(seen)) - before).toBeGreaterThan(20);

	await panel.getByLabel('Blur background').click();
	await expect(panel.getByLabel('Blur background')).not.toBeChecked();
	expect(await track()).toBe('MediaStreamTrack');
	await expect.poll(() => sharpness(own), { timeout: 15_000 }).toBeGreaterThan(sharp * 0.8);
});

/** A browser without WebGL, as Firefox is on many machines: the page's canvases give no WebGL context. */
const WITHOUT_WEBGL = `{
	const getContext = HTMLCanvasElement.prototype.getContext;
	HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
		return String(type).startsWith('webgl') ? null : getContext.call(this, type, ...rest);
	};
}`;

test('background blur that cannot run here says so, stays off, and is not tried again on the next call', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const bo = await join(browser, inviteUrl, 'Bo', [WITHOUT_WEBGL]);
	const panel = await openDevices(bo);
	await panel.getByLabel('Blur background').click();
	await expect(bo.getByRole('status')).toContainText('Background blur isn’t available in this browser.');
	await expect(panel.getByText('Background blur isn’t available in this browser.')).toBeVisible();
	await expect(panel.getByLabel('Blur background')).not.toBeChecked();
	await expect(panel.getByLabel('Blur background')).toBeDisabled();
	// Not remembered as on: the next call does not start by trying it again.
	const preferences = await bo.evaluate(() => JSON.parse(localStorage.getItem('rooms.preferences') ?? '{}'));
	expect(preferences.backgroundBlur).not.toBe(true);
});

test('layouts: speaker view, pin for oneself, a host\'s spotlight for everyone, full screen, and a screen share with tiles of 160 px or more', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	const cy = await join(browser, inviteUrl, 'Cy');
	const stageOf = (page: Page) => page.locator('.stage figure.tile');

	await cy.getByRole('button', { name: 'More options' }).click();
	await cy.getByRole('button', { name: 'Speaker view' }).click();
	await expect(stageOf(cy)).toBeVisible();
	await expect(stageOf(cy)).not.toContainText('Cy (you)');
	await cy.getByRole('button', { name: 'More options' }).click();
	await expect(cy.getByRole('button', { name: 'Grid view' })).toBeVisible();
	await cy.keyboard.press('Escape');
	await expect(cy.getByRole('button', { name: 'More options' })).toBeFocused();

	await tile(cy, 'Bo').hover();
	await cy.getByRole('button', { name: 'Pin Bo for yourself' }).click();
	await expect(stageOf(cy)).toContainText('Bo');
	await expect(cy.getByRole('button', { name: 'Pin Bo for yourself' })).toHaveAttribute('aria-pressed', 'true');

	// Only hosts and co-hosts can spotlight; the spotlight reaches everyone, but one's own pin wins.
	await expect(bo.getByRole('button', { name: /for everyone/ })).toHaveCount(0);
	await tile(host, 'Cy').hover();
	await host.getByRole('button', { name: 'Spotlight Cy for everyone' }).click();
	await expect(stageOf(bo)).toContainText('Cy');
	await expect(stageOf(bo)).toContainText('Spotlight');
	await expect(stageOf(cy)).toContainText('Bo');
	// The stage's buttons belong to its person: when it changes hands they are new buttons, not Bo's relabelled as Hana's.
	const boOnStage = await stageOf(cy).elementHandle();
	await tile(cy, 'Hana').hover();
	await cy.getByRole('button', { name: 'Pin Hana for yourself' }).click();
	await expect(stageOf(cy)).toContainText('Hana');
	expect(await boOnStage!.evaluate((figure) => figure.isConnected)).toBe(false);
	await host.getByRole('button', { name: 'Spotlight Cy for everyone' }).click();
	await expect(stageOf(bo)).toHaveCount(0);

	await tile(bo, 'Cy').hover();
	await bo.getByRole('button', { name: 'Show Cy full screen' }).click();
	await expect.poll(() => bo.evaluate(() => (document.fullscreenElement as HTMLElement | null)?.textContent ?? '')).toContain('Cy');
	await bo.evaluate(() => document.exitFullscreen());

	await host.getByRole('button', { name: 'Share screen' }).click();
	await expect(bo.locator('.stage figure[data-kind=screen]')).toBeVisible();
	const widths = await bo.locator('.grid figure.tile').evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect().width));
	expect(widths).toHaveLength(3);
	for (const width of widths) expect(width).toBeGreaterThanOrEqual(160);
});

test('the control bar is one row of named icon buttons with tooltips; on a 390 px phone the rest is under More options', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bar = host.locator('footer.controls');
	const buttons = await bar.locator('button').evaluateAll((elements) => elements.map((element) => ({
		name: element.getAttribute('aria-label'), tip: element.getAttribute('data-tip'), svg: Boolean(element.querySelector('svg')), top: element.getBoundingClientRect().top,
	})));
	expect(buttons.length).toBeGreaterThanOrEqual(10);
	for (const button of buttons) {
		expect(button.name).toBeTruthy();
		expect(button.tip).toBe(button.name);
		expect(button.svg).toBe(true);
	}
	expect(new Set(buttons.map(({ top }) => Math.round(top))).size).toBe(1);

	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
	await phone.goto(inviteUrl);
	await phone.getByLabel('Your name').fill('Pia');
	await phone.getByRole('button', { name: 'Join room' }).click();
	const phoneBar = phone.locator('footer.controls');
	await expect(phoneBar.getByRole('button', { name: 'Leave room' })).toBeVisible();
	const tops = await phoneBar.locator('button').evaluateAll((elements) => elements.map((element) => Math.round(element.getBoundingClientRect().top)));
	expect(new Set(tops).size).toBe(1);
	const right = await phoneBar.evaluate((footer) => Math.max(...[...footer.querySelectorAll('button')].map((button) => button.getBoundingClientRect().right)));
	expect(right).toBeLessThanOrEqual(390);

	await phoneBar.getByRole('button', { name: 'More options' }).click();
	await phone.getByRole('button', { name: 'Raise hand' }).click();
	await expect(tile(host, 'Pia').getByRole('img', { name: 'Hand raised' })).toBeVisible();
});

test('a room created without a title is named in the person\'s language', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const french = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
	await french.goto(inviteUrl);
	await expect(french.getByRole('heading', { level: 1 })).toHaveText('Salle de Hana');
	await french.getByLabel('Langue').selectOption('id');
	await expect(french.getByRole('heading', { level: 1 })).toHaveText('Ruang Hana');
	const titled = await createRoom(fixture.server.url, { title: 'Book club' });
	await french.goto(titled.inviteUrl);
	await expect(french.getByRole('heading', { level: 1 })).toHaveText('Book club');
});


/** A room made through the API; an encrypted one's links carry a key made here, as a chat app's device does. */
async function roomLinks(encrypted: boolean): Promise<{ inviteUrl: string; hostUrl: string }> {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url, { e2ee: encrypted });
	if (!encrypted) return { inviteUrl, hostUrl };
	const secret = newRoomSecret();
	return { inviteUrl: withRoomSecret(inviteUrl, secret), hostUrl: withRoomSecret(hostUrl, secret) };
}

// Encrypted frames keep the bytes the SFU reads for layers in clear, so layers and paging work the same way.
for (const encrypted of [false, true]) test(`only the video on screen is sent, each at the layer its tile needs: off-page video pauses, a small tile gets a low layer${encrypted ? ' (end-to-end encrypted room)' : ''}`, async ({ browser }) => {
	const { inviteUrl, hostUrl } = await roomLinks(encrypted);
	const host = await join(browser, hostUrl, 'Hana');
	await expect(host.getByText('End-to-end encrypted')).toHaveCount(encrypted ? 1 : 0);
	// Muted: no dominant speaker reorders the tiles while we watch which one is shown.
	for (const name of ['Bo', 'Cy']) await (await join(browser, inviteUrl, name)).getByRole('button', { name: 'Mute microphone' }).click();
	const trackOf = (name: string) => tile(host, name).locator('video').evaluate((video: HTMLVideoElement) => (video.srcObject as MediaStream).getVideoTracks()[0]!.id);
	await expect.poll(() => framesShown(tile(host, 'Cy'))).toBeGreaterThan(10);
	const [bo, cy] = [await trackOf('Bo'), await trackOf('Cy')];
	/** What the host receives for one track: frames decoded and the height of the last one. */
	const received = (track: string) => host.evaluate(async (wanted) => {
		for (const connection of (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections) {
			for (const report of (await connection.getStats()).values()) {
				if (report.type === 'inbound-rtp' && report.trackIdentifier === wanted) return { frames: report.framesDecoded as number, height: (report.frameHeight ?? 0) as number };
			}
		}
		return { frames: 0, height: 0 };
	}, track);
	const framesIn = async (track: string, ms: number) => {
		const before = (await received(track)).frames;
		await host.waitForTimeout(ms);
		return (await received(track)).frames - before;
	};
	// Large tiles: a middle or top layer of the 720p fake camera (layers 180p, 360p, 720p; on this
	// machine the sender's bandwidth estimate rarely lets the 720p layer start).
	await expect.poll(async () => (await received(bo)).height, { timeout: 15_000 }).toBeGreaterThanOrEqual(360);

	// A small window shows one row of two tiles: oneself and one other (the dominant speaker, if it is
	// one of them). The other's video stops; the shown one drops to the 180p layer. Which one is shown
	// can change while we look (Bo and Cy spoke until they muted, Hana speaks on), so each look judges
	// the pair as it is then.
	await host.setViewportSize({ width: 400, height: 190 });
	await expect(host.locator('figure.tile')).toHaveCount(2);
	const shownNow = async () => ((await tile(host, 'Bo').count()) === 1 ? { shown: bo, hidden: cy, name: 'Bo' } : { shown: cy, hidden: bo, name: 'Cy' });
	await expect.poll(async () => {
		const before = await shownNow();
		const hiddenFrames = await framesIn(before.hidden, 1500);
		const { height } = await received(before.shown);
		return (await shownNow()).shown === before.shown && hiddenFrames === 0 && height === 180;
	}, { timeout: 20_000 }).toBe(true);
	const { shown, hidden, name } = await shownNow();
	expect(await framesIn(shown, 1500)).toBeGreaterThan(5);
	// The debug overlay (D) shows the same on the tile.
	await host.locator('body').press('d');
	await expect(tile(host, name).locator('.resolution')).toHaveAttribute('data-resolution', '320×180');

	// The next page shows the other again, without renegotiating: the same track gets frames.
	await host.getByRole('button', { name: 'Next page' }).click();
	await expect.poll(() => framesIn(hidden, 1500), { timeout: 10_000 }).toBeGreaterThan(5);
});

test('video consumers are created as their tiles come on screen, not all at join', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	// Both muted: no dominant speaker reorders the tiles while we count.
	for (const name of ['Bo', 'Cy']) await (await join(browser, inviteUrl, name)).getByRole('button', { name: 'Mute microphone' }).click();
	// Joining in a small window: one row of two tiles, oneself and one other.
	const host = await watchedPage(browser, { viewport: { width: 400, height: 190 } });
	await host.goto(hostUrl);
	await host.getByLabel('Your name').fill('Hana');
	await host.getByRole('button', { name: 'Join room' }).click();
	await expect(host.locator('figure.tile')).toHaveCount(2);
	// Video receivers on open connections: not mediasoup-client's capability probes (closed), nor the
	// receive transport's bandwidth probator (mid "probator").
	const receivers = () => host.evaluate(() => (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections
		.filter((connection) => connection.connectionState !== 'closed')
		.flatMap((connection) => connection.getTransceivers())
		.filter((transceiver) => transceiver.receiver.track.kind === 'video' && transceiver.direction === 'recvonly' && transceiver.mid !== 'probator').length);
	await expect.poll(() => framesShown(host.locator('figure.tile:not(:has(video.mirrored))'))).toBeGreaterThan(5);
	expect(await receivers()).toBe(1);
	await host.getByRole('button', { name: 'Next page' }).click();
	await expect.poll(receivers).toBe(2);
});
