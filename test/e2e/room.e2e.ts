import { expect, test, type Browser, type Page } from '@playwright/test';
import { e2eServer, inbound, inRoom, join, watchedPage } from '../support/browser.js';
import { api, appToken, createRoom } from '../support/server.js';

const fixture = e2eServer();

async function joinAs(browser: Browser, url: string, name: string): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	page.on('dialog', (dialog) => {
		throw new Error(`unexpected dialog: ${dialog.message()}`);
	});
	await page.goto(url);
	await page.getByLabel('Your name').fill(name);
	await page.getByRole('button', { name: 'Join room' }).click();
	await expect(page.getByRole('button', { name: 'Leave room' })).toBeVisible();
	return page;
}

/** Frames decoded so far by the camera video of `participantName`'s tile, or -1 without one. */
async function decodedFrames(page: Page, participantName: string): Promise<{ frames: number; width: number }> {
	const tile = page.locator('figure.tile').filter({ has: page.locator('.name', { hasText: new RegExp(`^${participantName}$`) }) });
	return tile.evaluate((figure) => {
		const video = figure.querySelector('video');
		if (!video) return { frames: -1, width: 0 };
		return { frames: video.getVideoPlaybackQuality().totalVideoFrames, width: video.videoWidth };
	});
}

test('three people join by link and see, hear and leave each other', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url, { title: 'Sunday call' });
	const names = ['Ana', 'Bo', 'Cy'];
	const pages: Page[] = [];
	for (const name of names) pages.push(await joinAs(browser, inviteUrl, name));

	for (const [index, page] of pages.entries()) {
		await expect(page.locator('figure.tile')).toHaveCount(3);
		for (const other of names.filter((_, i) => i !== index)) {
			await expect.poll(async () => (await decodedFrames(page, other)).width, { message: `${other}'s video decodes for ${names[index]}` })
				.toBeGreaterThan(0);
			const before = (await decodedFrames(page, other)).frames;
			await expect.poll(async () => (await decodedFrames(page, other)).frames, { message: `${other}'s frames keep coming` })
				.toBeGreaterThan(before + 5);
		}
	}
	await pages[0]!.screenshot({ path: 'test-results/e2e/in-room-3.png' });

	// Mute shows on the others' tiles, and unmute clears it.
	const [ana, bo, cy] = pages as [Page, Page, Page];
	const anaOnBo = bo.locator('figure.tile', { hasText: 'Ana' });
	await expect(anaOnBo.getByRole('img', { name: 'Microphone off' })).toHaveCount(0);
	await ana.getByRole('button', { name: 'Mute microphone' }).click();
	await expect(ana.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
	await expect(anaOnBo.getByRole('img', { name: 'Microphone off' })).toBeVisible();
	await expect(cy.locator('figure.tile', { hasText: 'Ana' }).getByRole('img', { name: 'Microphone off' })).toBeVisible();
	await ana.getByRole('button', { name: 'Unmute microphone' }).click();
	await expect(anaOnBo.getByRole('img', { name: 'Microphone off' })).toHaveCount(0);

	// Chat reaches the others as text.
	await bo.getByRole('button', { name: 'Chat' }).click();
	await bo.getByRole('textbox', { name: 'Type a message' }).fill('hello from Bo');
	await bo.getByRole('button', { name: 'Send' }).click();
	await ana.getByRole('button', { name: 'Chat' }).click();
	await expect(ana.getByRole('complementary', { name: 'Chat' })).toContainText('hello from Bo');

	// Leaving removes the tile for the others and shows an end screen.
	await cy.getByRole('button', { name: 'Leave room' }).click();
	await expect(cy.getByText('You left the room.')).toBeVisible();
	await expect(ana.locator('figure.tile')).toHaveCount(2);
	await expect(bo.locator('figure.tile')).toHaveCount(2);
	await expect(ana.getByText('Cy left')).toBeVisible();

	for (const page of pages) await page.context().close();
});

