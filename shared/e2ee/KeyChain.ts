/**
 * One sender's keys as a receiver holds them: the last few generations, so
 * frames sent just before a ratchet or a rotation still open. A frame (or
 * message) of a newer generation than held, within a few ratchet steps, gets
 * a candidate key derived forward; it is kept only once something opens
 * with it, so a forged generation cannot push the real keys out.
 */
import type { SenderKey } from './senderKey.js';

/** Generations kept per sender. */
const WINDOW = 4;
/** How far ahead of the newest held key a candidate is derived: joins come one ratchet each. */
const MAX_CATCH_UP = 16;

export class KeyChain {
	readonly #keys = new Map<number, SenderKey>();

	/** Keeps a key, dropping the oldest beyond the window. */
	add(key: SenderKey): void {
		this.#keys.set(key.generation, key);
		const generations = [...this.#keys.keys()].sort((a, b) => b - a);
		for (const old of generations.slice(WINDOW)) this.#keys.delete(old);
	}

	newest(): SenderKey | undefined {
		const generations = [...this.#keys.keys()];
		return generations.length ? this.#keys.get(Math.max(...generations)) : undefined;
	}

	/** The key of that generation: held, or derived forward from the newest held (not kept; see `add`). */
	async candidate(generation: number): Promise<SenderKey | undefined> {
		const held = this.#keys.get(generation);
		if (held) return held;
		let key = this.newest();
		if (!key || generation <= key.generation || generation - key.generation > MAX_CATCH_UP) return undefined;
		while (key.generation < generation) key = await key.ratchet();
		return key;
	}
}
