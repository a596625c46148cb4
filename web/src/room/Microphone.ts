/**
 * The microphone of a call: the device's track, a level meter, and noise
 * suppression. RNNoise (a WebAssembly build, in an AudioWorklet) cleans the
 * sound when it can run; otherwise the browser's own `noiseSuppression`
 * constraint does. The track to send (`track`) stays the same when the
 * device or the suppression changes, so nothing is renegotiated, except when
 * audio processing cannot start at all: then the device's own track is sent
 * and `onTrackChange` says so.
 */
import { RnnoiseWorkletNode, loadRnnoise } from '@sapphi-red/web-noise-suppressor';
import rnnoiseWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise.wasm?url';
import rnnoiseSimdWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm?url';
import rnnoiseWorkletUrl from '@sapphi-red/web-noise-suppressor/rnnoiseWorklet.js?url';

/** What is cleaning the sound now. */
export type NoiseSuppression = 'rnnoise' | 'browser' | 'off';

/** RNNoise works on 48 kHz audio. */
const SAMPLE_RATE = 48_000;

/**
 * An audio context at RNNoise's rate where the browser allows it. Firefox
 * refuses a rate other than the device's (a 44.1 kHz device, or
 * `resistFingerprinting`: Mozilla bugs 1674892 and 1725336); then the
 * context runs at the device's rate, the level meter and sending work as
 * ever, and the browser's own suppression stands in for RNNoise.
 */
function audioContext(): AudioContext {
	try {
		return new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
	} catch (error) {
		const context = new AudioContext({ latencyHint: 'interactive' });
		console.warn(`[rooms] audio at ${context.sampleRate} Hz, not ${SAMPLE_RATE} (${(error as Error).message}): the browser's noise suppression stands in for RNNoise`);
		return context;
	}
}

export class Microphone {
	#device: MediaStreamTrack;
	#context: AudioContext | undefined;
	#source: MediaStreamAudioSourceNode | undefined;
	#analyser: AnalyserNode | undefined;
	#destination: MediaStreamAudioDestinationNode | undefined;
	#rnnoise: Promise<RnnoiseWorkletNode | undefined> | undefined;
	#suppression: NoiseSuppression = 'off';
	#levels = new Float32Array(1024);
	#closed = false;
	/** Called when the track to send is replaced (audio processing became available or went away). */
	onTrackChange: (track: MediaStreamTrack) => Promise<void> | void = () => undefined;
	/** Called when RNNoise failed while running and the browser's suppression took over. */
	onSuppressionChange: (suppression: NoiseSuppression) => void = () => undefined;

