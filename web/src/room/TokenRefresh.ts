/**
 * Keeps the visit's participant token fresh, well before the server's
 * 10-minute lifetime runs out, so that a reconnect finds a valid one; TURN
 * credentials are short-lived too and come with each token.
 */
import type { SignalingClient } from '../signaling/SignalingClient.js';
import type { MediaSession } from './MediaSession.js';

const TOKEN_REFRESH_MS = 4 * 60_000;

export class TokenRefresh {
	#timer: ReturnType<typeof setInterval> | undefined;

	constructor(private readonly signaling: SignalingClient, private readonly media: MediaSession) {}

	start(): void {
		this.#timer = setInterval(() => this.now(), TOKEN_REFRESH_MS);
	}

	/** A token under the room's current link now (after a link reset, the old one no longer opens it). */
	now(): void {
		this.signaling.request('session.refresh', {})
			.then(({ token, iceServers }) => {
				this.signaling.setToken(token);
				this.media.updateIceServers(iceServers);
			})
			.catch(() => { /* the next attempt, or the reconnect, will tell */ });
	}

	stop(): void {
		clearInterval(this.#timer);
	}
}
