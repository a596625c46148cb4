/**
 * How the call's two media transports are doing, told as one: the quality
 * of the worse of them, and whether media cannot get through at all. A path
 * that breaks gets new ICE credentials on the same transport (an ICE restart);
 * a transport still failed after that, or not connected within a while of it,
 * is unreachable: the person is told, with a way to try again at once, and
 * restarts go on every CONNECT_TIMEOUT_MS meanwhile.
 */
import type { types } from 'mediasoup-client';
import type { Quality } from './roomState.js';

type Direction = 'send' | 'recv';

export interface TransportHealthListener {
	quality(quality: Quality): void;
	/** Whether audio and video cannot get through (a transport still failed after its ICE restart). */
	unreachable(unreachable: boolean): void;
}

/** How long a transport may stay disconnected before its ICE is restarted: a disconnected path often heals by itself. */
const ICE_RESTART_AFTER_DISCONNECTED_MS = 3000;
/**
 * How long a transport may take to connect, at first and again after its ICE restart, before it counts as
 * failed. A path that never works may never reach ICE's own `failed` (no answer at all to its checks).
 */
const CONNECT_TIMEOUT_MS = 10_000;

export class TransportHealth {
	readonly #listener: TransportHealthListener;
	readonly #states = new Map<Direction, string>();
	readonly #unreachable = new Set<Direction>();
	readonly #retries = new Map<Direction, () => void>();
	#told = false;

	constructor(listener: TransportHealthListener) {
		this.#listener = listener;
	}

	/** Follows a transport; `restartIce` gives it new ICE credentials from the server. */
	watch(direction: Direction, transport: types.Transport, restartIce: () => Promise<void>): void {
		let restartTimer: ReturnType<typeof setTimeout> | undefined;
		let connectTimer: ReturnType<typeof setTimeout> | undefined;
		let restarted = false;
		// Failed again after a restart: the person is told, and restarts go on (a TURN server coming back, a
		// network returning) until it connects.
		const failed = () => {
			if (restarted) this.#setUnreachable(direction, true);
			restart();
		};
		const restart = () => {
			clearTimeout(restartTimer);
			clearTimeout(connectTimer);
			restarted = true;
			connectTimer = setTimeout(failed, CONNECT_TIMEOUT_MS);
			// A failed request (signalling down) leaves the connect timer to tell, or the reconnect to start afresh.
			restartIce().catch(() => undefined);
		};
		this.#retries.set(direction, () => {
			this.#setUnreachable(direction, false);
			restart();
		});
		// Connecting starts with the first producer or consumer; a path that never answers may stay `new` for good.
		transport.on('connect', () => {
			connectTimer ??= setTimeout(failed, CONNECT_TIMEOUT_MS);
		});
		transport.on('connectionstatechange', (state) => {
			this.#states.set(direction, state);
			this.#reportQuality();
			clearTimeout(restartTimer);
			if (state === 'connected') {
				restarted = false;
				clearTimeout(connectTimer);
				connectTimer = undefined;
				this.#setUnreachable(direction, false);
			} else if (state === 'failed') {
				clearTimeout(connectTimer);
				failed();
			} else if (state === 'disconnected') {
				restartTimer = setTimeout(restart, ICE_RESTART_AFTER_DISCONNECTED_MS);
			}
		});
		transport.observer.on('close', () => {
			clearTimeout(restartTimer);
			clearTimeout(connectTimer);
			this.#states.delete(direction);
			this.#retries.delete(direction);
			this.#setUnreachable(direction, false);
		});
	}

	/** The person asked to try again: unreachable transports restart their ICE now. */
	retry(): void {
		for (const direction of [...this.#unreachable]) this.#retries.get(direction)?.();
	}

	#setUnreachable(direction: Direction, unreachable: boolean): void {
		if (unreachable) this.#unreachable.add(direction);
		else this.#unreachable.delete(direction);
		const now = this.#unreachable.size > 0;
		if (now !== this.#told) {
			this.#told = now;
			this.#listener.unreachable(now);
			this.#reportQuality();
		}
	}

	/** The worse transport's quality: unreachable or failed is lost, disconnected is poor. */
	#reportQuality(): void {
		const states = [...this.#states.values()];
		if (this.#told || states.includes('failed')) this.#listener.quality('lost');
		else if (states.includes('disconnected')) this.#listener.quality('poor');
		else if (states.includes('connected')) this.#listener.quality('good');
	}
}
