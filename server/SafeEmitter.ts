/**
 * A typed event emitter for the domain whose listeners cannot break it: a
 * listener that throws, or whose promise rejects, is logged and the others
 * still run, so an emit in the middle of a state change (a seat taken, a
 * lobby entry seated) never leaves that change half-applied. The idea is
 * mediasoup's `safeEmit`.
 */
import type { Logger } from './logger.js';

type Listener<Args extends unknown[]> = (...args: Args) => unknown;

export class SafeEmitter<Events extends { [K in keyof Events]: unknown[] }> {
	readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
	readonly #log: () => Logger;

	/** `log` is read at emit time, so a subclass can pass its logger once it has one. */
	constructor(log: () => Logger) {
		this.#log = log;
	}

	on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
		let listeners = this.#listeners.get(event);
		if (!listeners) this.#listeners.set(event, listeners = new Set());
		listeners.add(listener as Listener<never>);
		return this;
	}

	off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
		this.#listeners.get(event)?.delete(listener as Listener<never>);
		return this;
	}

	protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
		for (const listener of [...(this.#listeners.get(event) ?? [])] as Listener<Events[K]>[]) {
			try {
				const result = listener(...args);
				if (result instanceof Promise) result.catch((error: unknown) => this.#failed(event, error));
			} catch (error) {
				this.#failed(event, error);
			}
		}
	}

	#failed(event: keyof Events, error: unknown): void {
		this.#log().error({ err: error, event: String(event) }, 'event listener failed');
	}
}
