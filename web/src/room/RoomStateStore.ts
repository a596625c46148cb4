/** The room state the UI renders, changed only through the pure `roomReducer`; React subscribes with useSyncExternalStore. */
import { type RoomAction, type RoomState, roomReducer } from './roomState.js';

export class RoomStateStore {
	readonly #listeners = new Set<() => void>();
	#state: RoomState;

	constructor(initial: RoomState) {
		this.#state = initial;
	}

	get state(): RoomState {
		return this.#state;
	}

	subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	dispatch = (action: RoomAction): void => {
		const next = roomReducer(this.#state, action);
		if (next === this.#state) return;
		this.#state = next;
		for (const listener of this.#listeners) listener();
	};
}
