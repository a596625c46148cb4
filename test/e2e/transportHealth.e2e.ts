/**
 * Media that cannot get through, in real Chromium: signalling works, but
 * every path to the SFU's media port is dead (the remote candidates point at
 * a port where nothing listens), so ICE fails in both directions, and again after its
 * restart. The person is told, in words on the screen, with a way to retry,
 * and the others see that person's tile marked as having connection trouble.
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

test('when audio and video cannot get through even after an ICE restart, the person is told and can try again, and the others see it', async ({ browser }) => {
	test.setTimeout(180_000);
	const { inviteUrl } = await createRoom(fixture.server.url);
	const ana = await join(browser, inviteUrl, 'Ana');
	const started = Date.now();
	const bo = await join(browser, inviteUrl, 'Bo', [deadMediaPath(await freeMediaPort())]);
	const trouble = bo.getByRole('alert').filter({ hasText: 'Can’t connect audio and video. Check your network or firewall.' });
	const boMarked = ana.getByRole('img', { name: 'Bo has connection trouble' });
	await expect(ana.locator('figure.tile').filter({ hasText: 'Bo' })).toBeVisible();
	await expect(boMarked).toBeHidden();
	await expect(trouble).toBeVisible({ timeout: 120_000 });
	console.log(`[transportHealth] told after ${Date.now() - started} ms`);
	await expect(bo.getByRole('img', { name: /connection/i })).toHaveAttribute('class', /lost/);
	await expect(boMarked).toBeVisible();
	await expect(ana.locator('figure.tile.trouble')).toHaveCount(1);

	// Trying again restarts ICE at once: the notice and the mark go while it tries, and come back when the path is still dead.
	await trouble.getByRole('button', { name: 'Try again' }).click();
	await expect(trouble).toBeHidden();
	await expect(boMarked).toBeHidden();
	await expect(trouble).toBeVisible({ timeout: 120_000 });
	await expect(boMarked).toBeVisible();
	// Ana's own media gets through: nobody sees her marked.
	await expect(bo.getByRole('img', { name: 'Ana has connection trouble' })).toBeHidden();
});
