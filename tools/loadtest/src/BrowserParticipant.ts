/**
 * One participant in a real Chromium, as a person would be: the invite
 * link, a name, "Join room", then the camera and microphone as asked and
 * the chosen layout. It never throws: a join that fails is a result, with
 * its reason (the API's error code, or `timeout`).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ParticipantResult, SentVideo } from './report.js';
import { KEEP_PEER_CONNECTIONS } from './peerConnections.js';
import type { NetworkProfile } from './network.js';
import { PAGE_PROBE } from './pageProbe.js';

export interface BrowserParticipantOptions {
	inviteUrl: string;
	/** The run's label of that room. */
	room: string;
	name: string;
	camera: boolean;
	microphone: boolean;
	layout: 'grid' | 'speaker';
	joinTimeoutMs: number;
	/** The network it runs on, through Chromium's emulation (which WebRTC obeys too); none: the machine's own. */
	network?: NetworkProfile;
}

interface ProbeSample {
	tiles: { fps: number; frozen: boolean; height: number }[];
	inKbps: number;
	outKbps: number;
	loss: number;
	jitterMs?: number;
	rttMs?: number;
	sent?: SentVideo;
	jsHeapMb?: number;
	/** Milliseconds from opening the link (navigation) to the first remote frame, once there was one. */
	firstFrameMs?: number;
	inRoom: boolean;
}

/** The failure of a browser held in the lobby because the room waits for its host. */
export const WAITING_FOR_HOST = 'waiting-for-host';

/** A join the server (or the lobby) turned down, with its code. */
class JoinRefused extends Error {
	constructor(readonly code: string) {
		super(code);
	}
}

export class BrowserParticipant {
	readonly result: ParticipantResult;
	/** In the room at the last sample (the probe says; a page that does not answer is not). */
	present = false;
	#context: BrowserContext | undefined;
	#page: Page | undefined;
	readonly #browser: Browser;
	readonly #options: BrowserParticipantOptions;

	private constructor(result: ParticipantResult, browser: Browser, options: BrowserParticipantOptions) {
		this.result = result;
		this.#browser = browser;
		this.#options = options;
	}

	static async join(browser: Browser, where: string, options: BrowserParticipantOptions): Promise<BrowserParticipant> {
		const participant = new BrowserParticipant({ id: `${where}/${options.name}`, kind: 'browser', name: options.name, where, room: options.room,
			...(options.network ? { network: options.network.name } : {}), joined: false, samples: [] },
			browser, options);
		const joined = await participant.#join();
		if ('ms' in joined) Object.assign(participant.result, { joined: true, joinMs: joined.ms });
		else participant.result.failure = joined.failure;
		return participant;
	}

	/** Comes back after a leave (churn), in a fresh page as a person reopening the link would: how long it took, or why it failed. */
	async rejoin(): Promise<{ ms: number } | { failure: string }> {
		return this.#join();
	}

