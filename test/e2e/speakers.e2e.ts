/**
 * Who speaks, in real Chromium: every microphone plays a voice-like sound
 * (Chromium's own fake input is a short beep, nearly silence), and muting
 * decides who is heard.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { e2eServer, inRoom, join } from '../support/browser.js';
import { createRoom } from '../support/server.js';
import { writeVoiceWav } from '../support/voice.js';
import config from './playwright.config.js';

const baseArgs = config.use?.launchOptions?.args ?? [];
test.use({ launchOptions: { ...config.use?.launchOptions, args: [...baseArgs, `--use-file-for-fake-audio-capture=${writeVoiceWav()}`] } });

const fixture = e2eServer();

/** Joins with the microphone off from the start (the join page's switch), so only the others are heard. */
async function joinMuted(browser: Browser, url: string, name: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto(url);
	await page.getByLabel('Your name').fill(name);
	await page.getByLabel('Microphone on').uncheck();
	await page.getByRole('button', { name: 'Join room' }).click();
	await inRoom(page);
	return page;
}

test('speaking indicators light for whoever is audible, and the speaker view follows the dominant speaker', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await joinMuted(browser, hostUrl, 'Hana');
	const cy = await joinMuted(browser, inviteUrl, 'Cy');
	const bo = await join(browser, inviteUrl, 'Bo');
	const tile = (name: string) => host.locator('figure.tile[data-kind=camera]', { hasText: name });
	await host.getByRole('button', { name: 'More options' }).click();
	await host.getByRole('button', { name: 'Speaker view' }).click();
	const stage = host.locator('.stage figure.tile');

	await expect(stage).toContainText('Bo');
	await expect(stage).toHaveClass(/speaking/);
	await expect(tile('Cy')).not.toHaveClass(/speaking/);

	await bo.getByRole('button', { name: 'Mute microphone' }).click();
	await cy.getByRole('button', { name: 'Unmute microphone' }).click();
	await expect(stage).toContainText('Cy');
	await expect(stage).toHaveClass(/speaking/);
	// Muted, Bo falls silent: the indicator goes out.
	await expect(tile('Bo')).not.toHaveClass(/speaking/);

	// Someone who comes in while Cy talks on sees Cy large at once: no change of speaker has to tell them.
	const di = await joinMuted(browser, inviteUrl, 'Di');
	await di.getByRole('button', { name: 'More options' }).click();
	await di.getByRole('button', { name: 'Speaker view' }).click();
	await expect(di.locator('.stage figure.tile')).toContainText('Cy');
	await expect(di.locator('.stage figure.tile')).toHaveClass(/speaking/);
});
