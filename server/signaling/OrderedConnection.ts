/**
 * A participant's connection that decides the order of what its client
 * hears: while its `room.join` is being answered, events for it are held and
 * sent right after the answer. The answer carries the room as it was when
 * the person sat down; events caused by that join (a host's arrival seats
 * the guests who waited for them) describe what changed next, so they must
 * arrive after it, never before.
 */
import type { ServerEvents } from '../../shared/protocol.js';
import type { ParticipantConnection } from '../rooms/Participant.js';

export interface EventSink {
	emit(event: string, payload: unknown): void;
	disconnect(): void;
}

export class OrderedConnection implements ParticipantConnection {
	readonly #sink: EventSink;
	#holding = 0;
	#held: [string, unknown][] = [];
	#disconnectWhenReleased = false;

	constructor(sink: EventSink) {
		this.#sink = sink;
	}

	emit<E extends keyof ServerEvents>(event: E, payload: ServerEvents[E]): void {
		if (this.#holding > 0) this.#held.push([event, payload]);
		else this.#sink.emit(event, payload);
	}

	disconnect(): void {
		if (this.#holding > 0) this.#disconnectWhenReleased = true;
		else this.#sink.disconnect();
	}

	/** Holds events until release(); holds nest. */
	hold(): void {
		this.#holding++;
	}

	/** Call right after the answer was sent: the held events follow it, in order. */
	release(): void {
		if (--this.#holding > 0) return;
		for (const [event, payload] of this.#held.splice(0)) this.#sink.emit(event, payload);
		if (this.#disconnectWhenReleased) {
			this.#disconnectWhenReleased = false;
			this.#sink.disconnect();
		}
	}
}
