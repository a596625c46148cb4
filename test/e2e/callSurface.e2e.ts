/**
 * The call's surface as a person sees it: coloured buttons keep their colour
 * under the pointer, the lobby's answer to a knock leads with Admit, and
 * every on/off setting is the same drawn switch, offered only where it means
 * something, tooltips never stick or leave the screen, notices have a
 * place of their own, a host alone has the link at hand, and a phone shows
 * one's own camera small.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { arrive, e2eServer, join, watchedPage } from '../support/browser.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';
import { createRoom, joinToken } from '../support/server.js';

const fixture = e2eServer();

const background = (locator: Locator) => locator.evaluate((element) => getComputedStyle(element).backgroundColor);

/** Whether a button's tooltip shows, and where (its ::after, laid out against the button). */
const tooltipOf = (locator: Locator) => locator.evaluate((element) => {
	const tip = getComputedStyle(element, '::after');
	const button = element.getBoundingClientRect();
	const width = parseFloat(tip.width);
	const left = tip.right === '0px' ? button.right - width : button.left + button.width / 2 - width / 2;
	return { visible: tip.content !== 'none' && tip.visibility === 'visible', left, right: left + width };
});

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

test('tooltips: on hover only where a pointer hovers, gone once pressed or while a menu is open, and inside the screen on tiles', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	await join(browser, inviteUrl, 'Bo');
	const chat = host.locator('.controls').getByRole('button', { name: 'Chat', exact: true });
	await chat.hover();
	await expect.poll(async () => (await tooltipOf(chat)).visible).toBe(true);
	// Pressed: the panel it opens is not covered, until the pointer moves away and back.
	await chat.click();
	expect((await tooltipOf(chat)).visible).toBe(false);
	await host.mouse.move(0, 0);
	await chat.hover();
	expect((await tooltipOf(chat)).visible).toBe(true);
	await chat.click();

	// With More options open, no tooltip covers its items.
	const more = host.getByRole('button', { name: 'More options' });
	await more.click();
	const lock = host.getByRole('button', { name: 'Lock room' });
	await lock.hover();
	expect((await tooltipOf(lock)).visible).toBe(false);
	await host.keyboard.press('Escape');

	// A tile's buttons sit at its right edge: their tooltips end there, inside the viewport.
	const width = host.viewportSize()!.width;
	const tile = host.locator('figure.tile', { hasText: 'Bo' });
	await tile.hover();
	for (const button of await tile.locator('.tile-actions button').all()) {
		await button.hover();
		const tip = await tooltipOf(button);
		expect(tip.visible).toBe(true);
		expect(tip.left).toBeGreaterThanOrEqual(0);
		expect(tip.right).toBeLessThanOrEqual(width);
	}

	// On a touch phone, a tap leaves no tooltip behind.
	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
	await phone.goto(inviteUrl);
	await phone.getByLabel('Your name').fill('Cy');
	await phone.getByRole('button', { name: 'Join room' }).click();
	const phoneMore = phone.getByRole('button', { name: 'More options' });
	await phoneMore.tap();
	await expect(phone.locator('#more-menu')).toBeVisible();
	expect((await tooltipOf(phoneMore)).visible).toBe(false);
	for (const item of await phone.locator('.controls button').all()) expect((await tooltipOf(item)).visible).toBe(false);
});

/** Whether two boxes share any area. */
const overlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
	a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The notices' box is clear of the room's title and the control bar, and shows at most two lines. */
async function expectNoticesClear(page: Page): Promise<void> {
	const notices = (await page.locator('.toasts').boundingBox())!;
	for (const covered of [page.getByRole('heading', { level: 1 }), page.locator('.controls')]) {
		expect(overlap(notices, (await covered.boundingBox())!)).toBe(false);
	}
	expect(await page.locator('.toasts p').count()).toBeLessThanOrEqual(2);
}

