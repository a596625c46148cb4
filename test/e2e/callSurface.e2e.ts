/**
 * The call's surface as a person sees it: coloured buttons keep their colour
 * under the pointer, the lobby's answer to a knock leads with Admit, and
 * every on/off setting is the same drawn switch, offered only where it means
 * something.
 */
import { expect, test, type Locator } from '@playwright/test';
import { arrive, e2eServer, join } from '../support/browser.js';
import { createRoom } from '../support/server.js';

const fixture = e2eServer();

const background = (locator: Locator) => locator.evaluate((element) => getComputedStyle(element).backgroundColor);

test('hovering a coloured button keeps its colour (lighter): Leave and Send', async ({ browser }) => {
	const { hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	await host.getByRole('button', { name: 'Chat' }).click();
	await host.getByLabel('Type a message').fill('hello');
	for (const button of [host.getByRole('button', { name: 'Leave room' }), host.getByRole('button', { name: 'Send' })]) {
		const resting = await background(button);
		await button.hover();
		expect(await background(button)).toBe(resting);
		expect(await button.evaluate((element) => getComputedStyle(element).filter)).toMatch(/brightness/);
		await host.mouse.move(0, 0);
	}
});

test('a knock leads with Admit, the filled button; Deny is a plain one', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	await host.getByRole('button', { name: 'Lock room' }).click();
	await arrive(browser, inviteUrl, 'Bo', 'Ask to join');
	const admit = host.getByRole('button', { name: 'Admit Bo' });
	const deny = host.getByRole('button', { name: 'Deny Bo' });
	await expect(admit).toBeVisible();
	const plain = await background(host.getByRole('button', { name: 'Participants' }));
	expect(await background(admit)).toBe('rgb(37, 99, 235)');
	expect(await background(deny)).not.toBe(await background(admit));
	expect(await background(deny)).not.toMatch(/^rgb\(198, 42, 47\)/);
	expect(plain).not.toBe(await background(admit));
});

test('room settings are drawn switches beside their labels; "signed in through an app" is offered only in a room an app made', async ({ browser }) => {
	// A room made on the landing page: no app, so nobody can sign in through one.
	const page = await (await browser.newContext()).newPage();
	await page.goto(fixture.server.url);
	const e2eeSwitch = page.getByRole('switch', { name: /End-to-end encrypted/ });
	await expect(e2eeSwitch).not.toBeChecked();
	await page.getByLabel('Your name').fill('Wren');
	await page.getByRole('button', { name: 'Create a room' }).click();
	await page.getByRole('button', { name: 'Go to the room' }).click();
	await page.getByRole('button', { name: 'Join room' }).click();
	await page.getByRole('button', { name: 'Room settings' }).click();
	const panel = page.getByRole('complementary', { name: 'Room settings' });
	await expect(panel.getByRole('switch', { name: 'Guests wait until a host is here' })).toBeVisible();
	await expect(panel.getByRole('switch', { name: /signed in through an app/ })).toHaveCount(0);
	// A switch is a 44×24 track on the label's line, not a bare box above it.
	const toggle = panel.getByRole('switch', { name: 'Lock the room after removing someone' });
	const box = (await toggle.boundingBox())!;
	expect([Math.round(box.width), Math.round(box.height)]).toEqual([44, 24]);
	const label = (await panel.getByText('Lock the room after removing someone').boundingBox())!;
	expect(Math.abs((label.y + label.height / 2) - (box.y + box.height / 2))).toBeLessThan(4);
	expect(label.x).toBeGreaterThan(box.x + box.width);
	const before = await background(toggle);
	await toggle.click();
	await expect(toggle).not.toBeChecked();
	expect(await background(toggle)).not.toBe(before);

	// A room an app made offers it.
	const { hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	await host.getByRole('button', { name: 'Room settings' }).click();
	await expect(host.getByRole('switch', { name: 'Only people signed in through an app can join' })).toBeVisible();
});
