/**
 * One participant in a real Chromium, as a person would be: the invite
 * link, a name, "Join room", then the camera and microphone as asked and
 * the chosen layout. It never throws: a join that fails is a result, with
 * its reason (the API's error code, or `timeout`).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ParticipantResult } from './report.js';
import { KEEP_PEER_CONNECTIONS } from './peerConnections.js';
import { PAGE_PROBE } from './pageProbe.js';

export interface BrowserParticipantOptions {
	inviteUrl: string;
	name: string;
	camera: boolean;
	microphone: boolean;
	layout: 'grid' | 'speaker';
	joinTimeoutMs: number;
}

interface ProbeSample {
	tiles: { fps: number; frozen: boolean; height: number }[];
	inKbps: number;
	outKbps: number;
	loss: number;
	jitterMs?: number;
	rttMs?: number;
	jsHeapMb?: number;
	/** Milliseconds from opening the link (navigation) to the first remote frame, once there was one. */
	firstFrameMs?: number;
}

export class BrowserParticipant {
	readonly result: ParticipantResult;
	#context: BrowserContext | undefined;
	#page: Page | undefined;

	private constructor(result: ParticipantResult) {
		this.result = result;
	}

	static async join(browser: Browser, where: string, options: BrowserParticipantOptions): Promise<BrowserParticipant> {
		const participant = new BrowserParticipant({ id: `${where}/${options.name}`, kind: 'browser', name: options.name, where, joined: false, samples: [] });
		await participant.#join(browser, options).catch((error: Error) => {
			participant.result.failure ??= /Timeout/i.test(error.message) ? 'timeout' : `error: ${error.message.split('\n')[0]}`;
		});
		return participant;
	}

	async #join(browser: Browser, options: BrowserParticipantOptions): Promise<void> {
		const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } });
		this.#context = context;
		await context.addInitScript(KEEP_PEER_CONNECTIONS);
		await context.addInitScript(PAGE_PROBE);
		const page = await context.newPage();
		this.#page = page;
		// The API's answer names why a join was refused (ROOM_FULL, ROOM_LOCKED...).
		page.on('response', (response) => {
			if (!/\/api\/v1\/invites\/[^/]+\/join$/.test(new URL(response.url()).pathname) || response.ok()) return;
			void response.json().then((body: { error?: { code?: string } }) => {
				this.result.failure = body.error?.code ?? `HTTP ${response.status()}`;
			}).catch(() => undefined);
		});
		const started = performance.now();
		await page.goto(options.inviteUrl, { timeout: options.joinTimeoutMs });
		await page.getByLabel('Your name').fill(options.name, { timeout: options.joinTimeoutMs });
		await page.getByRole('button', { name: 'Join room' }).click({ timeout: options.joinTimeoutMs });
		await page.getByRole('button', { name: 'Leave room' }).waitFor({ timeout: options.joinTimeoutMs });
		this.result.joined = true;
		this.result.joinMs = performance.now() - started;
		delete this.result.failure;
		if (!options.camera) await page.getByRole('button', { name: 'Turn camera off' }).click();
		if (!options.microphone) await page.getByRole('button', { name: 'Mute microphone' }).click();
		if (options.layout === 'speaker') await page.getByRole('button', { name: 'Speaker view' }).click().catch(() => undefined);
	}

	/** Records what the page measured since the last sample, at `t` ms into the run; `cpuPercent` is this participant's share of its Chromium's CPU. */
	async sample(t: number, cpuPercent?: number): Promise<void> {
		if (!this.result.joined || !this.#page) return;
		const probe = await this.#page.evaluate(() => (window as unknown as { roomsProbe: { sample(): Promise<ProbeSample> } }).roomsProbe.sample())
			.catch(() => undefined);
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
			...(probe.jsHeapMb !== undefined ? { memoryMb: probe.jsHeapMb } : {}),
			...(cpuPercent !== undefined ? { cpuPercent } : {}),
		});
	}

	/** Leaves as a person does (the Leave button), then closes the page. */
	async leave(): Promise<void> {
		await this.#page?.getByRole('button', { name: 'Leave room' }).click({ timeout: 2000 }).catch(() => undefined);
		await this.#context?.close().catch(() => undefined);
	}
}
