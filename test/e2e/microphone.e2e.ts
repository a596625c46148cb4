/**
 * The microphone in real Chromium, where audio processing cannot start at
 * once or at all: what the settings say of noise suppression is what is true
 * of the track being sent, and a browser that refuses a 48 kHz audio context
 * (as Firefox does on a 44.1 kHz device) still meters and sends the sound.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { e2eServer, join } from '../support/browser.js';
import { createRoom } from '../support/server.js';

const fixture = e2eServer();
const BROWSER_SUPPRESSION = 'Using your browser’s own noise suppression.';

/**
 * Audio contexts that stay suspended until the page calls `releaseAudio()`, as one created without a click
 * waits for one. With `atSendTransport`, the microphone's transceiver being added releases them: the
 * track to send has been read, and its producer does not exist until the server answers.
 */
const holdAudio = (atSendTransport: boolean) => `{
	const Native = window.AudioContext;
	let release;
	const released = new Promise((resolve) => { release = resolve; });
	window.releaseAudio = () => release();
	window.AudioContext = class extends Native {
		constructor(...args) {
			super(...args);
			void super.suspend();
			released.then(() => super.resume());
		}
		resume() {
			return released.then(() => super.resume());
		}
	};
	if (${atSendTransport}) {
		const addTransceiver = RTCPeerConnection.prototype.addTransceiver;
		RTCPeerConnection.prototype.addTransceiver = function (track, ...rest) {
			if (track.kind === 'audio') window.releaseAudio();
			return addTransceiver.call(this, track, ...rest);
		};
	}
}`;

/** What the page's microphone sender sends: processed sound (a Web Audio destination's track), or the device's own track and whether the browser cleans it. */
const sentMicrophone = (page: Page) => page.evaluate(() => {
	for (const connection of (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections) {
		for (const sender of connection.getSenders()) {
			if (sender.track?.kind !== 'audio') continue;
			const settings = sender.track.getSettings();
			return { processed: sender.track.label === 'MediaStreamAudioDestinationNode', browserSuppression: settings.noiseSuppression === true };
		}
	}
	return null;
});

async function openDevices(page: Page): Promise<Locator> {
	await page.getByRole('button', { name: 'More options' }).click();
	await page.getByRole('button', { name: 'Audio and video settings' }).click();
	return page.getByRole('complementary', { name: 'Audio and video' });
}

test('while audio processing waits, the browser\'s suppression cleans the device\'s sound and the settings say so; then RNNoise\'s output is sent', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const bo = await join(browser, inviteUrl, 'Bo', [holdAudio(false)]);
	const panel = await openDevices(bo);
	await expect(panel.getByLabel('Noise suppression')).toBeChecked();
	await expect(panel.getByText(BROWSER_SUPPRESSION)).toBeVisible();
	await expect.poll(() => sentMicrophone(bo)).toEqual({ processed: false, browserSuppression: true });

	await bo.evaluate(() => (window as unknown as { releaseAudio: () => void }).releaseAudio());
	await expect.poll(() => sentMicrophone(bo)).toEqual({ processed: true, browserSuppression: false });
	await expect(panel.getByText(BROWSER_SUPPRESSION)).toHaveCount(0);
	await expect(panel.getByLabel('Noise suppression')).toBeChecked();
});

test('audio processing that starts while the producers are being made is what gets sent', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const bo = await join(browser, inviteUrl, 'Bo', [holdAudio(true)]);
	await expect.poll(() => sentMicrophone(bo)).toEqual({ processed: true, browserSuppression: false });
	const panel = await openDevices(bo);
	await expect(panel.getByLabel('Noise suppression')).toBeChecked();
	await expect(panel.getByText(BROWSER_SUPPRESSION)).toHaveCount(0);
});

test('a browser that refuses a 48 kHz audio context still meters and sends the sound, with its own suppression, and says so', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	// Firefox on a 44.1 kHz device, or with resistFingerprinting: a sample rate other than the device's throws.
	const bo = await join(browser, inviteUrl, 'Bo', [`{
		const Native = window.AudioContext;
		window.AudioContext = class extends Native {
			constructor(options = {}) {
				if (options.sampleRate && options.sampleRate !== 44100) throw new DOMException('sample rate not supported', 'NotSupportedError');
				super({ ...options, sampleRate: 44100 });
			}
		};
	}`]);
	const panel = await openDevices(bo);
	const loudest = await panel.getByRole('meter', { name: 'Microphone level' }).evaluate((meter: HTMLMeterElement) => new Promise<number>((resolve) => {
		let max = 0;
		const timer = setInterval(() => { max = Math.max(max, meter.value); }, 20);
		setTimeout(() => { clearInterval(timer); resolve(max); }, 3000);
	}));
	expect(loudest).toBeGreaterThan(0.05);
	await expect(panel.getByLabel('Noise suppression')).toBeChecked();
	await expect(panel.getByText(BROWSER_SUPPRESSION)).toBeVisible();
	// The sound goes through Web Audio as ever (at 44.1 kHz); the browser cleans it at the device, before.
	expect(await sentMicrophone(bo)).toMatchObject({ processed: true });
	await expect(host.locator('figure.tile', { hasText: 'Bo' })).toHaveCount(1);
});
