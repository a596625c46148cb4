/**
 * Host controls in the web app, with the host and guests in separate
 * Chromium contexts (each its own browser profile, so its own guest key).
 */
import { expect, test, type Page } from '@playwright/test';
import { arrive, e2eServer, inRoom, join } from '../support/browser.js';
import { createRoom, joinAppToken } from '../support/server.js';

const fixture = e2eServer();
const status = (page: Page, text: string | RegExp) => expect(page.getByText(text)).toBeVisible();

test('lock, then a knock admitted and another denied', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	await host.getByRole('button', { name: 'Lock room' }).click();
	// The label says what the button does next; it is not also a pressed toggle.
	await expect(host.getByRole('button', { name: 'Unlock room' })).not.toHaveAttribute('aria-pressed');

	const bo = await arrive(browser, inviteUrl, 'Bo', 'Ask to join');
	await status(bo, 'Asking to join. A host will let you in.');
	// Announced in the live region, and shown on the card with its answers.
	await expect(host.getByRole('status').getByText('Bo asks to join')).toBeVisible();
	await expect(host.getByRole('region', { name: 'Waiting to join (1)' }).getByText('Bo asks to join')).toBeVisible();
	await host.getByRole('button', { name: 'Admit Bo' }).click();
	await inRoom(bo);
	await expect(host.locator('figure.tile', { hasText: 'Bo' })).toBeVisible();

	const cy = await arrive(browser, inviteUrl, 'Cy', 'Ask to join');
	await expect(host.getByRole('region', { name: 'Waiting to join (1)' }).getByText('Cy asks to join')).toBeVisible();
	await host.getByRole('button', { name: 'Deny Cy' }).click();
	await status(cy, 'The host did not let you in.');
	// The request is gone from the host's screen, and Cy never got a tile.
	await expect(host.getByRole('region', { name: /Waiting to join/ })).toHaveCount(0);
	await expect(host.getByRole('button', { name: 'Admit Cy' })).toHaveCount(0);
	await expect(host.locator('figure.tile', { hasText: 'Cy' })).toHaveCount(0);

	// Cy's browser opening the link again is told at once, as a removed person is: no "Ask to join" that would fail.
	await cy.goto(inviteUrl);
	await status(cy, 'A host turned down your request to join this room.');
	await expect(cy.getByRole('button', { name: /Ask to join|Join room/ })).toHaveCount(0);
});

test('a removal sticks: the room locks, and the same browser cannot come back after an unlock', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	await host.getByRole('button', { name: 'Participants' }).click();
	// One menu per person; removal is asked again in the page.
	await host.getByRole('button', { name: 'Actions for Bo' }).click();
	await host.getByRole('button', { name: 'Remove Bo' }).click();
	await expect(host.getByRole('dialog', { name: 'Remove Bo? They will not be able to come back.' })).toBeVisible();
	await host.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
	await status(bo, 'You were removed from the room.');
	// Everyone is told what happened and why the room is now locked.
	await expect(host.getByText('Bo was removed')).toBeVisible();
	await expect(host.getByText('The room locked itself after a removal (setting: lock the room after removing someone)')).toBeVisible();
	await expect(host.getByRole('button', { name: 'Unlock room' })).toBeVisible();
	await host.getByRole('button', { name: 'Unlock room' }).click();
	await expect(host.getByRole('button', { name: 'Lock room' })).toBeVisible();

	// Same browser profile, fresh page: told at once, before any Join button.
	await bo.goto(inviteUrl);
	await status(bo, 'A host removed you from this room. You cannot rejoin it.');
	await expect(bo.getByRole('button', { name: 'Join room' })).toHaveCount(0);
	// Another browser still sees the join page.
	const cy = await (await browser.newContext()).newPage();
	await cy.goto(inviteUrl);
	await expect(cy.getByRole('button', { name: 'Join room' })).toBeVisible();
});

