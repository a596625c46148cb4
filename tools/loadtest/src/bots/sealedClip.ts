/**
 * A bot's clip encrypted end to end under one of its sender keys, frame by
 * frame, exactly as a browser's frame worker encrypts what its encoder makes
 * (shared/e2ee/frames.ts): every frame of every simulcast layer, and every
 * Opus packet. Frames are sealed as they come due, a few ahead, and kept: a
 * bot replays its clip, so under a key that lasts a loop of the clip it
 * seals nothing more. The frames of one key then repeat every loop, IVs
 * included, as the test picture itself does; that gives away nothing the
 * clip's own repetition does not, and the SFU, which is what a load run
 * measures, forwards the same bytes either way. A join storm ratchets every
 * key once per join: sealing only what is sent keeps that as cheap as a
 * browser's encryption, where sealing whole clips would starve the bots, and
 * a clip whose key was replaced seals nothing more.
 */
import { encryptFrame } from '../../../../shared/e2ee/frames.js';
import type { SenderKey } from '../../../../shared/e2ee/senderKey.js';
import type { Clip } from './clip.js';

/** How many frames past the one due are sealed ahead: about a quarter of a second of video. */
const LOOKAHEAD_FRAMES = 8;

export class SealedClip {
	readonly generation: number;
	/** Why a frame could not be sealed, if one could not: nothing is sent then. */
	error: string | undefined;
	readonly #clip: Clip;
	readonly #key: SenderKey;
	/** As `Clip.video`: one list per layer, smallest first; a frame is there once sealed. */
	readonly #video: (Buffer | undefined)[][];
	readonly #audio: (Buffer | undefined)[];
	readonly #sealing = new Set<string>();

	constructor(clip: Clip, key: SenderKey) {
		this.#clip = clip;
		this.#key = key;
		this.generation = key.generation;
		this.#video = clip.video.map((frames) => frames.map(() => undefined));
		this.#audio = clip.audio.map(() => undefined);
	}

	/** Frame `index` of every layer, once all are sealed; with `ahead`, starts sealing it and the next few first. */
	video(index: number, ahead = true): Buffer[] | undefined {
		if (ahead) {
			const length = this.#video[0]!.length;
			for (let next = 0; next <= LOOKAHEAD_FRAMES; next++) this.#sealVideo((index + next) % length);
		}
		const frames = this.#video.map((layer) => layer[index]);
		return frames.every(Boolean) ? frames as Buffer[] : undefined;
	}

	/** Opus packet `index`, once sealed; with `ahead`, as `video`. */
	audio(index: number, ahead = true): Buffer | undefined {
		if (ahead) {
			for (let next = 0; next <= LOOKAHEAD_FRAMES; next++) {
				const packet = (index + next) % this.#audio.length;
				this.#seal(`a${packet}`, this.#audio, packet, this.#clip.audio[packet]!, 'audio');
			}
		}
		return this.#audio[index];
	}

	#sealVideo(frame: number): void {
		this.#video.forEach((layer, n) => this.#seal(`v${n}:${frame}`, layer, frame, this.#clip.video[n]![frame]!.data, 'video'));
	}

	#seal(id: string, into: (Buffer | undefined)[], index: number, data: Buffer, kind: 'audio' | 'video'): void {
		if (into[index] || this.#sealing.has(id) || this.error) return;
		this.#sealing.add(id);
		encryptFrame(data, kind, this.#key)
			.then((sealed) => {
				into[index] = Buffer.from(sealed);
			}, (error: unknown) => {
				this.error = String(error);
			})
			.finally(() => this.#sealing.delete(id));
	}
}
