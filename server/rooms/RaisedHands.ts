/** The raised hands of a room, in the order they went up: the queue a host calls on. */
import type { RaisedHandView } from '../../shared/protocol.js';

export class RaisedHands {
	/** Participant id → when the hand went up; a Map keeps insertion order. */
	readonly #hands = new Map<string, string>();

	/** Returns whether it changed (a hand already up stays in its place). */
	raise(participantId: string, at = new Date()): boolean {
		if (this.#hands.has(participantId)) return false;
		this.#hands.set(participantId, at.toISOString());
		return true;
	}

	lower(participantId: string): boolean {
		return this.#hands.delete(participantId);
	}

	isRaised(participantId: string): boolean {
		return this.#hands.has(participantId);
	}

	views(): RaisedHandView[] {
		return [...this.#hands].map(([participantId, raisedAt]) => ({ participantId, raisedAt }));
	}
}
