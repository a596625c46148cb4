/**
 * End-to-end encrypted rooms in real Chromium: people holding the full link
 * see, hear and read each other through frames the SFU forwards without
 * being able to open; a wrong key shows "Can't decrypt" and "Not verified"
 * while the others go on; a frame worker that dies is replaced and the seat
 * taken back with a new identity; a link without its key, or a browser that cannot
 * encrypt frames, gets a clear screen and takes no seat.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { newRoomSecret } from '../../shared/e2ee/roomSecret.js';
import { withRoomSecret } from '../../shared/links.js';
import { e2eServer, inbound, join } from '../support/browser.js';
import { BotSwarm } from '../../tools/loadtest/src/bots/BotSwarm.js';
import { ForwardedFrames } from '../support/forwardedFrames.js';
import { ownerToken } from '../support/rooms.js';
import { createRoom } from '../support/server.js';

const fixture = e2eServer();

/** An encrypted room made through the API, and its invite link with a key made here, as a chat app does on its user's device. */
async function encryptedRoom() {
	const created = await createRoom(fixture.server.url, { e2ee: true });
	const secret = newRoomSecret();
	return { ...created, secret, link: withRoomSecret(created.inviteUrl, secret) };
}

const tileOf = (page: Page, name: string) => page.locator('figure.tile').filter({ has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });

/** Whether `name`'s video plays on `page`: its frames decoded keep rising. */
async function expectDecoding(page: Page, name: string): Promise<void> {
	const frames = () => tileOf(page, name).evaluate((figure) => figure.querySelector('video')?.getVideoPlaybackQuality().totalVideoFrames ?? -1);
	await expect.poll(frames, { message: `${name}'s video plays`, timeout: 20_000 }).toBeGreaterThan(0);
	const before = await frames();
	await expect.poll(frames, { message: `${name}'s video keeps playing`, timeout: 10_000 }).toBeGreaterThan(before);
}

test('two people on an encrypted link see, hear and chat with each other, under a padlock', async ({ browser }) => {
	test.setTimeout(120_000);
	const { link } = await encryptedRoom();
	const ana = await join(browser, link, 'Ana');
	// The key is taken out of the address bar at once.
	expect(ana.url()).not.toContain('k=');
	const bo = await join(browser, link, 'Bo');
	for (const page of [ana, bo]) await expect(page.getByText('End-to-end encrypted')).toBeVisible();
	await expectDecoding(ana, 'Bo');
	await expectDecoding(bo, 'Ana');
	await expect.poll(async () => (await inbound(ana, 'audio')).audioEnergy, { message: 'Bo is heard' }).toBeGreaterThan(0);
	await expect(ana.getByText('Not verified')).toHaveCount(0);
	await expect(ana.getByText('Can’t decrypt')).toHaveCount(0);

	await bo.getByRole('button', { name: 'Chat' }).click();
	await bo.getByLabel('Type a message').fill('sealed hello');
	await bo.getByRole('button', { name: 'Send' }).click();
	await expect(ana.getByRole('status').getByText('Bo: sealed hello')).toBeVisible();

	// "Invite people" hands on the full link, key included.
	await ana.getByRole('button', { name: 'Invite people' }).click();
	await expect(ana.locator('aside').getByRole('textbox', { name: 'Invite link' })).toHaveValue(link);
});

/** Records what the SFU forwards of two people in the room for a while, and what the recorder hears of their chat. */
async function recordTwo(browser: Browser, roomId: string, link: string, unverifiedIn?: string) {
	const ana = await join(browser, link, 'Ana');
	const bo = await join(browser, link, 'Bo');
	await expectDecoding(ana, 'Bo');
	const recorder = await ForwardedFrames.start(fixture.server.url, roomId);
	try {
		await expect.poll(() => recorder.counts.video.frames, { message: 'video frames forwarded', timeout: 20_000 }).toBeGreaterThan(60);
		await expect.poll(() => recorder.counts.audio.frames, { message: 'audio frames forwarded', timeout: 20_000 }).toBeGreaterThan(100);
		// A listener without an identity is shown for what it is in an encrypted room, and never in a clear one.
		await expect(tileOf(ana, 'Recorder').getByText('Not verified')).toHaveCount(roomId === unverifiedIn ? 1 : 0);
		await bo.getByRole('button', { name: 'Chat' }).click();
		await bo.getByLabel('Type a message').fill('the plan is secret');
		await bo.getByRole('button', { name: 'Send' }).click();
		const message = await recorder.bot.waitFor('chat.message');
		return { counts: structuredClone(recorder.counts), message };
	} finally {
		recorder.close();
		await Promise.all([ana.context().close(), bo.context().close()]);
	}
}

