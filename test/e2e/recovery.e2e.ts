/**
 * The server's own faults, in real Chromium: a mediasoup worker killed
 * mid-call, and a server restart on the same data directory. The browsers
 * come back to the same room by themselves, as the same participants, and
 * their media flows again.
 */
import { expect, test, type Page } from '@playwright/test';
import { cameraTile, e2eServer, framesAgain, join } from '../support/browser.js';
import { api, createRoom, freeMediaPort, startServer } from '../support/server.js';

test.describe('a worker killed mid-call', () => {
	const fixture = e2eServer();

	test('the room is rebuilt on the replacement worker and media flows again by itself', async ({ browser }) => {
		const { room, inviteUrl } = await createRoom(fixture.server.url);
		const ana = await join(browser, inviteUrl, 'Ana');
		const bo = await join(browser, inviteUrl, 'Bo');
		await framesAgain(cameraTile(ana, 'Bo'), Date.now());
		const ids = fixture.server.server.liveRooms.get(room.id)!.participants().map(({ id }) => id).sort();

		const killed = Date.now();
		process.kill(fixture.server.server.workers.pidOf(0)!, 'SIGKILL');
		const anaSeesBo = await framesAgain(cameraTile(ana, 'Bo'), killed);
		const boSeesAna = await framesAgain(cameraTile(bo, 'Ana'), killed);
		console.log(`[recovery] media again after a worker kill: ${anaSeesBo} ms and ${boSeesAna} ms`);
		// The bound catches a recovery that waits for a give-up, not the machine's speed: 2.3 to 4.3 s alone on a
		// busy shared 2-core machine (the code before the client's reshaping the same), 7.6 s late in a long e2e run there.
		expect(Math.max(anaSeesBo, boSeesAna)).toBeLessThanOrEqual(10_000);
		const rebuilt = fixture.server.server.liveRooms.get(room.id)!;
		expect(rebuilt.participants().map(({ id }) => id).sort()).toEqual(ids);
		await expect(cameraTile(ana, 'Bo')).toHaveCount(1);
		expect((await api(fixture.server.url, 'GET', '/readyz')).status).toBe(200);
	});
});

test('after a server restart on the same data directory, the browsers rejoin the same room by themselves', async ({ browser }) => {
	const port = await freeMediaPort();
	const env = { PORT: String(port), ROOMS_PUBLIC_URL: `http://localhost:${port}` };
	let server = await startServer(env);
	const pages: Page[] = [];
	try {
		const { room, inviteUrl } = await createRoom(server.url);
		const [ana, bo] = [await join(browser, inviteUrl, 'Ana'), await join(browser, inviteUrl, 'Bo')];
		pages.push(ana, bo);
		await framesAgain(cameraTile(ana, 'Bo'), Date.now());
		const ids = server.server.liveRooms.get(room.id)!.participants().map(({ id }) => id).sort();

		server = await server.restart();
		const restarted = Date.now();
		await framesAgain(cameraTile(ana, 'Bo'), restarted);
		await framesAgain(cameraTile(bo, 'Ana'), restarted);
		expect(server.server.liveRooms.get(room.id)!.participants().map(({ id }) => id).sort()).toEqual(ids);
		// The link still works for newcomers too.
		const cy = await join(browser, inviteUrl, 'Cy');
		pages.push(cy);
		await framesAgain(cameraTile(cy, 'Ana'), Date.now());
	} finally {
		for (const page of pages) await page.context().close();
		await server.close();
	}
});
