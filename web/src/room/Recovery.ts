/**
 * The way back after a worker died under the call, or the server restarted:
 * try again with exponential backoff and jitter (250 ms doubling to 5 s) for
 * up to a minute, while the server answers what a restarting server answers;
 * a refusal that will not change (removed, ended...) stops at once.
 */
import { ErrorCode } from '../../../shared/errors.js';
import { errorCode } from '../signaling/SignalingClient.js';

/** How long the client keeps trying to come back. */
const RECOVERY_MS = 60_000;
/** What a server that is restarting, or rebuilding a room, may answer for a while. */
const RECOVERABLE = new Set<ErrorCode>([ErrorCode.UNAVAILABLE, ErrorCode.DRAINING, ErrorCode.TIMEOUT, ErrorCode.INTERNAL, ErrorCode.ALREADY_JOINED]);

export class Recovery {
	#running = false;

	/** Whether an attempt to come back is under way: its own connection refusals are its to judge. */
	get running(): boolean {
		return this.#running;
	}

	/**
	 * Runs `attempt` until it succeeds, `stopped()` turns true, a refusal will
	 * not change, or time runs out; resolves whether it came back. A second
	 * call while one runs resolves true at once: that one is already at work.
	 */
	async run(attempt: () => Promise<void>, stopped: () => boolean): Promise<boolean> {
		if (this.#running) return true;
		this.#running = true;
		try {
			const deadline = Date.now() + RECOVERY_MS;
			for (let tries = 0; !stopped() && Date.now() < deadline; tries++) {
				const delay = Math.min(5000, 250 * 2 ** tries);
				await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * delay / 2));
				try {
					await attempt();
					return true;
				} catch (error) {
					if (!RECOVERABLE.has(errorCode(error))) return false;
				}
			}
			return false;
		} finally {
			this.#running = false;
		}
	}
}
