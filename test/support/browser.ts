/** Fixtures for end-to-end tests in real Chromium: a server per test file, and people arriving in their own browser profiles. */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startServer, type TestServer } from './server.js';

/** One server for the whole file; browsers use WebRTC only, so plain transports are off. */
export function e2eServer(): { readonly server: TestServer } {
	let server: TestServer | undefined;
	test.beforeAll(async () => {
		server = await startServer({ ROOMS_PLAIN_TRANSPORTS: 'false' });
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
export async function arrive(browser: Browser, url: string, name: string, button = 'Join room'): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	page.on('dialog', (dialog) => void dialog.accept());
	await page.goto(url);
	await page.getByLabel('Your name').fill(name);
	await page.getByRole('button', { name: button }).click();
	return page;
}

export const inRoom = (page: Page) => expect(page.getByRole('button', { name: 'Leave room' })).toBeVisible();

/** Arrives and waits until the person is in the room. */
export async function join(browser: Browser, url: string, name: string): Promise<Page> {
	const page = await arrive(browser, url, name);
	await inRoom(page);
	return page;
}