test('the server forwards what it cannot read: every frame it relays ends with the trailer, and chat reaches it sealed', async ({ browser }) => {
	test.setTimeout(180_000);
	const encrypted = await encryptedRoom();
	const sealed = await recordTwo(browser, encrypted.room.id, encrypted.link, encrypted.room.id);
	console.log(`[e2ee] forwarded in the encrypted room: ${JSON.stringify(sealed.counts)}`);
	for (const kind of ['audio', 'video'] as const) expect(sealed.counts[kind].sealed / sealed.counts[kind].frames).toBeGreaterThanOrEqual(0.99);
	expect(sealed.message).not.toHaveProperty('text');
	expect(JSON.stringify(sealed.message)).not.toContain('secret');

	// The same recorder in a clear room: frames end as the codec left them, and the text is there to read.
	const clear = await createRoom(fixture.server.url);
	const plain = await recordTwo(browser, clear.room.id, clear.inviteUrl);
	console.log(`[e2ee] forwarded in a clear room: ${JSON.stringify(plain.counts)}`);
	expect(plain.counts.video.sealed / plain.counts.video.frames).toBeLessThan(0.2);
	expect(plain.message.text).toBe('the plan is secret');
});

test('a wrong key opens nothing: that person sees "Can’t decrypt", the others see them "Not verified", and go on', async ({ browser }) => {
	test.setTimeout(120_000);
	const { inviteUrl, link } = await encryptedRoom();
	const ana = await join(browser, link, 'Ana');
	const bo = await join(browser, link, 'Bo');
	const mallory = await join(browser, withRoomSecret(inviteUrl, newRoomSecret()), 'Mallory');

	await expect(tileOf(ana, 'Mallory').getByText('Not verified')).toBeVisible({ timeout: 20_000 });
	await expect(tileOf(mallory, 'Ana').getByText('Not verified')).toBeVisible();
	// Packets reach Mallory, but not a frame decodes.
	await expect.poll(async () => (await inbound(mallory, 'video')).packets, { timeout: 20_000 }).toBeGreaterThan(50);
	expect((await inbound(mallory, 'video')).framesDecoded).toBe(0);
	await expect(tileOf(mallory, 'Ana').getByText('Can’t decrypt')).toBeVisible({ timeout: 20_000 });
	// Ana and Bo are unaffected.
	await expectDecoding(ana, 'Bo');
	await expectDecoding(bo, 'Ana');
});

