/**
 * Host flows that used to break, in real Chromium: each test reproduced its
 * bug before the fix.
 */
import { expect, test } from '@playwright/test';
import { arrive, e2eServer, inRoom } from '../support/browser.js';
import { createRoom } from '../support/server.js';

const fixture = e2eServer();

test('a host who arrives after the guests sees them, and no stale request to join', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url, { waitForHost: true });
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

test('a reload keeps the host a host, also after a link reset, without the key in the address bar, until the room ends', async ({ browser }) => {
	const { hostUrl, room } = await createRoom(fixture.server.url, { waitForHost: true });
	const host = await arrive(browser, hostUrl, 'Hana');
	const rejoinAsHost = async () => {
		await host.reload();
		expect(host.url()).not.toContain('host=');
		await expect(host.getByText('You are joining as the host.')).toBeVisible();
		await host.getByRole('button', { name: 'Join room' }).click();
		await expect(host.getByRole('button', { name: 'Lock room' })).toBeVisible();
	};
	await expect(host.getByRole('button', { name: 'Lock room' })).toBeVisible();
	await rejoinAsHost();

	await host.getByRole('button', { name: 'Room settings' }).click();
	await host.getByRole('button', { name: 'Reset invite link' }).click();
	await expect(host.getByText('The old link no longer works.', { exact: false })).toBeVisible();
	expect(new URL(host.url()).pathname).not.toBe(`/r/${room.code}`);
	await rejoinAsHost();

	await host.getByRole('button', { name: 'Room settings' }).click();
	await host.getByRole('button', { name: 'End room for everyone' }).click();
	await host.getByRole('dialog').getByRole('button', { name: 'End room' }).click();
	await expect(host.getByText('You ended the room for everyone.')).toBeVisible();
	const stored = await host.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('rooms.host.')));
	expect(stored).toEqual([]);
});

test('a host link from a chat app fills in the host\'s name', async ({ browser }) => {
	const { hostUrl } = await createRoom(fixture.server.url, {}, { app: 'messenger', user: 'u-named', name: 'Hana Li' });
	const page = await (await browser.newContext()).newPage();
	await page.goto(hostUrl);
	await expect(page.getByLabel('Your name')).toHaveValue('Hana Li');
	await expect(page.getByRole('button', { name: 'Join room' })).toBeEnabled();
	expect(page.url()).not.toContain('#');
});

test('copying the invite link says so only when it was copied, and otherwise offers the link selected', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const copying = await (await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] })).newPage();
	await copying.goto(inviteUrl);
	await copying.getByLabel('Your name').fill('Ana');
	await copying.getByRole('button', { name: 'Join room' }).click();
	await copying.getByRole('button', { name: 'Invite people' }).click();
	await expect(copying.getByRole('textbox', { name: 'Invite link' })).toHaveValue(inviteUrl);
	await copying.getByRole('button', { name: 'Copy invite link' }).click();
	await expect(copying.getByText('Invite link copied')).toBeVisible();
	expect(await copying.evaluate(() => navigator.clipboard.readText())).toBe(inviteUrl);

	const denied = await browser.newContext();
	// As on plain HTTP or without the permission: the browser refuses to write.
	await denied.addInitScript(() => {
		navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
	});
	const page = await denied.newPage();
	await page.goto(inviteUrl);
	await page.getByLabel('Your name').fill('Bo');
	await page.getByRole('button', { name: 'Join room' }).click();
	await page.getByRole('button', { name: 'Invite people' }).click();
	await page.getByRole('button', { name: 'Copy invite link' }).click();
	const link = page.getByRole('textbox', { name: 'Invite link' });
	await expect(link).toHaveValue(inviteUrl);
	await expect(link).toBeFocused();
	expect(await link.evaluate((input: HTMLInputElement) => input.selectionEnd! - input.selectionStart!)).toBe(inviteUrl.length);
	await expect(page.getByText('Invite link copied')).toHaveCount(0);
});

