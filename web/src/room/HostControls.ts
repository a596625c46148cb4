/**
 * The host and co-host controls, as requests. The server checks the caller's
 * live role; these only ask. A control that fails is never swallowed: the
 * person who clicked is shown a notice with the reason, and the promise
 * resolves undefined.
 */
import type { RoomSettingsPatch } from '../../../shared/schemas.js';
import type { RequestName, RequestPayload, ResponseData } from '../../../shared/requests.js';
import { type SignalingClient, errorCode } from '../signaling/SignalingClient.js';
import type { RoomAction } from './roomState.js';

export class HostControls {
	readonly #signaling: SignalingClient;
	readonly #dispatch: (action: RoomAction) => void;

	constructor(signaling: SignalingClient, dispatch: (action: RoomAction) => void) {
		this.#signaling = signaling;
		this.#dispatch = dispatch;
	}

	async #ask<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<ResponseData<K> | undefined> {
		try {
			return await this.#signaling.request(name, payload);
		} catch (error) {
			this.#dispatch({ type: 'actionFailed', code: errorCode(error) });
			return undefined;
		}
	}

	updateRoom(patch: RoomSettingsPatch) {
		return this.#ask('room.update', patch);
	}

	resetLink() {
		return this.#ask('room.resetLink', {});
	}

	async endRoom() {
		this.#dispatch({ type: 'endingRoom', ending: true });
		const ended = await this.#ask('room.end', {});
		if (ended === undefined) this.#dispatch({ type: 'endingRoom', ending: false });
		return ended;
	}

	remove(participantId: string) {
		return this.#ask('participant.remove', { participantId });
	}

	mute(participantId: string) {
		return this.#ask('participant.mute', { participantId });
	}

	muteEveryone() {
		return this.#ask('participant.muteAll', {});
	}

	setRole(participantId: string, role: 'cohost' | 'guest') {
		return this.#ask('participant.setRole', { participantId, role });
	}

	/** Lowers someone's hand, as when calling on them. */
	lowerHand(participantId: string) {
		return this.#ask('hand.lower', { participantId });
	}

	/** Shows someone large in everyone's view; null clears it. */
	spotlight(participantId: string | null) {
		return this.#ask('room.spotlight', { participantId });
	}

	admit(participantId: string) {
		return this.#ask('lobby.admit', { participantId });
	}

	deny(participantId: string) {
		return this.#ask('lobby.deny', { participantId });
	}

	async loadTimeline(): Promise<void> {
		const answer = await this.#ask('moderation.events', {});
		if (answer) this.#dispatch({ type: 'timeline', events: answer.events });
	}
}