	/** Milliseconds from opening the link to seated, or the reason it failed: an error code, `timeout`, or `waiting-for-host`. */
	async #join(): Promise<{ ms: number } | { failure: string }> {
		const started = performance.now();
		try {
			const seatedAt = await this.#enter();
			return { ms: seatedAt - started };
		} catch (error) {
			const { message } = error as Error;
			return { failure: error instanceof JoinRefused ? error.code : /Timeout/i.test(message) ? 'timeout' : `error: ${message.split('\n')[0]}` };
		}
	}

	/** Opens the link in a fresh context, joins, and sets the camera, microphone and layout; resolves when it was seated (performance clock). */
	async #enter(): Promise<number> {
		const [browser, options] = [this.#browser, this.#options];
		const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } });
		this.#context = context;
		await context.addInitScript(KEEP_PEER_CONNECTIONS);
		await context.addInitScript(PAGE_PROBE);
		const page = await context.newPage();
		this.#page = page;
		if (options.network) {
			const devtools = await context.newCDPSession(page);
			await devtools.send('Network.enable');
			// Latency is added each way: half the round trip. Throughput in bytes a second; -1 for no cap.
			await devtools.send('Network.emulateNetworkConditions', {
				offline: false, latency: options.network.rttMs / 2, packetLoss: options.network.loss * 100,
				downloadThroughput: options.network.downKbps === undefined ? -1 : (options.network.downKbps * 1000) / 8,
				uploadThroughput: options.network.upKbps === undefined ? -1 : (options.network.upKbps * 1000) / 8,
			});
		}
		// The API's answer names why a join was refused (ROOM_FULL, ROOM_LOCKED...), or why the link is no good
		// (the invite look-up's INVITE_NOT_FOUND): either ends this join at once, instead of at the join timeout.
		let refuse: (code: string) => void = () => undefined;
		const refused = new Promise<never>((_, reject) => {
			refuse = (code) => reject(new JoinRefused(code));
		});
		refused.catch(() => undefined);
		page.on('response', (response) => {
			if (!/\/api\/v1\/invites\/[^/]+(\/join)?$/.test(new URL(response.url()).pathname) || response.ok()) return;
			void response.json().then((body: { error?: { code?: string } }) => refuse(body.error?.code ?? `HTTP ${response.status()}`))
				.catch(() => refuse(`HTTP ${response.status()}`));
		});
		const timeout = options.joinTimeoutMs;
		const seated = (async () => {
			await page.goto(options.inviteUrl, { timeout });
			await page.getByLabel('Your name').fill(options.name, { timeout });
			await page.getByRole('button', { name: 'Join room' }).click({ timeout });
			// Seated, or held in the lobby: a room that waits for its host never seats a load test's guests.
			return Promise.race([
				page.getByRole('button', { name: 'Leave room' }).waitFor({ timeout }).then(() => 'seated' as const),
				page.getByText('Waiting for the host.', { exact: false }).waitFor({ timeout }).then(() => 'waiting-for-host' as const),
			]);
		})();
		const where = await Promise.race([seated, refused]);
		if (where === 'waiting-for-host') throw new JoinRefused(WAITING_FOR_HOST);
		const seatedAt = performance.now();
		if (!options.camera) await page.getByRole('button', { name: 'Turn camera off' }).click();
		if (!options.microphone) await page.getByRole('button', { name: 'Mute microphone' }).click();
		if (options.layout === 'speaker') await page.getByRole('button', { name: 'Speaker view' }).click().catch(() => undefined);
		return seatedAt;
	}

	/** Records what the page measured since the last sample, at `t` ms into the run; `cpuPercent` is this participant's share of its Chromium's CPU. */
	async sample(t: number, cpuPercent?: number): Promise<void> {
		if (!this.result.joined || !this.#page) return;
		const probe = await this.#page.evaluate(() => (window as unknown as { roomsProbe: { sample(): Promise<ProbeSample> } }).roomsProbe.sample())
			.catch(() => undefined);
		this.present = probe?.inRoom ?? false;
		if (!probe) return;
		this.result.firstFrameMs ??= probe.firstFrameMs;
		const heights = probe.tiles.map(({ height }) => height).filter((height) => height > 0);
		this.result.samples.push({
			t,
			tileFps: probe.tiles.map(({ fps }) => fps),
			frozenTiles: probe.tiles.filter(({ frozen }) => frozen).length,
			...(heights.length ? { minHeight: Math.min(...heights) } : {}),
			inKbps: probe.inKbps,
			outKbps: probe.outKbps,
			loss: probe.loss,
			...(probe.jitterMs !== undefined ? { jitterMs: probe.jitterMs } : {}),
			...(probe.rttMs !== undefined ? { rttMs: probe.rttMs } : {}),
			...(probe.sent ? { sentVideo: probe.sent } : {}),
			...(probe.jsHeapMb !== undefined ? { memoryMb: probe.jsHeapMb } : {}),
			...(cpuPercent !== undefined ? { cpuPercent } : {}),
		});
	}

	/** Whether the page shows a remote frame since it last opened the link (the probe starts over on each page). */
	async receiving(): Promise<boolean> {
		return (await this.#page?.evaluate(() => (window as unknown as { roomsProbe?: { firstFrameMs?: number } }).roomsProbe?.firstFrameMs !== undefined)
			.catch(() => false)) ?? false;
	}

	/** Whether the page is in the room now, asked afresh (the run's last look); between samples, `present` says. */
	async inRoom(): Promise<boolean> {
		if (!this.#page) return false;
		return this.#page.evaluate(() => Boolean(document.querySelector('main.room')) && !document.querySelector('main.room > .overlay'))
			.catch(() => false);
	}

	/** Leaves as a person does (the Leave button), then closes the page. */
	async leave(): Promise<void> {
		await this.#page?.getByRole('button', { name: 'Leave room' }).click({ timeout: 2000 }).catch(() => undefined);
		await this.#context?.close().catch(() => undefined);
	}
}
