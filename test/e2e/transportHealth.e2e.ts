/**
 * Media that cannot get through, in real Chromium: signalling works, but
 * every path to the SFU's media port is dead (the remote candidates point at
 * a port where nothing listens), so ICE fails in both directions, and again after its
 * restart. The person is told, in words on the screen, with a way to retry.
 */
import { expect, test } from '@playwright/test';
import { e2eServer, join } from '../support/browser.js';
import { createRoom, freeMediaPort } from '../support/server.js';

const fixture = e2eServer();

/** Every remote ICE candidate the page is given points at `port`, where nothing answers. */
const deadMediaPath = (port: number) => `{
	const setRemoteDescription = RTCPeerConnection.prototype.setRemoteDescription;
	RTCPeerConnection.prototype.setRemoteDescription = function (description, ...rest) {
		if (description && description.sdp) {
			description = { type: description.type, sdp: description.sdp.replace(/^(a=candidate:\\S+ \\d+ \\S+ \\d+ \\S+ )\\d+/gm, '$1${port}') };
		}
		return setRemoteDescription.call(this, description, ...rest);
	};
}`;

test('when audio and video cannot get through even after an ICE restart, the person is told and can try again', async ({ browser }) => {
	test.setTimeout(180_000);
	const { inviteUrl } = await createRoom(fixture.server.url);
	const started = Date.now();
	const bo = await join(browser, inviteUrl, 'Bo', [deadMediaPath(await freeMediaPort())]);
	const trouble = bo.getByRole('alert').filter({ hasText: 'Can’t connect audio and video. Check your network or firewall.' });
	await expect(trouble).toBeVisible({ timeout: 120_000 });
	console.log(`[transportHealth] told after ${Date.now() - started} ms`);
	await expect(bo.getByRole('img', { name: /connection/i })).toHaveAttribute('class', /lost/);

	// Trying again restarts ICE at once: the notice goes while it tries, and comes back when the path is still dead.
	await trouble.getByRole('button', { name: 'Try again' }).click();
	await expect(trouble).toBeHidden();
	await expect(trouble).toBeVisible({ timeout: 120_000 });
});
