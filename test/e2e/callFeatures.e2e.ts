/** In-call features in real Chromium: raised hands and reactions. */
import { expect, test, type Page } from '@playwright/test';
import { e2eServer, join } from '../support/browser.js';
import { createRoom } from '../support/server.js';

const fixture = e2eServer();

const tile = (page: Page, name: string) => page.locator('figure.tile', { hasText: name });

test('a raised hand is announced, numbered on the tile, listed for the host in order, and lowered by the host', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	const cy = await join(browser, inviteUrl, 'Cy');

	await cy.getByRole('button', { name: 'Raise hand' }).click();
	await bo.getByRole('button', { name: 'Raise hand' }).click();
	await expect(bo.getByRole('button', { name: 'Raise hand' })).toHaveAttribute('aria-pressed', 'true');
	// Cy's notice may still be up: the two merge into one line.
	await expect(host.getByRole('status').getByText(/^(Bo raised their hand|2 people raised their hands)$/)).toBeVisible();
	await expect(tile(host, 'Cy').getByRole('img', { name: 'Hand raised' })).toHaveText('1');
	await expect(tile(host, 'Bo').getByRole('img', { name: 'Hand raised' })).toHaveText('2');
	// An SVG icon, not an emoji that shows as an empty box without an emoji font.
	await expect(tile(host, 'Bo').getByRole('img', { name: 'Hand raised' }).locator('svg')).toHaveCount(1);

	await host.getByRole('button', { name: 'Participants' }).click();
	await expect(host.getByRole('region', { name: 'Raised hands' }).getByRole('listitem')).toHaveText([/^Cy/, /^Bo/]);
	await host.getByRole('button', { name: 'Lower Cy’s hand' }).click();
	await expect(cy.getByRole('button', { name: 'Raise hand' })).toHaveAttribute('aria-pressed', 'false');
	await expect(tile(host, 'Bo').getByRole('img', { name: 'Hand raised' })).toHaveText('1');
});

test('a reaction floats over the sender\'s tile for everyone', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	await bo.getByRole('button', { name: 'Reactions' }).click();
	await bo.getByRole('button', { name: 'Celebrate' }).click();
	await expect(tile(host, 'Bo').locator('.reaction')).toHaveText('🎉');
	await expect(tile(bo, 'Bo (you)').locator('.reaction')).toHaveText('🎉');
	// It floats away after a few seconds.
	await expect(tile(host, 'Bo').locator('.reaction')).toHaveCount(0, { timeout: 8000 });
});

test('chat: unread badge and toast while closed, focus on opening, safe links, and private messages', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	const cy = await join(browser, inviteUrl, 'Cy');

	await bo.getByRole('button', { name: 'Chat' }).click();
	await expect(bo.getByLabel('Type a message')).toBeFocused();
	await bo.getByLabel('Type a message').fill('agenda at https://example.org/agenda. Not this: javascript:alert(1)');
	await bo.getByRole('button', { name: 'Send' }).click();
	await expect(host.getByRole('status').getByText('Bo: agenda at https://example.org/agenda.', { exact: false })).toBeVisible();
	await expect(host.getByRole('button', { name: 'Chat 1 unread' })).toBeVisible();

	await host.getByRole('button', { name: 'Chat' }).click();
	await expect(host.getByRole('button', { name: 'Chat 1 unread' })).toHaveCount(0);
	const link = host.getByRole('link', { name: 'https://example.org/agenda' });
	await expect(link).toHaveAttribute('href', 'https://example.org/agenda');
	await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow');
	await expect(link).toHaveAttribute('target', '_blank');
	await expect(host.getByRole('link', { name: /javascript/ })).toHaveCount(0);

	await host.getByLabel('To').selectOption({ label: 'Cy' });
	await host.getByLabel('Type a message').fill('just for Cy');
	await host.getByRole('button', { name: 'Send' }).click();
	await expect(host.getByText('(private to Cy)')).toBeVisible();
	await expect(cy.getByRole('status').getByText('Hana (private): just for Cy')).toBeVisible();
	await bo.waitForTimeout(500);
	await expect(bo.getByText('just for Cy')).toHaveCount(0);
});

test('turning the camera off releases it (no live camera track), and turning it on sends video again', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const context = await browser.newContext();
	// Records every camera track the page opens, to see whether any is still live.
	await context.addInitScript(() => {
		const opened: MediaStreamTrack[] = [];
		Object.assign(window, { openedCameras: opened });
		const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
		navigator.mediaDevices.getUserMedia = async (constraints) => {
			const stream = await getUserMedia(constraints);
			opened.push(...stream.getVideoTracks());
			return stream;
		};
	});
	const bo = await context.newPage();
	await bo.goto(inviteUrl);
	await bo.getByLabel('Your name').fill('Bo');
	await bo.getByRole('button', { name: 'Join room' }).click();
	const liveCameras = () => bo.evaluate(() => (window as unknown as { openedCameras: MediaStreamTrack[] }).openedCameras
		.filter((track) => track.readyState === 'live').length);
	const boVideoOnHost = host.locator('figure.tile', { hasText: 'Bo' }).locator('video');
	await expect(boVideoOnHost).toHaveCount(1);

	await bo.getByRole('button', { name: 'Turn camera off' }).click();
	await expect.poll(liveCameras).toBe(0);
	await expect(boVideoOnHost).toHaveCount(0);

	await bo.getByRole('button', { name: 'Turn camera on' }).click();
	await expect.poll(liveCameras).toBe(1);
	await expect(boVideoOnHost).toHaveCount(1);
	const frames = () => boVideoOnHost.evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames);
	const before = await frames();
	await expect.poll(frames).toBeGreaterThan(before + 10);
});
