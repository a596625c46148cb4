/**
 * The bots' clip: encoded by Debian's ffmpeg on first use, without holding up
 * the process that waits for it (a load run's timers and sockets go on).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

// A cache of this test's own, so the clip is encoded here whatever the machine has cached.
const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-clip-'));
process.env.XDG_CACHE_HOME = cacheHome;
const { loadClip, SIMULCAST } = await import('../../tools/loadtest/src/bots/clip.js');

afterAll(() => fs.rmSync(cacheHome, { recursive: true, force: true }));

it('encodes the clip on first use while the event loop keeps turning, and caches it', async () => {
	let ticks = 0;
	const timer = setInterval(() => ticks++, 20);
	const started = performance.now();
	const clip = await loadClip();
	const elapsed = performance.now() - started;
	clearInterval(timer);
	// Encoding takes seconds; a blocked loop would tick once or not at all. Half the ticks due is plenty on a busy machine.
	expect(elapsed).toBeGreaterThan(200);
	expect(ticks).toBeGreaterThan(elapsed / 20 / 2);

	expect(clip.video).toHaveLength(SIMULCAST.length);
	const [first] = clip.video;
	for (const layer of clip.video) {
		expect(layer).toHaveLength(first!.length);
		expect(layer.map(({ keyFrame }) => keyFrame)).toEqual(first!.map(({ keyFrame }) => keyFrame));
	}
	expect(clip.audio.length).toBeGreaterThan(100);
	expect(fs.readdirSync(path.join(cacheHome, 'rooms-loadtest', 'bots-v1')).sort()).toEqual(['audio.ogg', 'video0.ivf', 'video1.ivf', 'video2.ivf']);
	// The same promise afterwards: the clip is read once per process.
	expect(loadClip()).toBe(loadClip());
});
