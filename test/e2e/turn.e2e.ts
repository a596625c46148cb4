/**
 * NAT traversal through a real coturn from Debian, on loopback: browsers
 * forced to relay-only ICE reach the SFU through TURN with the per-person
 * credentials from their join, and see each other. When the TURN server
 * dies and comes back, each transport restarts its ICE and media flows
 * again on the same transports, without rejoining.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from '../support/browser.js';
import { Coturn } from '../support/coturn.js';
import { createRoom, startServer, type TestServer } from '../support/server.js';

/** Every RTCPeerConnection the page makes gathers relay candidates only, as behind a NAT that allows nothing else. */
const RELAY_ONLY = `
	const Keeping = window.RTCPeerConnection;
	window.RTCPeerConnection = function (config = {}) {
		const connection = new Keeping({ ...config, iceTransportPolicy: 'relay' });
		const setConfiguration = connection.setConfiguration.bind(connection);
		connection.setConfiguration = (next = {}) => setConfiguration({ ...next, iceTransportPolicy: 'relay' });
		return connection;
	};
	window.RTCPeerConnection.prototype = Keeping.prototype;
	Object.setPrototypeOf(window.RTCPeerConnection, Keeping);
`;

let turn: Coturn;
let server: TestServer;
test.beforeAll(async () => {
	turn = await Coturn.start();
	server = await startServer({ ROOMS_TURN_URLS: turn.url, ROOMS_TURN_SECRET: turn.secret });
});
test.afterEach(async ({ browser }) => {
	await Promise.all(browser.contexts().map((context) => context.close()));
});
test.afterAll(async () => {
	await server?.close();
	await turn?.close();
});

/** Video frames decoded for the other person's tile. */
const framesOf = (page: Page, name: string) => page.locator('figure.tile[data-kind=camera]', { hasText: name }).locator('video')
	.evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames);

/**
 * The local candidate types of the selected pairs of the page's connected
 * peer connections (send and receive; mediasoup-client also makes short-lived
 * ones to probe capabilities), and how many connections it has made in all.
 */
const paths = (page: Page) => page.evaluate(async () => {
	const connections = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections;
	const types: string[] = [];
	for (const connection of connections) {
		const stats = [...(await connection.getStats()).values()];
		const pair = stats.find((entry) => entry.type === 'candidate-pair' && entry.nominated && entry.state === 'succeeded');
		if (pair) types.push(stats.find((entry) => entry.id === pair.localCandidateId)?.candidateType);
	}
	return { types, connections: connections.length };
});

test('relay-only browsers reach each other through TURN, and recover by ICE restart when the TURN server restarts', async ({ browser }) => {
	const { inviteUrl, hostUrl } = await createRoom(server.url);
	const host = await join(browser, hostUrl, 'Hana', [RELAY_ONLY]);
	const bo = await join(browser, inviteUrl, 'Bo', [RELAY_ONLY]);
	const made = new Map<Page, number>();
	for (const [page, other] of [[host, 'Bo'], [bo, 'Hana']] as const) {
		await expect.poll(() => framesOf(page, other)).toBeGreaterThan(30);
		await expect.poll(async () => (await paths(page)).types).toEqual(['relay', 'relay']);
		made.set(page, (await paths(page)).connections);
	}
	expect(turn.allocations).toBeGreaterThanOrEqual(4);

	await turn.kill();
	const stalled = await framesOf(bo, 'Hana');
	await bo.waitForTimeout(2000);
	expect(await framesOf(bo, 'Hana') - stalled).toBeLessThan(10);
	await turn.run();
	const restartedAt = Date.now();
	for (const [page, other] of [[host, 'Bo'], [bo, 'Hana']] as const) {
		const before = await framesOf(page, other);
		await expect.poll(async () => (await framesOf(page, other)) - before, { timeout: 45_000 }).toBeGreaterThan(30);
		// The same transports, ICE restarted over the new relay: no rejoin built new ones.
		expect(await paths(page)).toEqual({ types: ['relay', 'relay'], connections: made.get(page) });
	}
	console.log(`[turn] media again ${Date.now() - restartedAt} ms after the TURN server came back`);
});
