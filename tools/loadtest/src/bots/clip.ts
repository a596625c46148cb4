/**
 * The media every bot replays: a moving test picture encoded once by
 * Debian's ffmpeg as VP8 at three simulcast sizes (each with three temporal
 * layers), and a tone as Opus. Encoded on first use and cached; bots only
 * packetize and encrypt what is here, never encode.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../cacheDir.js';

export const FRAME_RATE = 30;
/** A key frame every second, at the same frame on every layer, so a layer switch or a new viewer waits at most that long. */
export const KEY_FRAME_INTERVAL = FRAME_RATE;
/** libvpx's three-layer pattern (ts_layering_mode 3): frames go TL0, TL2, TL1, TL2, and again. */
export const TEMPORAL_PATTERN = [0, 2, 1, 2] as const;
export const OPUS_FRAME_MS = 20;

export const SIMULCAST = [
	{ width: 320, height: 180, kbps: 150 },
	{ width: 640, height: 360, kbps: 500 },
	{ width: 1280, height: 720, kbps: 1500 },
] as const;

export interface VideoFrame {
	data: Buffer;
	keyFrame: boolean;
	/** Temporal layer, 0..2; a key frame depends on nothing, so it is always in the base layer. */
	temporalLayer: number;
	/** A frame a viewer may step up to a higher temporal layer at: it depends on the base layer alone. */
	layerSync: boolean;
}

export interface Clip {
	/** One list of frames per simulcast layer, smallest first; all the same length, key frames aligned. */
	video: VideoFrame[][];
	/** Opus packets of 20 ms. */
	audio: Buffer[];
}

export const CLIP_SECONDS = 4;
const CACHE_DIR = cacheDir('bots-v1');

/**
 * Runs Debian's ffmpeg quietly; rejects with its message when it fails or is
 * missing. In a child process the caller does not wait on: encoding takes
 * seconds, and a load run's clocks, samples and sockets must go on meanwhile
 * (a server's keep-alive timers fire late after a blocked loop, and reset the
 * next request).
 */
export async function ffmpeg(args: string[]): Promise<void> {
	try {
		await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
	} catch (error) {
		const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
		if (code === 'ENOENT') throw new Error('bots need Debian\'s ffmpeg (apt-get install ffmpeg): it is not on the PATH');
		throw new Error(`ffmpeg failed: ${stderr || (error as Error).message}`);
	}
}

async function encode(dir: string): Promise<void> {
	fs.mkdirSync(dir, { recursive: true });
	await Promise.all(SIMULCAST.map(({ width, height, kbps }, layer) => {
		const layerKbps = [Math.round(kbps * 0.3), Math.round(kbps * 0.6), kbps].join(',');
		return ffmpeg([
			'-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${FRAME_RATE}`, '-t', String(CLIP_SECONDS),
			'-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', `${kbps}k`,
			'-g', String(KEY_FRAME_INTERVAL), '-keyint_min', String(KEY_FRAME_INTERVAL),
			'-auto-alt-ref', '0', '-lag-in-frames', '0', '-error-resilient', '1',
			'-ts-parameters', `ts_number_layers=3:ts_target_bitrate=${layerKbps}:ts_rate_decimator=4,2,1:ts_periodicity=4:ts_layer_id=0,2,1,2:ts_layering_mode=3`,
			'-f', 'ivf', path.join(dir, `video${layer}.ivf`),
		]);
	}));
	await ffmpeg([
		'-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=48000:beep_factor=4`, '-t', String(CLIP_SECONDS),
		'-c:a', 'libopus', '-b:a', '32k', '-frame_duration', String(OPUS_FRAME_MS), '-application', 'voip',
		'-f', 'ogg', path.join(dir, 'audio.ogg'),
	]);
}

/** Frames of an IVF file: a 32-byte header, then (size, timestamp, data) for each frame. */
function readIvf(file: string): VideoFrame[] {
	const buffer = fs.readFileSync(file);
	const frames: VideoFrame[] = [];
	for (let offset = buffer.readUInt16LE(6); offset + 12 <= buffer.length;) {
		const size = buffer.readUInt32LE(offset);
		const data = buffer.subarray(offset + 12, offset + 12 + size);
		// The VP8 frame tag's lowest bit is 0 on a key frame.
		const keyFrame = (data[0]! & 1) === 0;
		const position = frames.length % TEMPORAL_PATTERN.length;
		// TL1, and the TL2 frame right after a TL0, reference the base layer only.
		frames.push({ data, keyFrame, temporalLayer: keyFrame ? 0 : TEMPORAL_PATTERN[position]!, layerSync: position === 1 || position === 2 });
		offset += 12 + size;
	}
	return frames;
}

/** Packets of an Ogg stream, without the two Opus header packets. */
function readOggOpus(file: string): Buffer[] {
	const buffer = fs.readFileSync(file);
	const packets: Buffer[] = [];
	let pending: Buffer[] = [];
	for (let offset = 0; offset + 27 <= buffer.length;) {
		if (buffer.toString('latin1', offset, offset + 4) !== 'OggS') throw new Error('not an Ogg page');
		const segments = buffer[offset + 26]!;
		const lacing = buffer.subarray(offset + 27, offset + 27 + segments);
		let data = offset + 27 + segments;
		for (const length of lacing) {
			pending.push(buffer.subarray(data, data + length));
			data += length;
			// A lacing value under 255 ends a packet.
			if (length < 255) {
				packets.push(Buffer.concat(pending));
				pending = [];
			}
		}
		offset = data;
	}
	return packets.slice(2);
}

let cached: Promise<Clip> | undefined;

/** The clip, encoded now if this machine has not encoded it yet. */
export function loadClip(): Promise<Clip> {
	if (!cached) {
		cached = readOrEncode();
		// A failure (no ffmpeg) is not remembered: the next call tries again.
		cached.catch(() => {
			cached = undefined;
		});
	}
	return cached;
}

async function readOrEncode(): Promise<Clip> {
	const files = [...SIMULCAST.map((_, layer) => `video${layer}.ivf`), 'audio.ogg'].map((name) => path.join(CACHE_DIR, name));
	if (!files.every((file) => fs.existsSync(file))) {
		// Encoded aside and renamed into place, so two processes starting together never read half a clip.
		const building = `${CACHE_DIR}.${process.pid}`;
		await encode(building);
		try {
			fs.renameSync(building, CACHE_DIR);
		} catch {
			fs.rmSync(building, { recursive: true, force: true });
		}
	}
	const video = SIMULCAST.map((_, layer) => readIvf(path.join(CACHE_DIR, `video${layer}.ivf`)));
	const length = Math.min(...video.map((frames) => frames.length));
	return { video: video.map((frames) => frames.slice(0, length)), audio: readOggOpus(path.join(CACHE_DIR, 'audio.ogg')) };
}
