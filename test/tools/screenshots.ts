/**
 * Makes the README's screenshots in real Chromium: a desktop room with four
 * people (a raised hand, a reaction), the same room on a phone, a new room's
 * ready screen on a phone, a knock at a locked room as its host sees it, and
 * the host's room settings. Writes web/screenshots/*.png.
 *
 *   npm run build:web && npx tsx test/tools/screenshots.ts
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { createRoom, startServer } from '../support/server.js';

const ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required', '--no-sandbox', '--disable-gpu'];

async function joinAs(browser: Browser, url: string, name: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
	const page = await (await browser.newContext({ viewport, permissions: ['camera', 'microphone'] })).newPage();
	await page.goto(url);
	await page.getByLabel('Your name').fill(name);
	await page.getByRole('button', { name: 'Join room' }).click();
	await page.getByRole('button', { name: 'Leave room' }).waitFor();
	return page;
}

const server = await startServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
try {
	const { inviteUrl, hostUrl } = await createRoom(server.url, { title: 'Design review' });
	const host = await joinAs(browser, hostUrl, 'Hana Kim');
	const people = [await joinAs(browser, inviteUrl, 'Bo Chen'), await joinAs(browser, inviteUrl, 'Cy Okafor')];
	const phone = await joinAs(browser, inviteUrl, 'Dee Santos', { width: 390, height: 844 });
	await people[0]!.getByRole('button', { name: 'Raise hand' }).click();
	await people[1]!.getByRole('button', { name: 'Reactions' }).click();
	await people[1]!.getByRole('button', { name: 'Celebrate' }).click();
	await host.waitForTimeout(1200);
	await host.screenshot({ path: 'web/screenshots/in-room.png' });
	await phone.screenshot({ path: 'web/screenshots/phone.png' });

	const landing = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
	await landing.goto(server.url);
	await landing.getByLabel('Your name').fill('Hana Kim');
	await landing.getByRole('button', { name: 'Create a room' }).click();
	await landing.getByRole('heading', { name: 'Your room is ready' }).waitFor();
	await landing.screenshot({ path: 'web/screenshots/share.png' });

	// The host's settings, then a knock at the locked room.
	await host.getByRole('button', { name: 'Room settings' }).click();
	await host.waitForTimeout(500);
	await host.screenshot({ path: 'web/screenshots/settings.png' });
	await host.getByRole('button', { name: 'Close room settings' }).click();
	await host.getByRole('button', { name: 'Lock room' }).click();
	const knocking = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone'] })).newPage();
	await knocking.goto(inviteUrl);
	await knocking.getByLabel('Your name').fill('Eli Park');
	await knocking.getByRole('button', { name: 'Ask to join' }).click();
	await host.getByRole('button', { name: 'Admit Eli Park' }).waitFor();
	await host.waitForTimeout(500);
	await host.screenshot({ path: 'web/screenshots/lobby.png' });
	console.log('wrote web/screenshots/in-room.png, phone.png, share.png, settings.png and lobby.png');
} finally {
	await browser.close();
	await server.close();
}