test('the join page explains links that cannot be joined', async ({ page }) => {
	await page.goto(`${fixture.server.url}/r/zzzzzzzzzzzz`);
	await expect(page.getByRole('alert')).toContainText('This link does not lead to a room');
	await page.goto(`${fixture.server.url}/r/not-a-code`);
	await expect(page.getByRole('alert')).toContainText('This link does not lead to a room');

	const { room, inviteUrl } = await createRoom(fixture.server.url, { title: 'Over' });
	const ended = await api(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/end`, { token: appToken('messenger', 'u-host', 'Hana') });
	expect(ended.status).toBe(200);
	await page.goto(inviteUrl);
	await expect(page.getByRole('alert')).toHaveText('This room has ended.');
	await expect(page.getByRole('link', { name: 'Go to the start page' })).toBeVisible();
});

test('a microphone and camera turned off while they are still opening stay off on joining', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const ana = await joinAs(browser, inviteUrl, 'Ana');
	const bo = await (await browser.newContext()).newPage();
	// Devices that take a while to open, as a permission prompt or a slow camera makes them.
	await bo.addInitScript(() => {
		const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
		navigator.mediaDevices.getUserMedia = (constraints) => new Promise((resolve) => setTimeout(resolve, 2000)).then(() => open(constraints));
	});
	await bo.goto(inviteUrl);
	await bo.getByLabel('Your name').fill('Bo');
	await bo.getByLabel('Microphone on').uncheck();
	await bo.getByLabel('Camera on').uncheck();
	await bo.getByRole('button', { name: 'Join room' }).click();
	await expect(bo.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
	await expect(bo.getByRole('button', { name: 'Turn camera on' })).toBeVisible();
	// What the others get: Bo's microphone off, and no picture.
	const boTile = ana.locator('figure.tile', { hasText: 'Bo' });
	await expect(boTile.getByRole('img', { name: 'Microphone off' })).toBeVisible();
	await expect(boTile.locator('video')).toHaveCount(0);
	await bo.context().close();
	await ana.context().close();
});

test('a muted microphone is not received until it unmutes; then it is heard', async ({ browser }) => {
	const { inviteUrl, room } = await createRoom(fixture.server.url);
	const ana = await watchedPage(browser);
	await ana.goto(inviteUrl);
	await ana.getByLabel('Your name').fill('Ana');
	await ana.getByLabel('Microphone on').uncheck();
	await ana.getByRole('button', { name: 'Join room' }).click();
	await inRoom(ana);
	const bo = await join(browser, inviteUrl, 'Bo');
	const live = fixture.server.server.liveRooms.get(room.id)!;
	const seat = (name: string) => [...live.participants()].find((participant) => participant.name === name)!;
	const anaMic = () => seat('Ana').media.producerViews().find(({ source }) => source === 'mic');
	const boConsumes = (producerId: string) => seat('Bo').media.consumers().some((consumer) => consumer.producerId === producerId);
	await expect.poll(() => anaMic()?.paused).toBe(true);
	// Bo sees Ana's picture, so his consumers are made; her silent microphone has none (idle consumers still cost the SFU).
	await expect.poll(async () => (await inbound(bo, 'video')).framesDecoded).toBeGreaterThan(0);
	expect(boConsumes(anaMic()!.id)).toBe(false);
	await ana.getByRole('button', { name: 'Unmute microphone' }).click();
	await expect.poll(() => boConsumes(anaMic()!.id), { message: 'Bo consumes Ana\'s microphone once it is on' }).toBe(true);
	await expect.poll(async () => (await inbound(bo, 'audio')).audioEnergy, { message: 'Bo hears Ana' }).toBeGreaterThan(0);
	await ana.context().close();
	await bo.context().close();
});

test('a display name that looks like HTML is shown as text', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const hostile = '<img src=x onerror=alert(1)>';
	const ana = await joinAs(browser, inviteUrl, 'Ana');
	const mallory = await joinAs(browser, inviteUrl, hostile);
	const tile = ana.locator('figure.tile').filter({ hasText: hostile });
	await expect(tile.locator('.name')).toHaveText(hostile);
	await expect(ana.locator('figure.tile img')).toHaveCount(0);
	await mallory.context().close();
	await ana.context().close();
});

test('the landing page creates a room and makes its creator the host', async ({ page }) => {
	await page.goto(fixture.server.url);
	await page.getByLabel('Your name').fill('Wren');
	await page.getByRole('button', { name: 'Create a room' }).click();
	// The link comes first, to share in a chat, as text.
	await expect(page.getByRole('heading', { name: 'Your room is ready' })).toBeVisible();
	await expect(page.getByRole('textbox', { name: 'Invite link' })).toHaveValue(/\/r\/[a-z0-9]{12}$/);
	await page.getByRole('button', { name: 'Go to the room' }).click();
	await expect(page).toHaveURL(/\/r\/[a-z0-9]{12}$/);
	// The host credential has left the address bar.
	expect(new URL(page.url()).hash).toBe('');
	await expect(page.getByText('You are joining as the host.')).toBeVisible();
	await page.getByRole('button', { name: 'Join room' }).click();
	await expect(page.locator('figure.tile', { hasText: 'Wren (you)' })).toContainText('Host');
});

test('a reload of "Your room is ready" keeps the room and its host: the screen comes back, and the invite link opens it as its host', async ({ page }) => {
	await page.goto(fixture.server.url);
	await page.getByLabel('Your name').fill('Wren');
	await page.getByRole('button', { name: 'Create a room' }).click();
	const inviteLink = page.getByRole('textbox', { name: 'Invite link' });
	await expect(inviteLink).toHaveValue(/\/r\/[a-z0-9]{12}$/);
	const inviteUrl = await inviteLink.inputValue();
	// The host link is there too, for another device, with what it grants.
	await expect(page.getByRole('textbox', { name: 'Host link' })).toHaveValue(/\/r\/[a-z0-9]{12}#host=/);
	// Both links are shown whole, however long: nothing is hidden past the box's edge.
	for (const name of ['Invite link', 'Host link']) {
		const box = page.getByRole('textbox', { name });
		expect(await box.evaluate((area) => area.scrollWidth <= area.clientWidth && area.scrollHeight <= area.clientHeight)).toBe(true);
	}
	await expect(page.getByText(/Opens this room as its host/)).toBeVisible();
	await expect(page.getByRole('button', { name: 'Copy host link' })).toBeVisible();

	await page.reload();
	await expect(page.getByRole('heading', { name: 'Your room is ready' })).toBeVisible();
	await expect(inviteLink).toHaveValue(inviteUrl);

	// Even through the plain invite link (as from the chat), the creator comes in as the host, not as a guest waiting for one.
	await page.goto(inviteUrl);
	await expect(page.getByText('You are joining as the host.')).toBeVisible();
	await page.getByRole('button', { name: 'Join room' }).click();
	await expect(page.locator('figure.tile', { hasText: 'Wren (you)' })).toContainText('Host');
});

test('the controls fit a phone-sized screen, in the browser\'s language (French)', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-FR' });
	const page = await context.newPage();
	await page.goto(inviteUrl);
	await page.getByLabel('Votre nom').fill('Zoé');
	await page.getByRole('button', { name: 'Rejoindre le salon' }).click();
	const leave = page.getByRole('button', { name: 'Quitter le salon' });
	await expect(leave).toBeVisible();
	const box = await leave.boundingBox();
	expect(box!.x + box!.width).toBeLessThanOrEqual(360);
	await context.close();
});

test('the language switcher changes the join page, and the choice sticks on the next visit', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url);
	const context = await browser.newContext({ locale: 'en-US' });
	const page = await context.newPage();
	await page.goto(inviteUrl);
	await expect(page.getByRole('button', { name: 'Join room' })).toBeVisible();
	await page.getByLabel('Language').selectOption('id');
	await expect(page.getByRole('button', { name: 'Gabung ke ruang' })).toBeVisible();
	await expect(page.getByLabel('Nama Anda')).toBeVisible();
	await page.reload();
	await expect(page.getByRole('button', { name: 'Gabung ke ruang' })).toBeVisible();
	await page.getByLabel('Bahasa').selectOption('fr');
	await page.getByLabel('Votre nom').fill('Zoé');
	await page.getByRole('button', { name: 'Rejoindre le salon' }).click();
	await expect(page.getByRole('button', { name: 'Quitter le salon' })).toBeVisible();
	await context.close();
});

test('opening the room in a second tab moves the person there; the first tab says so, and nobody sees a duplicate', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const first = await join(browser, inviteUrl, 'Bo');
	const second = await first.context().newPage();
	await second.goto(inviteUrl);
	await second.getByRole('button', { name: 'Join room' }).click();
	await expect(second.getByRole('button', { name: 'Leave room' })).toBeVisible();
	await expect(first.getByText('You joined this room from another tab or device.')).toBeVisible();
	await expect(host.locator('figure.tile')).toHaveCount(2);
	await expect(host.getByText('2 in the room')).toBeVisible();
});
