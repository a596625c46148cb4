/**
 * This person's own media: the microphone (with noise suppression), the
 * camera (with background blur), the screen share and the speaker, and what
 * the store shows of them. Tracks change without renegotiating: a switched
 * device, blur, or audio processing starting replaces what the session sends.
 */
import { ErrorCode } from '../../../shared/errors.js';
import { callPreferences, saveCallPreferences } from '../preferences.js';
import { SignalingError, errorCode } from '../signaling/SignalingClient.js';
import { BlurUnavailable } from './BackgroundBlur.js';
import { Camera } from './Camera.js';
import { openDevice } from './devices.js';
import type { MediaSession } from './MediaSession.js';
import { Microphone } from './Microphone.js';
import { reporting } from './reporting.js';
import type { RoomStateStore } from './RoomStateStore.js';

export class LocalMedia {
	readonly #store: RoomStateStore;
	readonly #media: MediaSession;
	readonly #microphone: Microphone | undefined;
	readonly #camera: Camera;

	constructor(store: RoomStateStore, media: MediaSession, tracks: { micTrack?: MediaStreamTrack; cameraTrack?: MediaStreamTrack }) {
		this.#store = store;
		this.#media = media;
		this.#microphone = tracks.micTrack ? new Microphone(tracks.micTrack) : undefined;
		this.#camera = new Camera(tracks.cameraTrack);
		const { dispatch } = store;
		if (this.#microphone) {
			this.#microphone.onTrackChange = (track) => media.replaceTrack('mic', track).catch(() => undefined);
			this.#microphone.onSuppressionChange = (noiseSuppression) => dispatch({ type: 'local', local: { noiseSuppression } });
		}
		this.#camera.onTrackChange = async (track) => {
			dispatch({ type: 'local', local: { cameraTrack: track, cameraDeviceId: this.#camera.deviceId } });
			if (track) await media.replaceTrack('camera', track).catch(() => undefined);
		};
	}

	/** Starts sending as the person chose before joining; with the camera off its producer waits paused and the device is released. */
	async startSending(): Promise<void> {
		const { micOn, cameraOn } = this.#store.state.local;
		await this.#media.startSending({ micTrack: this.#microphone?.track, cameraTrack: this.#camera.track, micOn, cameraOn });
		// A track that changed while the producers were being made (audio processing starting, blur) was offered to
		// no producer: send what is current now.
		if (this.#microphone) await this.#media.replaceTrack('mic', this.#microphone.track).catch(() => undefined);
		if (cameraOn && this.#camera.track) await this.#media.replaceTrack('camera', this.#camera.track).catch(() => undefined);
		if (!cameraOn) this.#camera.release();
	}

	/** Audio processing and blur start once the call flows; the remembered settings apply from then on. */
	applyPreferences(): void {
		const preferences = callPreferences();
		void this.setNoiseSuppression(preferences.noiseSuppression, false);
		if (preferences.backgroundBlur) void this.setBackgroundBlur(true, false);
	}

	setMicOn(on: boolean): Promise<void> {
		this.#store.dispatch({ type: 'local', local: { micOn: on } });
		return reporting(this.#store, this.#media.setProducing('mic', on));
	}

	/** A host muted this person: the server already paused the microphone; stop sending too. Only they can unmute. */
	mutedBy(name: string): void {
		this.#media.pauseLocally('mic');
		this.#store.dispatch({ type: 'mutedBy', name });
	}

	/**
	 * Turning the camera off pauses it on the server and stops the track, so
	 * the device is released (its light goes off). Turning it on opens the same
	 * device again and sends the new track in place of the old one.
	 */
	setCameraOn(on: boolean): Promise<void> {
		return reporting(this.#store, (async () => {
			if (!on) {
				this.#store.dispatch({ type: 'local', local: { cameraOn: false } });
				await this.#media.setProducing('camera', false);
				this.#camera.release();
				return;
			}
			if (!(await this.#camera.open())) throw new SignalingError(ErrorCode.UNAVAILABLE, 'the camera could not be opened');
			this.#store.dispatch({ type: 'local', local: { cameraOn: true } });
			await this.#media.setProducing('camera', true);
		})());
	}

	/** Switches camera; while the camera is off, the choice waits for it to be turned on. */
	switchCamera(deviceId: string): Promise<void> {
		return reporting(this.#store, (async () => {
			if (!this.#store.state.local.cameraOn) {
				this.#camera.choose(deviceId);
				this.#store.dispatch({ type: 'local', local: { cameraDeviceId: deviceId } });
				return;
			}
			if (!(await this.#camera.open(deviceId))) throw new SignalingError(ErrorCode.UNAVAILABLE, 'that camera could not be opened');
		})());
	}

	/** Switches microphone; what is sent keeps flowing, through the same noise suppression. */
	switchMicrophone(deviceId: string): Promise<void> {
		return reporting(this.#store, (async () => {
			const microphone = this.#microphone;
			if (!microphone) return;
			const device = await openDevice('audio', deviceId);
			if (!device) throw new SignalingError(ErrorCode.UNAVAILABLE, 'that microphone could not be opened');
			await microphone.setDevice(device);
			this.#store.dispatch({ type: 'local', local: { micTrack: device } });
		})());
	}

	/** Plays everyone's sound on this output device (where the browser can choose: `setSinkId`). */
	setSpeaker(deviceId: string): void {
		this.#store.dispatch({ type: 'local', local: { speakerId: deviceId } });
	}

	/** The microphone's loudness now, 0..1, for a level meter. */
	micLevel(): number {
		return this.#microphone?.level() ?? 0;
	}

	/** Noise suppression on (RNNoise, else the browser's own) or off; remembered for the next call. */
	setNoiseSuppression(on: boolean, remember = true): Promise<void> {
		if (remember) saveCallPreferences({ noiseSuppression: on });
		return reporting(this.#store, (async () => {
			const noiseSuppression = await this.#microphone?.setNoiseSuppression(on);
			if (noiseSuppression) this.#store.dispatch({ type: 'local', local: { noiseSuppression } });
		})());
	}

	/**
	 * Background blur on or off; remembered for the next call once it runs.
	 * Where it cannot run, the person is told, and the next call does not try again.
	 */
	setBackgroundBlur(on: boolean, remember = true): Promise<void> {
		if (!on && remember) saveCallPreferences({ backgroundBlur: false });
		return reporting(this.#store, (async () => {
			try {
				const backgroundBlur = await this.#camera.setBlur(on);
				this.#store.dispatch({ type: 'local', local: { backgroundBlur } });
				if (backgroundBlur && remember) saveCallPreferences({ backgroundBlur: true });
			} catch (error) {
				if (!(error instanceof BlurUnavailable)) throw error;
				console.warn(`[rooms] background blur is not available: ${error.message}`);
				saveCallPreferences({ backgroundBlur: false });
				this.#store.dispatch({ type: 'local', local: { backgroundBlur: false, blurUnavailable: true } });
				this.#store.dispatch({ type: 'unavailable', feature: 'blur' });
			}
		})());
	}

	/** Shares a screen; resolves false if the person cancelled the browser's picker. */
	async startScreenShare(): Promise<boolean> {
		if (this.#media.isProducing('screen')) return true;
		let stream: MediaStream;
		try {
			stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false });
		} catch {
			return false;
		}
		const track = stream.getVideoTracks()[0];
		if (!track) return false;
		// Text and slides: the encoder keeps resolution and detail, and gives up frame rate first.
		track.contentHint = 'detail';
		track.addEventListener('ended', () => void this.stopScreenShare());
		this.#store.dispatch({ type: 'local', local: { screenTrack: track } });
		try {
			await this.#media.produce('screen', track, false);
			return true;
		} catch (error) {
			await this.stopScreenShare();
			this.#store.dispatch({ type: 'actionFailed', code: errorCode(error) });
			return false;
		}
	}

	stopScreenShare(): Promise<void> {
		this.#store.state.local.screenTrack?.stop();
		this.#store.dispatch({ type: 'local', local: { screenTrack: undefined } });
		return reporting(this.#store, this.#media.stopProducing('screen'));
	}

	/** Stops every local track and device. */
	close(): void {
		this.#microphone?.close();
		this.#camera.close();
		this.#store.state.local.screenTrack?.stop();
	}
}
