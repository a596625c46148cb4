/**
 * A network blip in real Chromium: one browser's link to the server is cut
 * for 5 seconds (its connections torn down, new ones refused) and it comes
 * back to the same call by itself, as the same participant, with media
 * flowing again both ways and no duplicate tile; in an encrypted room, with
 * the keys it missed.
 */
import { type Browser, expect, test, type Locator, type Page } from '@playwright/test';
import { e2eServer, join } from '../support/browser.js';
import { CuttableProxy } from '../support/CuttableProxy.js';
import { ownerToken } from '../support/rooms.js';
import { api, createRoom, freeMediaPort } from '../support/server.js';
import { newRoomSecret } from '../../shared/e2ee/roomSecret.js';
import { withRoomSecret } from '../../shared/links.js';

// Bo's browser reaches the server through a proxy on a port of its own: a page from that origin is one of ours,
// as a reverse proxy's would be once configured.
let proxyPort = 0;
test.beforeAll(async () => {
	proxyPort = await freeMediaPort();
});
const fixture = e2eServer(() => ({ ROOMS_ALLOWED_ORIGINS: `http://127.0.0.1:${proxyPort}` }));

const cameraTile = (page: Page, name: string) => page.locator('figure.tile[data-kind=camera]', { hasText: name });
const framesShown = (tile: Locator) => tile.locator('video').evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames);

async function expectFramesFlowing(tile: Locator): Promise<void> {
	await expect.poll(async () => {
		const before = await framesShown(tile).catch(() => 0);
		await tile.page().waitForTimeout(1000);
		return (await framesShown(tile).catch(() => 0)) - before;
	}, { timeout: 20_000 }).toBeGreaterThan(5);
}

test('a browser cut off for 5 s returns to the call by itself, as the same participant', async ({ browser }) => {
	const { room, inviteUrl } = await createRoom(fixture.server.url);
	const server = new URL(fixture.server.url);
	const link = await CuttableProxy.start({ host: '127.0.0.1', port: Number(server.port) }, proxyPort);
	try {
		await blipAndReturn(browser, room.id, inviteUrl, inviteUrl.replace(server.origin, link.url), link);
	} finally {
		await link.close();
	}
});

async function blipAndReturn(browser: Browser, roomId: string, inviteUrl: string, linkedUrl: string, link: CuttableProxy): Promise<void> {
	const ana = await join(browser, inviteUrl, 'Ana');
	const bo = await join(browser, linkedUrl, 'Bo');
	await expectFramesFlowing(cameraTile(ana, 'Bo'));
	const live = fixture.server.server.liveRooms.get(roomId)!;
	const idsBefore = live.participants().map(({ id }) => id).sort();

	link.cut();
	await expect(bo.getByText('Reconnecting…')).toBeVisible({ timeout: 5000 });
	await bo.waitForTimeout(5000);
	link.restore();

	await expect(bo.getByText('Reconnecting…')).toBeHidden({ timeout: 20_000 });
	await expectFramesFlowing(cameraTile(ana, 'Bo'));
	await expectFramesFlowing(cameraTile(bo, 'Ana'));
	expect(live.participants().map(({ id }) => id).sort()).toEqual(idsBefore);
	// One tile for Bo at Ana's, and nobody saw Bo leave: not the room's timeline (nor the webhooks fed from it).
	await expect(cameraTile(ana, 'Bo')).toHaveCount(1);
	const timeline = await api(fixture.server.url, 'GET', `/api/v1/rooms/${roomId}/events`, { token: ownerToken() });
	expect(timeline.body.events.map(({ type }: { type: string }) => type)).not.toContain('participant.left');
}

test('a reconnect the server refuses ends the visit with a clear screen, not an endless "Reconnecting…"', async ({ browser }) => {
	const { room, inviteUrl } = await createRoom(fixture.server.url);
	const server = new URL(fixture.server.url);
	const link = await CuttableProxy.start({ host: '127.0.0.1', port: Number(server.port) }, proxyPort);
	try {
		const ana = await join(browser, inviteUrl.replace(server.origin, link.url), 'Ana');
		link.cut();
		await expect(ana.getByText('Reconnecting…')).toBeVisible({ timeout: 5000 });
		// While Ana is away the owner resets the link: her token, issued under the old one, opens nothing now.
		expect((await api(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/link/reset`, { token: ownerToken(), body: {} })).status).toBe(200);
		link.restore();
		await expect(ana.getByText('You were disconnected.')).toBeVisible({ timeout: 20_000 });
		await expect(ana.getByRole('button', { name: 'Rejoin' })).toBeVisible();
	} finally {
		await link.close();
	}
});

test('in an encrypted room, someone cut off while another joins decodes the newcomer once back: keys sent meanwhile are sent again', async ({ browser }) => {
	test.setTimeout(120_000);
	const { inviteUrl } = await createRoom(fixture.server.url, { e2ee: true });
	const encrypted = withRoomSecret(inviteUrl, newRoomSecret());
	const server = new URL(fixture.server.url);
	const link = await CuttableProxy.start({ host: '127.0.0.1', port: Number(server.port) }, proxyPort);
	try {
		const ana = await join(browser, encrypted, 'Ana');
		const bo = await join(browser, encrypted.replace(server.origin, link.url), 'Bo');
		await expectFramesFlowing(cameraTile(bo, 'Ana'));

		link.cut();
		await expect(bo.getByText('Reconnecting…')).toBeVisible({ timeout: 5000 });
		// Cy's key for Bo goes out while Bo's connection is down, and is lost.
		const cy = await join(browser, encrypted, 'Cy');
		await expectFramesFlowing(cameraTile(cy, 'Ana'));
		link.restore();

		await expect(bo.getByText('Reconnecting…')).toBeHidden({ timeout: 20_000 });
		await expectFramesFlowing(cameraTile(bo, 'Cy'));
		await expectFramesFlowing(cameraTile(bo, 'Ana'));
		await expectFramesFlowing(cameraTile(ana, 'Bo'));
		await expect(bo.getByText('Can’t decrypt')).toHaveCount(0);
	} finally {
		await link.close();
	}
});
