/**
 * What the owner app sends in, a real browser plays: a stream from Debian's
 * ffmpeg through the ingest API, and the load bots' replayed simulcast.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { IngestResponse } from '../../shared/api.js';
import { BotSwarm } from '../../tools/loadtest/src/bots/BotSwarm.js';
import { e2eServer, join } from '../support/browser.js';
import { streamWithFfmpeg } from '../support/ffmpeg.js';
import { ownerToken } from '../support/rooms.js';
import { api, createRoom } from '../support/server.js';

const fixture = e2eServer();

const cameraTile = (page: Page, name: string) => page.locator('figure.tile[data-kind=camera]', { hasText: name });

/** Frames the tile's video element has presented so far. */
const framesShown = (video: Locator) => video.evaluate((element: HTMLVideoElement) => element.getVideoPlaybackQuality().totalVideoFrames);

/** The tile's video keeps presenting new frames (at least 5 a second), at a real size. */
async function expectPlaying(tile: Locator): Promise<void> {
	const video = tile.locator('video');
	await expect.poll(() => framesShown(video), { timeout: 10_000 }).toBeGreaterThan(0);
	const before = await framesShown(video);
	await tile.page().waitForTimeout(1000);
	expect(await framesShown(video) - before).toBeGreaterThanOrEqual(5);
	expect(await video.evaluate((element: HTMLVideoElement) => element.videoWidth)).toBeGreaterThan(0);
}

test('a stream sent by ffmpeg through the ingest API plays in the browser', async ({ browser }) => {
	const { room, inviteUrl } = await createRoom(fixture.server.url);
	const response = await api<IngestResponse>(fixture.server.url, 'POST', `/api/v1/rooms/${room.id}/ingest`,
		{ token: ownerToken(), body: { name: 'Keynote', audio: true, video: true } });
	expect(response.status).toBe(201);
	const ffmpeg = streamWithFfmpeg(response.body);
	try {
		const page = await join(browser, inviteUrl, 'Ana');
		await expectPlaying(cameraTile(page, 'Keynote'));
	} finally {
		ffmpeg.kill('SIGINT');
	}
});

test('bots publish simulcast video that a browser plays', async ({ browser }) => {
	const { room, inviteUrl } = await createRoom(fixture.server.url);
	const swarm = new BotSwarm();
	try {
		await swarm.join(3, (index) => ({
			url: fixture.server.url, roomId: room.id, appToken: ownerToken(), name: `Bot ${index + 1}`, speaking: index === 0,
			grid: { tiles: 4, tileHeight: 180, speakerHeight: 360 },
		}));
		const page = await join(browser, inviteUrl, 'Ana');
		for (const name of ['Bot 1', 'Bot 2', 'Bot 3']) await expectPlaying(cameraTile(page, name));
		// The bots receive the browser's camera too, as grid viewers.
		await expect.poll(() => swarm.bots.every((bot) => bot.media.received.size >= 3), { timeout: 10_000 }).toBe(true);
	} finally {
		swarm.close();
	}
});
