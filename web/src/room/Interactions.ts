/** What people do in a call besides media: chat, raised hands and reactions. */
import type { RelayedChatMessage } from '../../../shared/protocol.js';
import type { Reaction } from '../../../shared/schemas.js';
import { type SignalingClient, errorCode } from '../signaling/SignalingClient.js';
import { reporting } from './reporting.js';
import type { RoomStateStore } from './RoomStateStore.js';

/** How long a reaction floats over its sender's tile. */
const REACTION_MS = 4000;

/** Seals and opens chat in an end-to-end encrypted room (E2eeSession). */
export interface ChatSealer {
	sealChat(text: string, to?: string): Promise<string>;
	openChat(message: RelayedChatMessage & { box: string }): Promise<string | undefined>;
}

export class Interactions {
	#reactionSerial = 0;
	#sealer: ChatSealer | undefined;

	constructor(private readonly signaling: SignalingClient, private readonly store: RoomStateStore) {}

	/** Someone's reaction arrived (oneself included): it floats over their tile for a moment. */
	reacted(participantId: string, emoji: Reaction): void {
		const id = ++this.#reactionSerial;
		this.store.dispatch({ type: 'reaction', id, participantId, emoji });
		setTimeout(() => this.store.dispatch({ type: 'reactionExpired', id }), REACTION_MS);
	}

	/** In an end-to-end encrypted room, chat is sealed from now on. */
	sealChatWith(sealer: ChatSealer): void {
		this.#sealer = sealer;
	}

	/** A chat message arrived: shown as it came, or opened first; one that does not open says so. */
	received(message: RelayedChatMessage): void {
		if (message.box === undefined) {
			this.store.dispatch({ type: 'chat', message });
			return;
		}
		const { box, ...rest } = message;
		const opening = this.#sealer ? this.#sealer.openChat({ ...message, box }) : Promise.resolve(undefined);
		void opening.catch(() => undefined).then((text) => this.store.dispatch({ type: 'chat', message: { ...rest, text: text ?? '', ...(text === undefined ? { unreadable: true as const } : {}) } }));
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
			const content = this.#sealer ? { box: await this.#sealer.sealChat(text, to) } : { text };
			const { box: _sealed, ...sent } = await this.signaling.request('chat.send', { ...content, ...(to ? { to } : {}) });
			// One's own message is shown as written: a sealed one need not be opened again.
			this.store.dispatch({ type: 'chat', message: { ...sent, text } });
			return true;
		} catch (error) {
			this.store.dispatch({ type: 'actionFailed', code: errorCode(error) });
			return false;
		}
	}
}