test('a frame worker that dies shows "Can’t decrypt", then the page starts encryption afresh and takes its seat back with a new identity', async ({ browser }) => {
	const { room, link } = await encryptedRoom();
	const ana = await join(browser, link, 'Ana');
	const bo = await join(browser, link, 'Bo');
	await expectDecoding(ana, 'Bo');
	await expectDecoding(bo, 'Ana');
	const live = fixture.server.server.liveRooms.get(room.id)!;
	const identityOfAna = () => live.participants().find(({ name }) => name === 'Ana')?.e2ee?.publicKey;
	const before = identityOfAna();

	// "Can't decrypt" shows only until the new worker opens Bo's frames, which can be under a second: the page itself
	// records that it showed, where a poll from here could miss it.
	await ana.evaluate(() => {
		const page = window as unknown as { sawCantDecrypt: boolean };
		page.sawCantDecrypt = false;
		new MutationObserver(() => {
			if ([...document.querySelectorAll('figure.tile .tile-notice')].some(({ textContent }) => textContent === 'Can’t decrypt')) page.sawCantDecrypt = true;
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});
	// As a crash would: the worker stops, and tells the page nothing.
	const worker = ana.workers().find((candidate) => candidate.url().includes('frameWorker'));
	expect(worker, 'the page runs a frame worker').toBeDefined();
	await worker!.evaluate(() => (self as unknown as { close(): void }).close());
	await expect.poll(() => ana.evaluate(() => (window as unknown as { sawCantDecrypt: boolean }).sawCantDecrypt), { timeout: 15_000 }).toBe(true);

	await expect.poll(identityOfAna, { message: 'Ana is seated again with a new identity', timeout: 20_000 }).not.toBe(before);
	await expect(tileOf(ana, 'Bo').getByText('Can’t decrypt')).toHaveCount(0, { timeout: 20_000 });
	await expectDecoding(ana, 'Bo');
	await expectDecoding(bo, 'Ana');
	expect(live.participants().filter(({ name }) => name === 'Ana')).toHaveLength(1);
});

test('a load-test bot with the link\'s key sends frames that Chromium opens and decodes', async ({ browser }) => {
	const { room, link, secret } = await encryptedRoom();
	const ana = await join(browser, link, 'Ana');
	const swarm = new BotSwarm();
	try {
		await swarm.join(1, () => ({ url: fixture.server.url, roomId: room.id, appToken: ownerToken(), name: 'Bot', speaking: true,
			grid: { tiles: 1, tileHeight: 180, speakerHeight: 360 }, roomSecret: secret }));
		await expectDecoding(ana, 'Bot');
		await expect(tileOf(ana, 'Bot').getByText('Not verified')).toHaveCount(0);
		await expect.poll(() => swarm.bots[0]!.keyTraffic.received, { message: 'the bot opened Ana\'s key' }).toBe(1);
	} finally {
		swarm.close();
	}
});

test('a link without its key, or a browser that cannot encrypt frames, gets a clear screen and takes no seat', async ({ browser }) => {
	const { room, inviteUrl, link } = await encryptedRoom();
	const noKey = await browser.newPage();
	await noKey.goto(inviteUrl);
	await expect(noKey.getByRole('alert')).toHaveText(/missing its key/);
	await expect(noKey.getByRole('button', { name: 'Join room' })).toHaveCount(0);

	const damaged = await browser.newPage();
	await damaged.goto(`${inviteUrl}#k=short`);
	await expect(damaged.getByRole('alert')).toHaveText(/key is damaged/);

	const old = await (await browser.newContext()).newPage();
	await old.addInitScript(() => {
		delete (window as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform;
	});
	await old.goto(link);
	await expect(old.getByRole('alert')).toHaveText(/cannot encrypt calls/);
	expect(fixture.server.server.liveRooms.get(room.id)?.participantCount ?? 0).toBe(0);
});

test('a later joiner sees a picture soon after taking a seat, and a removal gives those who stay fresh keys they keep decoding', async ({ browser }) => {
	test.setTimeout(180_000);
	const { room, link } = await encryptedRoom();
	const ana = await join(browser, link, 'Ana');
	const bo = await join(browser, link, 'Bo');
	await expectDecoding(ana, 'Bo');

	const seated = Date.now();
	const cy = await join(browser, link, 'Cy');
	const seatedAfter = Date.now() - seated;
	const firstFrame = () => tileOf(cy, 'Ana').evaluate((figure) => figure.querySelector('video')?.getVideoPlaybackQuality().totalVideoFrames ?? 0);
	await expect.poll(firstFrame, { intervals: [50], timeout: 20_000 }).toBeGreaterThan(0);
	console.log(`[e2ee] a third person's first frame of Ana: ${Date.now() - seated - seatedAfter} ms after seating`);
	await expectDecoding(cy, 'Bo');

	const recorder = await ForwardedFrames.start(fixture.server.url, room.id);
	try {
		// The recorder's own seat is a join: everyone ratchets once; wait until every stream shows its generation.
		await expect.poll(() => recorder.generations.size, { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		const live = fixture.server.server.liveRooms.get(room.id)!;
		const cyId = live.participants().find(({ name }) => name === 'Cy')!.id;
		const before = new Map(recorder.generations);
		const removed = Date.now();
		const answer = await fetch(`${fixture.server.url}/api/v1/rooms/${room.id}/participants/${cyId}`, { method: 'DELETE', headers: { authorization: `Bearer ${ownerToken()}` } });
		expect(answer.status).toBe(204);
		// Ana's and Bo's four streams move to a new generation: the keys Cy held open nothing sent from now on.
		const moved = () => [...recorder.generations].filter(([ssrc, generation]) => before.has(ssrc) && generation > before.get(ssrc)!).length;
		await expect.poll(moved, { message: 'streams on a fresh key', timeout: 10_000 }).toBeGreaterThanOrEqual(4);
		console.log(`[e2ee] fresh keys in use ${Date.now() - removed} ms after the removal`);
		await expectDecoding(ana, 'Bo');
		await expectDecoding(bo, 'Ana');
	} finally {
		recorder.close();
	}
});
