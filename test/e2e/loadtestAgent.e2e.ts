/**
 * The load agent as an attacker finds it: a browser served only to whoever
 * holds its secret, and, for them, only what a load run needs: web pages,
 * not the agent's files, its folders or raw DevTools. (The smoke run in
 * loadtest.e2e.ts drives a whole load run through the agent with the secret.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { BrowserAgent } from '../../tools/loadtest/src/agent.js';
import { e2eServer } from '../support/browser.js';
import { freeMediaPort } from '../support/server.js';

const fixture = e2eServer();
// The test runner's own tracing would ask the served browser for Tracing calls, which a load run never makes.
test.use({ trace: 'off' });
let agent: BrowserAgent;
const refusals: string[] = [];

test.beforeAll(async () => {
	agent = await BrowserAgent.start({ listen: `127.0.0.1:${await freeMediaPort()}`, log: (line) => refusals.push(line) });
});
test.afterAll(async () => {
	await agent?.close();
});

test('without the secret nothing of the browser is reachable, and plain HTTP gives nothing away', async () => {
	const base = agent.endpoint.slice(0, agent.endpoint.lastIndexOf('/'));
	const secret = agent.endpoint.slice(base.length + 1);
	expect(secret.length).toBeGreaterThanOrEqual(43);
	for (const endpoint of [`${base}/`, `${base}/rooms-loadtest`, `${base}/${secret.slice(0, -1)}`, `${base}/${secret}x`, `${base}/browser`]) {
		await expect(chromium.connect(endpoint, { timeout: 10_000 }), endpoint).rejects.toThrow(/401/);
	}
	// Playwright's own server answers /json with its WebSocket path; the agent answers nothing.
	const http = base.replace(/^ws:/, 'http:');
	for (const pathname of ['/json', '/', `/${secret}`]) expect((await fetch(`${http}${pathname}`)).status).toBe(404);
	expect(refusals.filter((line) => line.includes('without its secret'))).toHaveLength(5);
});

test('with the secret, web pages work but the agent\'s files, folders and raw DevTools do not', async () => {
	const browser = await chromium.connect(agent.endpoint, { timeout: 30_000 });
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-agent-attack-'));
	try {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(fixture.server.url);
		// As the load tool waits (its calls are the ones the agent serves; expect()'s polling is not one of them).
		await page.getByRole('heading', { level: 1 }).waitFor();

		await expect(page.goto('file:///etc/passwd')).rejects.toThrow(/navigation to file: is not served/);
		// Script in the page cannot reach the file system either: Chromium keeps web pages from file: URLs.
		expect(await page.evaluate(() => fetch('file:///etc/passwd').then(() => 'read', () => 'refused'))).toBe('refused');
		await page.evaluate(() => { window.location.href = 'file:///etc/passwd'; });
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(page.url()).toMatch(/^http:/);
		expect(await page.evaluate(() => document.body.innerText)).not.toContain('root:');

		// Recordings would be written where the caller says, as the agent's user.
		await expect(browser.newContext({ recordVideo: { dir: scratch } })).rejects.toThrow(/recordVideo is not served/);
		await expect(browser.newContext({ recordHar: { path: path.join(scratch, 'x.har') } })).rejects.toThrow(/Tracing.harStart is not served/);
		expect(fs.readdirSync(scratch)).toEqual([]);
		// Nor anything else a load run does not do.
		await expect(page.setContent('<p>x</p>')).rejects.toThrow(/Frame.setContent is not served/);

		// The process list, which the load tool reads for each browser's CPU, and a page's emulated network (--network),
		// and nothing else of DevTools.
		const session = await browser.newBrowserCDPSession();
		expect((await session.send('SystemInfo.getProcessInfo')).processInfo.length).toBeGreaterThan(0);
		await expect(session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: scratch })).rejects.toThrow(/DevTools Browser.setDownloadBehavior is not served/);
		await expect(session.send('Target.createTarget', { url: 'file:///etc/passwd' })).rejects.toThrow(/not served/);
		const pageSession = await context.newCDPSession(page);
		await pageSession.send('Network.emulateNetworkConditions', { offline: false, latency: 50, downloadThroughput: -1, uploadThroughput: -1 });
		await expect(pageSession.send('Page.navigate', { url: 'file:///etc/passwd' })).rejects.toThrow(/DevTools Page.navigate is not served/);
		await expect(pageSession.send('Runtime.evaluate', { expression: '1' })).rejects.toThrow(/DevTools Runtime.evaluate is not served/);
		await expect(pageSession.send('Network.getResponseBody', { requestId: '1' })).rejects.toThrow(/DevTools Network.getResponseBody is not served/);
		expect(refusals.some((line) => line.includes('navigation to file:'))).toBe(true);
	} finally {
		await browser.close();
		fs.rmSync(scratch, { recursive: true, force: true });
	}
});

test('a secret given to the agent must be at least 128 random bits', async () => {
	await expect(BrowserAgent.start({ listen: '127.0.0.1:0', token: 'password' })).rejects.toThrow(/at least 128 random bits/);
});

test('each connection gets a Chromium of its own, up to --max-browsers; the agent\'s load answers only with the secret', async () => {
	const small = await BrowserAgent.start({ listen: `127.0.0.1:${await freeMediaPort()}`, maxBrowsers: 2, log: (line) => refusals.push(line) });
	try {
		/** The pid of the Chromium behind a connection, from its own process list. */
		const browserPid = async (browser: Awaited<ReturnType<typeof chromium.connect>>) => {
			const session = await browser.newBrowserCDPSession();
			const { processInfo } = await session.send('SystemInfo.getProcessInfo') as { processInfo: { id: number; type: string }[] };
			return processInfo.find(({ type }) => type === 'browser')!.id;
		};
		const first = await chromium.connect(small.endpoint, { timeout: 30_000 });
		const second = await chromium.connect(small.endpoint, { timeout: 30_000 });
		expect(await browserPid(first)).not.toBe(await browserPid(second));
		// A third is one too many: refused, and said so.
		await expect(chromium.connect(small.endpoint, { timeout: 10_000 })).rejects.toThrow(/503/);
		expect(refusals.some((line) => line.includes('2 browsers already run here'))).toBe(true);
		// A closed connection takes its Chromium with it, and frees its place.
		await first.close();
		await expect.poll(async () => chromium.connect(small.endpoint, { timeout: 10_000 }).then((browser) => browser.close().then(() => true), () => false),
			{ timeout: 15_000 }).toBe(true);
		await second.close();

		const http = small.endpoint.replace(/^ws:/, 'http:');
		await expect.poll(async () => (await (await fetch(`${http}/load`)).json() as { cpu?: number }).cpu, { timeout: 5000 }).toBeGreaterThanOrEqual(0);
		const load = await (await fetch(`${http}/load`)).json() as { cpu: number; eventLoopP99Ms: number };
		expect(load.cpu).toBeLessThanOrEqual(1);
		expect(load.eventLoopP99Ms).toBeGreaterThan(0);
		const base = http.slice(0, http.lastIndexOf('/'));
		expect((await fetch(`${base}/load`)).status).toBe(404);
		expect((await fetch(`${base}/${'x'.repeat(43)}/load`)).status).toBe(404);
	} finally {
		await small.close();
	}
});