test('notices have a place of their own above the controls, clear of the title, two lines at most, repeats merged', async ({ browser }) => {
	const { room, hostUrl, inviteUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
	await phone.goto(inviteUrl);
	await phone.getByLabel('Your name').fill('Pia');
	await phone.getByRole('button', { name: 'Join room' }).click();
	await expect(phone.getByRole('button', { name: 'Leave room' })).toBeVisible();

	const people: BotConnection[] = [];
	try {
		for (const name of ['Ana', 'Bo', 'Cy']) people.push(await BotConnection.connect(fixture.server.url, await joinToken(fixture.server.url, room.code, name)));
		for (const person of people) await person.signaling.request('hand.raise', {});
		// Both at once: each notice lasts 4 s.
		await Promise.all([host, phone].map(async (page) => {
			await expect(page.getByRole('status')).toHaveText(/3 people joined.*3 people raised their hands|3 people raised their hands/);
			await expectNoticesClear(page);
		}));
		// With the chat open, notices stay over the tiles, off the panel and its input.
		await host.locator('.controls').getByRole('button', { name: 'Chat', exact: true }).click();
		await people[0]!.signaling.request('hand.lower', {});
		await people[0]!.signaling.request('hand.raise', {});
		await expect(host.getByRole('status').getByText(/raised/)).toBeVisible();
		expect(overlap((await host.locator('.toasts').boundingBox())!, (await host.getByRole('complementary').first().boundingBox())!)).toBe(false);
	} finally {
		for (const person of people) person.close();
	}
});

test('the landing page leads with "Create a room": the one filled button', async ({ page }) => {
	await page.goto(fixture.server.url);
	const create = await background(page.getByRole('button', { name: 'Create a room' }));
	const filled = await page.getByRole('button').evaluateAll((buttons) => buttons.filter((button) => getComputedStyle(button).backgroundColor === 'rgb(37, 99, 235)').map((button) => button.textContent));
	expect(create).toBe('rgb(37, 99, 235)');
	expect(filled).toEqual(['Create a room']);
});

test('on a phone, the ready screen leads with Copy (the one filled button) and keeps the language switcher on the heading\'s line', async ({ browser }) => {
	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
	await phone.goto(fixture.server.url);
	await phone.getByLabel('Your name').fill('Wren');
	await phone.getByRole('button', { name: 'Create a room' }).click();
	const heading = phone.getByRole('heading', { name: 'Your room is ready' });
	await expect(heading).toBeVisible();
	const filled = await phone.getByRole('button').evaluateAll((buttons) => buttons.filter((button) => getComputedStyle(button).backgroundColor === 'rgb(37, 99, 235)').map((button) => button.textContent));
	expect(filled).toEqual(['Copy invite link']);
	const [title, switcher] = [(await heading.boundingBox())!, (await phone.getByRole('combobox', { name: 'Language' }).boundingBox())!];
	// Side by side: the switcher's middle is within the heading's lines, and both are inside the screen.
	expect(switcher.y + switcher.height / 2).toBeGreaterThan(title.y);
	expect(switcher.y + switcher.height / 2).toBeLessThan(title.y + title.height);
	expect(switcher.x + switcher.width).toBeLessThanOrEqual(390);
	expect(title.height).toBeLessThan(80);
});

test('host controls for many: one menu per person, no red button on every row, removal asked in the page, icon close buttons', async ({ browser }) => {
	const { hostUrl, inviteUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	await join(browser, inviteUrl, 'Bo');
	await host.getByRole('button', { name: 'Participants' }).click();
	const panel = host.getByRole('complementary', { name: 'Participants' });
	const row = panel.getByRole('listitem').filter({ hasText: 'Bo' });
	await expect(row.getByRole('button')).toHaveCount(1);
	await expect(row.getByRole('button', { name: 'Actions for Bo' })).toBeVisible();
	// The close button is an icon with a name, not a long text pill.
	const close = panel.getByRole('button', { name: 'Close participants' });
	expect(await close.evaluate((button) => ({ text: button.textContent, icons: button.querySelectorAll('svg').length }))).toEqual({ text: '', icons: 1 });

	await row.getByRole('button', { name: 'Actions for Bo' }).click();
	await row.getByRole('button', { name: 'Remove Bo' }).click();
	const dialog = host.getByRole('dialog', { name: /Remove Bo\?/ });
	await expect(dialog).toBeVisible();
	// Escape (or Cancel) changes nothing.
	await host.keyboard.press('Escape');
	await expect(dialog).toHaveCount(0);
	await expect(row).toBeVisible();
});

/**
 * Records what the page does to alert its host: notifications shown,
 * permission asks and chime notes. The tab is hidden when `hidden`; with
 * `undecided`, the browser has not been asked about notifications yet
 * (headless Chromium answers "denied" until asked otherwise).
 */
const knockSpy = (hidden: boolean, undecided: boolean) => `(() => {
	const spy = window.__knocks = { notifications: [], asked: 0, notes: 0 };
	Object.defineProperty(document, 'visibilityState', { get: () => (${hidden} ? 'hidden' : 'visible') });
	const Real = window.Notification;
	class Watched extends Real {
		constructor(title, options) { super(title, options); spy.notifications.push(title); }
		static get permission() { return ${undecided} && spy.asked === 0 ? 'default' : Real.permission; }
		static requestPermission() { spy.asked++; return Real.requestPermission(); }
	}
	window.Notification = Watched;
	const createOscillator = AudioContext.prototype.createOscillator;
	AudioContext.prototype.createOscillator = function () { spy.notes++; return createOscillator.call(this); };
})()`;

/** A knock at a locked room by a participant without a browser. */
async function knock(code: string, name: string): Promise<BotConnection> {
	const guest = await BotConnection.connect(fixture.server.url, await joinToken(fixture.server.url, code, name, { wait: true }), { join: false });
	await guest.join({ wait: true });
	return guest;
}

test('a knock chimes, and notifies a hidden tab; permission is asked at the first knock, not on load', async ({ browser }) => {
	const knocks = (page: Page) => page.evaluate(() => (window as unknown as { __knocks: { notifications: string[]; asked: number; notes: number } }).__knocks);
	const hostOf = async (hidden: boolean, permissions: string[]) => {
		const undecided = permissions.length === 0;
		const { room, hostUrl } = await createRoom(fixture.server.url);
		const page = await watchedPage(browser, { permissions }, [knockSpy(hidden, undecided)]);
		await page.goto(hostUrl);
		await page.getByLabel('Your name').fill('Hana');
		await page.getByRole('button', { name: 'Join room' }).click();
		await page.getByRole('button', { name: 'Lock room' }).click();
		await expect(page.getByRole('button', { name: 'Unlock room' })).toBeVisible();
		return { page, code: room.code };
	};
	const guests: BotConnection[] = [];
	try {
		// Allowed, and looking elsewhere: a notification, and the chime.
		const away = await hostOf(true, ['notifications']);
		guests.push(await knock(away.code, 'Bo'));
		await expect(away.page.getByRole('button', { name: 'Admit Bo' })).toBeVisible();
		await expect.poll(() => knocks(away.page)).toMatchObject({ notifications: ['Bo asks to join'], notes: 2 });

		// Not asked yet, and looking: nothing asked on load; the first knock asks, and chimes, without a notification.
		const here = await hostOf(false, []);
		expect(await knocks(here.page)).toMatchObject({ asked: 0, notes: 0 });
		guests.push(await knock(here.code, 'Cy'));
		await expect(here.page.getByRole('button', { name: 'Admit Cy' })).toBeVisible();
		await expect.poll(() => knocks(here.page)).toMatchObject({ asked: 1, notes: 2, notifications: [] });
	} finally {
		for (const guest of guests) guest.close();
	}
});

test('the phone join page puts the name and Join first, above the fold even with a hint; devices wait behind a settings button', async ({ browser }) => {
	const { inviteUrl } = await createRoom(fixture.server.url, { waitForHost: true });
	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
	await phone.goto(inviteUrl);
	await expect(phone.getByText('The host is not here yet.', { exact: false })).toBeVisible();
	const join = (await phone.getByRole('button', { name: 'Join room' }).boundingBox())!;
	expect(join.y + join.height).toBeLessThanOrEqual(844);
	const name = (await phone.getByLabel('Your name').boundingBox())!;
	const preview = (await phone.getByRole('region', { name: 'Camera' }).boundingBox())!;
	expect(name.y).toBeLessThan(preview.y);
	// Camera and microphone are switches on the preview; the device lists open from its settings button.
	for (const label of ['Camera on', 'Microphone on']) {
		const box = (await phone.getByRole('switch', { name: label }).boundingBox())!;
		expect(box.y).toBeGreaterThanOrEqual(preview.y);
		expect(box.y + box.height).toBeLessThanOrEqual(preview.y + preview.height);
	}
	await expect(phone.getByRole('combobox')).toHaveCount(1);
	await phone.getByRole('button', { name: 'Choose camera and microphone' }).tap();
	await expect(phone.getByRole('combobox', { name: /^Camera/ })).toBeVisible();
	await expect(phone.getByRole('combobox', { name: /^Microphone/ })).toBeVisible();
});

test('the phone call: tile buttons come with a tap, no keyboard shortcuts, the chat takes the screen as a sheet, pictures are never cropped', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(fixture.server.url);
	await join(browser, hostUrl, 'Hana');
	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
	await phone.goto(inviteUrl);
	await phone.getByLabel('Your name').fill('Pia');
	await phone.getByRole('button', { name: 'Join room' }).click();
	const tile = phone.locator('figure.tile', { hasText: 'Hana' });
	const buttons = tile.locator('.tile-actions');
	await expect(buttons.getByRole('button', { name: 'Pin Hana for yourself' })).toBeAttached();
	await expect(buttons).toHaveCSS('opacity', '0');
	await tile.tap();
	await expect(buttons).toHaveCSS('opacity', '1');
	await expect(tile.locator('video')).toHaveCSS('object-fit', 'contain');

	await expect(phone.getByRole('button', { name: 'Keyboard shortcuts' })).toHaveCount(0);
	await phone.getByRole('button', { name: 'More options' }).tap();
	await expect(phone.locator('#more-menu')).toBeVisible();
	await expect(phone.locator('#more-menu').getByRole('button', { name: 'Keyboard shortcuts' })).toHaveCount(0);
	await phone.keyboard.press('Escape');

	await phone.locator('.controls').getByRole('button', { name: 'Chat', exact: true }).tap();
	const sheet = (await phone.getByRole('complementary', { name: 'Chat' }).boundingBox())!;
	expect(sheet).toEqual({ x: 0, y: 0, width: 390, height: 844 });
	await phone.getByRole('button', { name: 'Close chat' }).tap();
	await expect(phone.getByRole('complementary', { name: 'Chat' })).toHaveCount(0);
});

test('three people fill the grid without a hole: a last row that is not full is centred', async ({ browser }) => {
	const { room, hostUrl } = await createRoom(fixture.server.url);
	const host = await join(browser, hostUrl, 'Hana');
	const people: BotConnection[] = [];
	try {
		for (const name of ['Ana', 'Bo']) people.push(await BotConnection.connect(fixture.server.url, await joinToken(fixture.server.url, room.code, name)));
		const tiles = host.locator('.grid figure.tile');
		await expect(tiles).toHaveCount(3);
		const grid = (await host.locator('.grid').boundingBox())!;
		const boxes = await Promise.all((await tiles.all()).map(async (tile) => (await tile.boundingBox())!));
		// Two on the first row, one centred under them.
		expect(boxes[0]!.y).toBe(boxes[1]!.y);
		expect(boxes[2]!.y).toBeGreaterThan(boxes[0]!.y);
		expect(Math.abs(boxes[2]!.x + boxes[2]!.width / 2 - (grid.x + grid.width / 2))).toBeLessThan(2);
		expect(Math.round(boxes[2]!.width)).toBe(Math.round(boxes[0]!.width));
	} finally {
		for (const person of people) person.close();
	}
});

/** The box is inside the viewport and clear of the room's title and the control bar. */
async function expectClearOfTitleAndControls(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<void> {
	const viewport = page.viewportSize()!;
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.y).toBeGreaterThanOrEqual(0);
	expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
	expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
	for (const covered of [page.getByRole('heading', { level: 1 }), page.locator('.controls')]) {
		expect(overlap(box, (await covered.boundingBox())!)).toBe(false);
	}
}

test('a host alone has the link at hand until the first person joins; the link\'s text says who it lets in; the tab names the room and counts knocks', async ({ browser }) => {
	const { room, hostUrl, inviteUrl } = await createRoom(fixture.server.url, { title: 'Book club' });
	const host = await join(browser, hostUrl, 'Hana');
	await expect(host).toHaveTitle('Book club · Rooms');
	const card = host.getByRole('region', { name: 'You’re the only one here' });
	await expect(card.getByRole('textbox', { name: 'Invite link' })).toHaveValue(inviteUrl);
	await expect(card.getByRole('button', { name: 'Copy invite link' })).toBeVisible();
	await expect(card).toContainText('Anyone with this link can join.');
	await expectClearOfTitleAndControls(host, (await card.boundingBox())!);

	// Locked, the same link only lets people ask; a knock shows in the tab's title.
	await host.getByRole('button', { name: 'Lock room' }).click();
	await expect(card).toContainText('The room is locked: anyone with this link can ask to join, and a host lets them in.');
	const guests: BotConnection[] = [];
	try {
		guests.push(await knock(room.code, 'Bo'));
		await expect(host).toHaveTitle('(1) Book club · Rooms');
		await host.getByRole('button', { name: 'Admit Bo' }).click();
		await expect(host).toHaveTitle('Book club · Rooms');
		// Someone came: the card goes, and does not come back when they leave.
		await expect(card).toHaveCount(0);
		guests[0]!.close();
		await expect(host.locator('.grid figure.tile')).toHaveCount(1);
		await expect(card).toHaveCount(0);

		await host.getByRole('button', { name: 'Invite people' }).click();
		const panel = host.getByRole('complementary', { name: 'Invite people' });
		await expect(panel).toContainText('The room is locked: anyone with this link can ask to join');
		await host.getByRole('button', { name: 'Unlock room' }).click();
		await expect(panel).toContainText('Anyone with this link can join.');
	} finally {
		for (const guest of guests) guest.close();
	}
});

test('on a phone, one\'s own camera floats small once someone else is in, clear of the title and controls', async ({ browser }) => {
	const { hostUrl, inviteUrl } = await createRoom(fixture.server.url);
	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
	await phone.goto(hostUrl);
	await phone.getByLabel('Your name').fill('Pia');
	await phone.getByRole('button', { name: 'Join room' }).click();
	// Alone, one's own tile fills the screen.
	await expect(phone.locator('.grid figure.tile', { hasText: 'Pia (you)' })).toBeVisible();
	await expect(phone.locator('.floating-self')).toHaveCount(0);

	await join(browser, inviteUrl, 'Bo');
	const own = phone.locator('.floating-self figure.tile');
	await expect(own).toContainText('Pia (you)');
	await expect(phone.locator('.grid figure.tile')).toHaveCount(1);
	await expect(phone.locator('.grid figure.tile')).toContainText('Bo');
	const box = (await own.boundingBox())!;
	expect(box.width).toBeLessThan(390 / 3);
	await expectClearOfTitleAndControls(phone, box);
	// The other person's buttons (top right of their tile) stay uncovered.
	expect(overlap(box, (await phone.locator('.grid .tile-actions').boundingBox())!)).toBe(false);
	// No buttons on one's own small view, and the name is still there for screen readers.
	await expect(own.getByRole('button')).toHaveCount(0);
});
