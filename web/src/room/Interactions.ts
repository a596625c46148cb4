/** What people do in a call besides media: chat, raised hands and reactions. */
import type { Reaction } from '../../../shared/schemas.js';
import { type SignalingClient, errorCode } from '../signaling/SignalingClient.js';
import { reporting } from './reporting.js';
import type { RoomStateStore } from './RoomStateStore.js';

/** How long a reaction floats over its sender's tile. */
const REACTION_MS = 4000;

export class Interactions {
	#reactionSerial = 0;

	constructor(private readonly signaling: SignalingClient, private readonly store: RoomStateStore) {}

	/** Someone's reaction arrived (oneself included): it floats over their tile for a moment. */
	reacted(participantId: string, emoji: Reaction): void {
		const id = ++this.#reactionSerial;
		this.store.dispatch({ type: 'reaction', id, participantId, emoji });
		setTimeout(() => this.store.dispatch({ type: 'reactionExpired', id }), REACTION_MS);
	}

	/** Raises or lowers one's own hand; the answer is the new queue. */
	setHandRaised(raised: boolean): Promise<void> {
		return reporting(this.store, (async () => {
			const { hands } = await this.signaling.request(raised ? 'hand.raise' : 'hand.lower', {});
			this.store.dispatch({ type: 'hands', hands });
		})());
	}

	/** Sends a reaction; everyone (oneself included) sees it float over one's tile. */
	react(emoji: Reaction): Promise<void> {
		return reporting(this.store, this.signaling.request('reaction.send', { emoji }));
	}

	/** Sends a chat message; resolves whether it was sent (a failure is shown as a notice). */
	async sendChat(text: string, to?: string): Promise<boolean> {
		try {
			const message = await this.signaling.request('chat.send', { text, ...(to ? { to } : {}) });
			this.store.dispatch({ type: 'chat', message });
			return true;
		} catch (error) {
			this.store.dispatch({ type: 'actionFailed', code: errorCode(error) });
			return false;
		}
	}
}