test('host mute, a co-host, and the co-host taking over when the host leaves', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	const cy = await join(browser, inviteUrl, 'Cy');

	await host.getByRole('button', { name: 'Participants' }).click();
	await host.getByRole('button', { name: 'Actions for Bo' }).click();
	await host.getByRole('button', { name: 'Mute Bo' }).click();
	await status(bo, 'Hana muted you');
	await expect(bo.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
	await expect(cy.locator('figure.tile', { hasText: 'Bo' }).getByRole('img', { name: 'Microphone off' })).toBeVisible();
	// Only Bo can unmute Bo.
	await bo.getByRole('button', { name: 'Unmute microphone' }).click();
	await expect(cy.locator('figure.tile', { hasText: 'Bo' }).getByRole('img', { name: 'Microphone off' })).toHaveCount(0);

	await host.getByRole('button', { name: 'Actions for Cy' }).click();
	await host.getByRole('button', { name: 'Make Cy co-host' }).click();
	await expect(cy.getByRole('button', { name: 'Lock room' })).toBeVisible();
	await expect(bo.locator('figure.tile', { hasText: 'Cy' }).getByText('Co-host')).toBeVisible();

	await host.getByRole('button', { name: 'Leave room' }).click();
	await expect(bo.locator('figure.tile', { hasText: 'Cy' }).getByText('Host')).toBeVisible();
	// The successor hosts: the room stays open and they have the host's controls.
	await expect(cy.getByRole('button', { name: 'Lock room' })).toBeVisible();
	await cy.getByRole('button', { name: 'Room settings' }).click();
	await expect(cy.getByRole('button', { name: 'End room for everyone' })).toBeVisible();
});

test('guests wait for the host, a reset link says so, and ending the room tells everyone', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url, { waitForHost: true });
	const bo = await arrive(browser, inviteUrl, 'Bo');
	await status(bo, 'Waiting for the host. You will join as soon as they arrive.');
	const host = await join(browser, hostUrl, 'Hana');
	await inRoom(bo);

	await host.getByRole('button', { name: 'Room settings' }).click();
	await host.getByRole('button', { name: 'Reset invite link' }).click();
	// This browser context has no clipboard permission: the new link is shown to copy by hand.
	await status(host, 'New invite link below. The old link no longer works.');
	await expect(host.getByRole('textbox', { name: 'Invite link' })).toHaveValue(/\/r\/[A-Za-z0-9]+$/);
	await expect(host.getByText('Hana reset the invite link')).toBeVisible();
	const late = await (await browser.newContext()).newPage();
	await late.goto(inviteUrl);
	await status(late, 'The host reset this link. Ask them for the new one.');

	await host.getByRole('button', { name: 'End room for everyone' }).click();
	await host.getByRole('dialog').getByRole('button', { name: 'End room' }).click();
	await status(bo, 'The host ended the room.');
	await status(host, 'You ended the room for everyone.');
});

test('a full room queues the next person and seats them when someone leaves', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url, { maxParticipants: 2 });
	await join(browser, hostUrl, 'Hana');
	const bo = await join(browser, inviteUrl, 'Bo');
	const cy = await arrive(browser, inviteUrl, 'Cy', 'Wait for a seat');
	await status(cy, 'The room is full. You are number 1 in line.');
	await bo.getByRole('button', { name: 'Leave room' }).click();
	await inRoom(cy);
});

test('a signed-in-only room turns away anonymous guests and badges app users', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url, { audience: 'signed-in' });
	const host = await join(browser, hostUrl, 'Hana');
	const anon = await arrive(browser, inviteUrl, 'Anon');
	await status(anon, /Only people signed in through the host’s app can join/);
	await join(browser, `${inviteUrl}#app=${joinAppToken('whatsapp', '+15550004444', 'Wes')}`, 'Wes');
	await expect(host.locator('figure.tile', { hasText: 'Wes' }).getByText('Verified by WhatsApp')).toBeVisible();
});
