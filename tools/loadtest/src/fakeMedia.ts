/**
 * The camera and microphone of browser participants: a clip made once by
 * Debian's ffmpeg, a moving test picture (720p, so each browser's encoder
 * does the work of a real camera's three simulcast layers) and a tone that
 * rises and falls, which Chromium plays as its fake devices, in a loop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ffmpeg } from './bots/clip.js';
import { cacheDir } from './cacheDir.js';

const CACHE_DIR = cacheDir('browsers-v1');
const SECONDS = 6;

export interface FakeMedia {
	video: string;
	audio: string;
}

/** Makes the clip on first use (a few seconds) and returns where it is. */
export async function fakeMedia(dir = CACHE_DIR): Promise<FakeMedia> {
	const media = { video: path.join(dir, 'camera.y4m'), audio: path.join(dir, 'microphone.wav') };
	if (fs.existsSync(media.video) && fs.existsSync(media.audio)) return media;
	fs.mkdirSync(dir, { recursive: true });
	// Written under temporary names and renamed, so a run cut short never leaves half a clip behind.
	const partial = { video: `${media.video}.partial.y4m`, audio: `${media.audio}.partial.wav` };
	await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=15`, '-t', String(SECONDS), '-pix_fmt', 'yuv420p', partial.video]);
	await ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000,volume='0.3+0.25*sin(2*PI*t)':eval=frame`, '-t', String(SECONDS),
		'-ac', '1', partial.audio]);
	fs.renameSync(partial.video, media.video);
	fs.renameSync(partial.audio, media.audio);
	return media;
}

/** Chromium's switches for fake devices that play the clip, with no permission prompts. */
export function fakeMediaSwitches(media: FakeMedia): string[] {
	return [
		'--use-fake-device-for-media-stream',
		'--use-fake-ui-for-media-stream',
		`--use-file-for-fake-video-capture=${media.video}`,
		`--use-file-for-fake-audio-capture=${media.audio}`,
		'--autoplay-policy=no-user-gesture-required',
	];
}
