/**
 * Where browser participants run: Chromium processes launched here, or
 * browsers served by agents on other machines (`rooms-loadtest agent`,
 * Playwright's browser-server protocol), or any grid that speaks it.
 */
import { type Browser, type CDPSession, chromium } from 'playwright-core';
import { fakeMedia, fakeMediaSwitches } from './fakeMedia.js';

export const CHROMIUM = process.env.ROOMS_LOADTEST_CHROMIUM ?? '/usr/bin/chromium';
/** Each browser participant decodes and encodes real video: no GPU here, and no sandbox in containers. */
export const SWITCHES = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync', '--disable-renderer-backgrounding', '--disable-background-timer-throttling',
	'--disable-backgrounding-occluded-windows'];
/**
 * The tool, not Playwright, decides what a signal does: Playwright's own
 * handlers would close the browsers and exit 130 at Ctrl-C, before the report
 * is written. The browsers still die with the process if it exits.
 */
export const OWN_SIGNALS = { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false };

/** A Chromium on this machine, its fake camera and microphone playing the load test's clip. */
export async function launchLocal(): Promise<Browser> {
	return chromium.launch({ executablePath: CHROMIUM, args: [...SWITCHES, ...fakeMediaSwitches(await fakeMedia())], ...OWN_SIGNALS });
}

/** A browser served by an agent (agent.ts), or a grid: `ws://host:port/path`, the path holding the agent's secret. */
export function connectRemote(endpoint: string): Promise<Browser> {
	return chromium.connect(endpoint, { timeout: 30_000 });
}

/** A Chromium's CPU use, from the process list it keeps of itself (works for agents' browsers too). */
export class BrowserCpu {
	#last: { cpuSeconds: number; at: number } | undefined;

	private constructor(private readonly session: CDPSession | undefined) {}

	static async of(browser: Browser): Promise<BrowserCpu> {
		return new BrowserCpu(await browser.newBrowserCDPSession().catch(() => undefined));
	}

	/** Cores in use since the previous call, over all its processes; undefined the first time or when unknown. */
	async cores(): Promise<number | undefined> {
		if (!this.session) return undefined;
		const info = await this.session.send('SystemInfo.getProcessInfo').catch(() => undefined) as { processInfo: { cpuTime: number }[] } | undefined;
		if (!info) return undefined;
		const now = { cpuSeconds: info.processInfo.reduce((sum, { cpuTime }) => sum + cpuTime, 0), at: performance.now() };
		const last = this.#last;
		this.#last = now;
		// A renderer that went away takes its CPU time with it: such a drop is no figure.
		if (!last || now.cpuSeconds < last.cpuSeconds) return undefined;
		return (now.cpuSeconds - last.cpuSeconds) / ((now.at - last.at) / 1000);
	}
}
