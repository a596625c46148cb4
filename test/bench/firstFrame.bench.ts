/**
 * Time from opening an invite link to the first decoded remote video frame,
 * in real Chromium: one person is in the room with their camera on, and a
 * fresh browser context joins by the link N times (default 10). Reports the
 * median and p95, and where the time goes:
 *   page   - navigation to the join page being ready (invite loaded, devices open);
 *            within it, joinShown (the form is there) and previewShown (the
 *            preview's first camera frame)
 *   join   - clicking Join to being seated (token, socket, join, transports)
 *   media  - seated to the first decoded frame of the other person's camera
 *
 *   npm run bench:first-frame [-- --joins 10]
 */
import { parseArgs } from 'node:util';
import { createRoom, startServer } from '../support/server.js';
import { launchChromium, measureFirstFrames } from './support/firstFrame.js';

const { values } = parseArgs({ options: { joins: { type: 'string', default: '10' } } });
const joins = Number(values.joins);

const server = await startServer();
const browser = await launchChromium();
try {
	const { inviteUrl, hostUrl } = await createRoom(server.url, { waitForHost: false });
	const host = await (await browser.newContext()).newPage();
	await host.goto(hostUrl);
	await host.getByRole('button', { name: 'Join room' }).click();
	await host.getByRole('button', { name: 'Leave room' }).waitFor();

	const { summary } = await measureFirstFrames(browser, inviteUrl, joins, (message) => console.log(`[bench] ${message}`));
	console.log(JSON.stringify({ joins, ms: summary }, null, 2));
} finally {
	await browser.close();
	await server.close();
}
