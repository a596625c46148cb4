/**
 * The call's surface as a person sees it: coloured buttons keep their colour
 * under the pointer, and the lobby's answer to a knock leads with Admit.
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
