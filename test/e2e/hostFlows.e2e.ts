/**
 * Host flows that used to break, in real Chromium: each test reproduced its
 * bug before the fix.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createRoom, startServer, type TestServer } from '../support/server.js';

let server: TestServer;
test.beforeAll(async () => {
	server = await startServer({ ROOMS_PLAIN_TRANSPORTS: 'false' });
});
test.afterAll(async () => {
	await server?.close();
});

async function arrive(browser: Browser, url: string, name: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto(url);
	await page.getByLabel('Your name').fill(name);
	await page.getByRole('button', { name: 'Join room' }).click();
	return page;
}

const inRoom = (page: Page) => expect(page.getByRole('button', { name: 'Leave room' })).toBeVisible();

test('a host who arrives after the guests sees them, and no stale request to join', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(server.url, { waitForHost: true });
	const bo = await arrive(browser, inviteUrl, 'Bo');
	await expect(bo.getByText('Waiting for the host. You will join as soon as they arrive.')).toBeVisible();
	const host = await arrive(browser, hostUrl, 'Hana');
	await inRoom(host);
	await inRoom(bo);
	await expect(host.locator('figure.tile', { hasText: 'Bo' })).toBeVisible();
	await expect(host.getByRole('button', { name: 'Admit Bo' })).toHaveCount(0);
	await host.getByRole('button', { name: 'Participants' }).click();
	await expect(host.getByRole('heading', { name: 'Participants (2)' })).toBeVisible();
});