for (const viewport of [{ width: 960, height: 600 }, { width: 390, height: 844 }]) {
	test(`a request to join never covers the host's buttons (${viewport.width}×${viewport.height})`, async ({ browser }) => {
		const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
		const host = await (await browser.newContext({ viewport })).newPage();
		await host.goto(hostUrl);
		await host.getByRole('button', { name: 'Join room' }).click();
		// On a phone the host's controls other than the essentials are under More options.
		const phone = viewport.width < 720;
		if (phone) await host.getByRole('button', { name: 'More options' }).click();
		await host.getByRole('button', { name: 'Lock room' }).click();
		const bo = await (await browser.newContext()).newPage();
		await bo.goto(inviteUrl);
		await bo.getByLabel('Your name').fill('Bo');
		await bo.getByRole('button', { name: 'Ask to join' }).click();
		await expect(host.getByRole('button', { name: 'Admit Bo' })).toBeVisible();
		// Each control is the topmost element at its own centre: nothing lies over it.
		const inBar = phone ? ['More options', 'Leave room', 'Admit Bo', 'Deny Bo'] : ['Unlock room', 'Room settings', 'Invite people', 'Leave room', 'Admit Bo', 'Deny Bo'];
		const inMenu = phone ? ['Unlock room', 'Room settings', 'Invite people'] : [];
		for (const name of [...inBar, ...inMenu]) {
			if (name === inMenu[0]) await host.getByRole('button', { name: 'More options' }).click();
			const button = host.getByRole('button', { name, exact: true });
			await button.scrollIntoViewIfNeeded();
			const onTop = await button.evaluate((element) => {
				const box = element.getBoundingClientRect();
				const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
				return hit !== null && (hit === element || element.contains(hit));
			});
			expect(onTop, `${name} is not covered`).toBe(true);
		}
	});
}

test('the join page shows its Join button whole at 1280×800, without scrolling', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url, { waitForHost: true });
	for (const url of [inviteUrl, hostUrl]) {
		const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
		await page.goto(url);
		await page.getByLabel('Your name').fill('Ana');
		const box = (await page.getByRole('button', { name: 'Join room' }).boundingBox())!;
		expect(box.y).toBeGreaterThanOrEqual(0);
		expect(box.y + box.height).toBeLessThanOrEqual(800);
		expect(await page.evaluate(() => window.scrollY)).toBe(0);
	}
});

test('everyone sees whether the room is open and how many are in, and can share the link through the share sheet', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url, { title: 'Book club' });
	const host = await arrive(browser, hostUrl, 'Hana');
	const context = await browser.newContext();
	// Chromium on a desktop has no share sheet; a phone's is stood in for, recording what it was given.
	await context.addInitScript(() => {
		Object.assign(navigator, { share: (data: ShareData) => { (window as unknown as { shared: ShareData }).shared = data; return Promise.resolve(); } });
	});
	const bo = await context.newPage();
	await bo.goto(inviteUrl);
	await bo.getByLabel('Your name').fill('Bo');
	await bo.getByRole('button', { name: 'Join room' }).click();
	await expect(bo.getByRole('heading', { name: 'Book club', level: 1 })).toBeFocused();
	await expect(bo.getByText('Open · 2 in the room')).toBeVisible();
	await host.getByRole('button', { name: 'Lock room' }).click();
	await expect(bo.getByText('Locked · 2 in the room')).toBeVisible();

	await bo.getByRole('button', { name: 'Invite people' }).click();
	await bo.getByRole('button', { name: 'Share…' }).click();
	expect(await bo.evaluate(() => (window as unknown as { shared: ShareData }).shared)).toEqual({ title: 'Book club', text: 'Join me in Book club', url: inviteUrl });
});

test('the screens around a call name the room, show oneself while waiting, and offer a way on', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url, { title: 'Choir practice', waitForHost: true });
	const bo = await arrive(browser, inviteUrl, 'Bo');
	await expect(bo.getByRole('heading', { name: 'Choir practice' })).toBeVisible();
	await expect(bo.getByLabel('Your camera')).toBeVisible();
	await bo.getByRole('button', { name: 'Stop waiting' }).click();
	await expect(bo.getByText('You left the room.')).toBeVisible();
	await expect(bo.getByRole('heading', { name: 'Choir practice' })).toBeVisible();
	await expect(bo.getByRole('link', { name: 'Go to the start page' })).toBeVisible();
	await bo.getByRole('button', { name: 'Rejoin' }).click();
	await expect(bo.getByLabel('Your name')).toHaveValue('Bo');

	const host = await arrive(browser, hostUrl, 'Hana');
	await inRoom(host);
	await host.getByRole('button', { name: 'Room settings' }).click();
	await host.getByRole('button', { name: 'End room for everyone' }).click();
	await host.getByRole('dialog').getByRole('button', { name: 'End room' }).click();
	await expect(host.getByRole('heading', { name: 'Choir practice' })).toBeVisible();
	await expect(host.getByRole('button', { name: 'Rejoin' })).toHaveCount(0);
	await expect(host.getByRole('link', { name: 'Go to the start page' })).toBeVisible();
});
