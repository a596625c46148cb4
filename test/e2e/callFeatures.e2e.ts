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
	await expect(host.getByRole('status').getByText('Bo raised their hand')).toBeVisible();
	await expect(tile(host, 'Cy').getByRole('img', { name: 'Hand raised' })).toHaveText('✋ 1');
	await expect(tile(host, 'Bo').getByRole('img', { name: 'Hand raised' })).toHaveText('✋ 2');

	await host.getByRole('button', { name: 'Participants' }).click();
	await expect(host.getByRole('region', { name: 'Raised hands' }).getByRole('listitem')).toHaveText([/^Cy/, /^Bo/]);
	await host.getByRole('button', { name: 'Lower Cy’s hand' }).click();
	await expect(cy.getByRole('button', { name: 'Raise hand' })).toHaveAttribute('aria-pressed', 'false');
	await expect(tile(host, 'Bo').getByRole('img', { name: 'Hand raised' })).toHaveText('✋ 1');
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
