/**
 * The server's events, into the visit: most are store actions (what the UI
 * shows); the rest go to the part of the visit they concern.
 */
import type { CloseReason } from '../../../shared/errors.js';
import type { JoinedRoom, ProducerView, RelayedChatMessage } from '../../../shared/protocol.js';
import type { Reaction } from '../../../shared/schemas.js';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import type { RoomStateStore } from './RoomStateStore.js';

export interface RoomEventTargets {
	/** Someone started sending (already in the store). */
	producerAdded(producer: ProducerView): void;
	/** Someone unmuted their microphone: muted ones are not received until then. */
	micUnmuted(producerId: string): void;
	/** A producer, or this person's consumer of it, is gone. */
	producerGone(producerId: string): void;
	sessionClosed(reason: CloseReason): void;
	/** A seat, after waiting in the lobby. */
	admitted(room: JoinedRoom): void;
	/** The room's link was reset: tokens issued under the old one no longer open it. */
	linkReset(): void;
	/** A host muted this person. */
	mutedBy(name: string): void;
	/** Reactions and chat messages (in clear or sealed). */
	interactions: {
		reacted(participantId: string, emoji: Reaction): void;
		received(message: RelayedChatMessage): void;
	};
}

export function followRoomEvents(signaling: SignalingClient, store: RoomStateStore, targets: RoomEventTargets): void {
	const { dispatch } = store;
	signaling.on('participant.joined', (participant) => dispatch({ type: 'participantJoined', participant }));
	signaling.on('participant.left', ({ participantId, reason }) => dispatch({ type: 'participantLeft', participantId, reason }));
	signaling.on('participant.updated', (participant) => dispatch({ type: 'participantUpdated', participant }));
	signaling.on('producer.new', (producer) => {
		dispatch({ type: 'producerAdded', producer });
		targets.producerAdded(producer);
	});
	signaling.on('producer.closed', ({ producerId }) => targets.producerGone(producerId));
	signaling.on('consumer.closed', ({ producerId }) => targets.producerGone(producerId));
	signaling.on('producer.paused', ({ producerId }) => dispatch({ type: 'producerPaused', producerId, paused: true }));
	signaling.on('producer.resumed', ({ producerId, participantId }) => {
		dispatch({ type: 'producerPaused', producerId, paused: false });
		const participant = store.state.participants.find(({ id }) => id === participantId);
		if (participant?.producers.some(({ id, source }) => id === producerId && source === 'mic')) targets.micUnmuted(producerId);
	});
	signaling.on('speaker.active', ({ participantId }) => dispatch({ type: 'activeSpeaker', participantId }));
	signaling.on('speaking.changed', ({ participantIds }) => dispatch({ type: 'speaking', participantIds }));
	signaling.on('spotlight.changed', ({ participantId }) => dispatch({ type: 'spotlight', participantId }));
	signaling.on('chat.message', (message) => targets.interactions.received(message));
	signaling.on('hands.updated', ({ hands }) => dispatch({ type: 'hands', hands }));
	signaling.on('reaction', ({ participantId, emoji }) => targets.interactions.reacted(participantId, emoji));
	signaling.on('server.draining', ({ deadline }) => dispatch({ type: 'draining', deadline }));
	signaling.on('session.closed', ({ reason }) => targets.sessionClosed(reason));
	signaling.on('lobby.status', (status) => dispatch({ type: 'waiting', status }));
	signaling.on('room.admitted', (room) => targets.admitted(room));
	signaling.on('room.updated', (settings) => {
		if (store.state.settings && settings.code !== store.state.settings.code) targets.linkReset();
		dispatch({ type: 'settings', settings });
	});
	signaling.on('lobby.updated', ({ entries }) => dispatch({ type: 'lobby', entries }));
	signaling.on('moderation.event', (event) => dispatch({ type: 'timeline', events: [event] }));
	signaling.on('moderation.muted', ({ by }) => targets.mutedBy(by));
}
