/**
 * A graceful stop, on the real entry point in its own process: SIGTERM marks
 * the node draining (/readyz 503), new joins get DRAINING, people in calls are
 * told and stay until they leave (or the drain times out), then it exits 0.
 * A second signal exits at once.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { api, createRoom, joinToken } from '../support/server.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';

const running: ChildProcess[] = [];
afterEach(() => {
	for (const child of running.splice(0)) child.kill('SIGKILL');
});

async function startProcess(env: Record<string, string>): Promise<ServerProcess> {
	const started = await startServerProcess(env);
	running.push(started.child);
	return started;
}

describe('graceful drain', () => {
	it('refuses new joins with DRAINING, reports 503 on /readyz, tells the call, and exits 0 once the last person leaves', async () => {
		const { child, url, exited } = await startProcess({ ROOMS_DRAIN_SECONDS: '60' });
		const { room } = await createRoom(url);
		const ana = await BotConnection.connect(url, await joinToken(url, room.code, 'Ana'));
		expect((await api(url, 'GET', '/readyz')).status).toBe(200);

		child.kill('SIGTERM');
		expect(await ana.waitFor('server.draining')).toMatchObject({ deadline: expect.any(String) });
		const ready = await api(url, 'GET', '/readyz');
		expect(ready).toMatchObject({ status: 503, body: { error: { code: 'DRAINING' } } });
		const refused = await api(url, 'POST', `/api/v1/invites/${room.code}/join`, { body: { name: 'Bo' } });
		expect(refused).toMatchObject({ status: 503, body: { error: { code: 'DRAINING' } } });
		// The call goes on (mediasoup's own signal handler would have closed the worker): Ana is still in, and the process runs.
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(child.exitCode).toBeNull();
		expect(ana.last('session.closed')).toBeUndefined();
		expect(await ana.signaling.request('hand.raise', {})).toMatchObject({ hands: [{ participantId: ana.id }] });

		await ana.signaling.request('room.leave', {});
		ana.close();
		expect(await exited).toBe(0);
	});

	it('stops when the drain time is up even with a call going on, and a second signal stops at once', async () => {
		const timed = await startProcess({ ROOMS_DRAIN_SECONDS: '1' });
		const first = await createRoom(timed.url);
		const stays = await BotConnection.connect(timed.url, await joinToken(timed.url, first.room.code, 'Stays'));
		timed.child.kill('SIGTERM');
		expect(await timed.exited).toBe(0);
		stays.close();

		const impatient = await startProcess({ ROOMS_DRAIN_SECONDS: '600' });
		const second = await createRoom(impatient.url);
		const waiting = await BotConnection.connect(impatient.url, await joinToken(impatient.url, second.room.code, 'Waits'));
		impatient.child.kill('SIGTERM');
		await waiting.waitFor('server.draining');
		const started = Date.now();
		impatient.child.kill('SIGTERM');
		expect(await impatient.exited).toBe(0);
		expect(Date.now() - started).toBeLessThan(5000);
		waiting.close();
	});
});