	constructor(device: MediaStreamTrack) {
		this.#device = device;
		try {
			this.#context = audioContext();
			this.#analyser = new AnalyserNode(this.#context, { fftSize: 1024 });
			this.#destination = this.#context.createMediaStreamDestination();
			this.#connect();
			// Created without a click (a rejoin), the context waits for one; until then the device's track is sent,
			// cleaned by the browser's suppression in RNNoise's place.
			this.#context.addEventListener('statechange', () => {
				if (this.#closed) return;
				void this.#applyBrowserSuppression();
				this.onSuppressionChange(this.noiseSuppression);
				this.onTrackChange(this.track);
			});
			if (this.#context.state !== 'running') {
				const resume = () => void this.#context?.resume();
				document.addEventListener('pointerdown', resume, { once: true });
				document.addEventListener('keydown', resume, { once: true });
			}
		} catch {
			this.#context = undefined;
		}
	}

	/** The device's own track: its settings, its label, and what to stop. */
	get device(): MediaStreamTrack {
		return this.#device;
	}

	/** What to send: the processed sound while audio processing runs, else the device's track. */
	get track(): MediaStreamTrack {
		return this.#processing ? this.#destination!.stream.getAudioTracks()[0]! : this.#device;
	}

	get #processing(): boolean {
		return this.#context?.state === 'running' && Boolean(this.#destination?.stream.getAudioTracks()[0]);
	}

	/** What cleans the sound being sent now: RNNoise only while its output is what is sent. */
	get noiseSuppression(): NoiseSuppression {
		return this.#suppression === 'rnnoise' && !this.#processing ? 'browser' : this.#suppression;
	}

	/** Uses another device; the previous one is stopped. */
	async setDevice(device: MediaStreamTrack): Promise<void> {
		const before = this.track;
		const previous = this.#device;
		this.#device = device;
		this.#connect();
		void this.#applyBrowserSuppression();
		// As for cameras: the sender gets the new track before the old one ends.
		if (this.track !== before) await this.onTrackChange(this.track);
		previous.stop();
	}

	/** Turns noise suppression on (RNNoise, else the browser's) or off; resolves what runs now. */
	async setNoiseSuppression(on: boolean): Promise<NoiseSuppression> {
		const rnnoise = on ? await this.#loadRnnoise() : undefined;
		if (this.#closed) return this.#suppression;
		this.#suppression = !on ? 'off' : rnnoise ? 'rnnoise' : 'browser';
		this.#connect();
		await this.#applyBrowserSuppression();
		return this.noiseSuppression;
	}

	/** The loudness of the device's sound now, from 0 (silence) to 1. */
	level(): number {
		if (!this.#analyser || this.#context?.state !== 'running') return 0;
		this.#analyser.getFloatTimeDomainData(this.#levels);
		let sum = 0;
		for (const sample of this.#levels) sum += sample * sample;
		// RMS, scaled so that ordinary speech fills most of the meter.
		return Math.min(1, Math.sqrt(sum / this.#levels.length) * 4);
	}

	/** Wires device → meter, and device → (RNNoise) → what is sent. */
	#connect(): void {
		const context = this.#context;
		if (!context || this.#closed) return;
		this.#source?.disconnect();
		const source = context.createMediaStreamSource(new MediaStream([this.#device]));
		this.#source = source;
		source.connect(this.#analyser!);
		void Promise.resolve(this.#rnnoise).then((rnnoise) => {
			// A newer wiring replaced this one meanwhile.
			if (this.#closed || source !== this.#source) return;
			rnnoise?.disconnect();
			if (rnnoise && this.#suppression === 'rnnoise') source.connect(rnnoise).connect(this.#destination!);
			else source.connect(this.#destination!);
		});
	}

	#loadRnnoise(): Promise<RnnoiseWorkletNode | undefined> {
		const context = this.#context;
		if (!context || !('audioWorklet' in context) || context.sampleRate !== SAMPLE_RATE) return Promise.resolve(undefined);
		this.#rnnoise ??= (async () => {
			try {
				const [wasmBinary] = await Promise.all([
					loadRnnoise({ url: rnnoiseWasmUrl, simdUrl: rnnoiseSimdWasmUrl }),
					context.audioWorklet.addModule(rnnoiseWorkletUrl),
				]);
				const node = new RnnoiseWorkletNode(context, { wasmBinary, maxChannels: 1 });
				// If it fails inside the worklet it would send silence: fall back to the browser's suppression.
				node.addEventListener('processorerror', () => {
					this.#rnnoise = Promise.resolve(undefined);
					if (this.#suppression === 'rnnoise') void this.setNoiseSuppression(true).then((mode) => this.onSuppressionChange(mode));
				});
				return node;
			} catch {
				// Blocked or unsupported: the browser's own suppression is the fallback.
				return undefined;
			}
		})();
		return this.#rnnoise;
	}

	/** The browser's suppression is on exactly when it is the one in use; RNNoise wants the raw sound. */
	async #applyBrowserSuppression(): Promise<void> {
		try {
			await this.#device.applyConstraints({ ...this.#device.getConstraints(), noiseSuppression: this.noiseSuppression === 'browser' });
		} catch {
			// Not every browser can change it on a live track; the sound still flows.
		}
	}

	/** Stops the device and the audio processing. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#device.stop();
		void this.#rnnoise?.then((node) => node?.destroy());
		this.#destination?.stream.getTracks().forEach((track) => track.stop());
		void this.#context?.close().catch(() => undefined);
	}
}
