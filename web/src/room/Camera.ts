/**
 * The camera of a call: the device's track and, when asked, background blur.
 * `track` is what is shown and sent. Releasing the camera stops the device
 * (its light goes off); opening it again takes the same device.
 */
import { BackgroundBlur } from './BackgroundBlur.js';
import { openDevice } from './devices.js';

export class Camera {
	#device: MediaStreamTrack | undefined;
	/** The device in use, kept while released to open the same one again. */
	#deviceId: string | undefined;
	#blur: BackgroundBlur | undefined;
	#closed = false;
	/** Called when the track to show and send is replaced; resolves once it is being sent. */
	onTrackChange: (track: MediaStreamTrack | undefined) => Promise<void> | void = () => undefined;

	constructor(device: MediaStreamTrack | undefined) {
		this.#device = device;
		this.#deviceId = device?.getSettings().deviceId;
	}

	/** What to show and send: the blurred picture while blur is on, else the device's track. */
	get track(): MediaStreamTrack | undefined {
		return this.#blur?.track ?? this.#device;
	}

	get deviceId(): string | undefined {
		return this.#deviceId;
	}

	get blurred(): boolean {
		return Boolean(this.#blur);
	}

	/** Whether the device is open now. */
	get live(): boolean {
		return this.#device?.readyState === 'live';
	}

	/** Opens the device (another one when `deviceId` differs); resolves false if it could not be opened. */
	async open(deviceId = this.#deviceId): Promise<boolean> {
		if (this.live && deviceId === this.#deviceId) return true;
		const device = await openDevice('video', deviceId);
		if (!device || this.#closed) {
			device?.stop();
			return false;
		}
		const previous = this.#device;
		this.#device = device;
		this.#deviceId = device.getSettings().deviceId;
		if (this.#blur) this.#blur.setInput(device);
		// Replace, then stop: what is sent never comes from a device that has already stopped, not even for a frame.
		else await this.onTrackChange(device);
		previous?.stop();
		return true;
	}

	/** Remembers the device to use the next time the camera opens, without opening it. */
	choose(deviceId: string): void {
		this.#deviceId = deviceId;
	}

	/** Stops the device; the light goes off. */
	release(): void {
		this.#device?.stop();
	}

	/** Turns background blur on or off; resolves whether it is on. */
	async setBlur(on: boolean): Promise<boolean> {
		if (on === this.blurred || !this.#device) return this.blurred;
		if (!on) {
			this.#blur?.close();
			this.#blur = undefined;
			this.onTrackChange(this.#device);
			return false;
		}
		const blur = await BackgroundBlur.start(this.#device);
		if (this.#closed || this.#blur) {
			blur.close();
			return this.blurred;
		}
		this.#blur = blur;
		this.onTrackChange(blur.track);
		return true;
	}

	/** Stops the device and the blur. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#blur?.close();
		this.#device?.stop();
	}
}
