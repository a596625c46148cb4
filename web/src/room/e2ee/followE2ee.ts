/**
 * Starts a visit's end-to-end encryption and keeps it in step with the room:
 * people seated, joining, changing visit (a reload brings a new identity) and
 * leaving; key boxes relayed by the server; what the store shows (who is not
 * verified, whose media does not open); and the media session, whose frames
 * go through the session's worker from the first one.
 */
import type { SignalingClient } from '../../signaling/SignalingClient.js';
import type { Interactions } from '../Interactions.js';
import type { MediaSession } from '../MediaSession.js';
import type { RoomStateStore } from '../RoomStateStore.js';
import { E2eeSession } from './E2eeSession.js';

export type { E2eeSession };

/** The participant id a participant token names (its payload, read without checking: the server does that). */
export function participantIdOf(token: string): string {
	const payload = token.split('.')[1] ?? '';
	return (JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { pid: string }).pid;
}

/**
 * `failed` is told when the frame worker died or broke: every tile shows
 * "Can't decrypt" until the caller has restarted the session and joined again.
 */
export async function followE2ee(seed: { secret: string; participantId: string }, signaling: SignalingClient, store: RoomStateStore,
	media: MediaSession, interactions: Interactions, failed: (reason: string) => void): Promise<E2eeSession> {
	const { dispatch } = store;
	const session = await E2eeSession.create(seed.secret, seed.participantId, {
		send: async (to, box) => {
			await signaling.request('e2ee.send', { to, box });
		},
		verified: (participantId, verified) => dispatch({ type: 'verified', participantId, verified }),
		keyArrived: (participantId) => media.requestKeyFrames(participantId),
		decrypting: (participantId, _kind, ok) => dispatch({ type: 'decrypting', participantId, ok }),
		failed: (reason) => {
			for (const { id } of store.state.participants) if (id !== store.state.self?.id) dispatch({ type: 'decrypting', participantId: id, ok: false });
			failed(reason);
		},
	});
	media.protectFrames(session);
	interactions.sealChatWith(session);
	// The session takes them one at a time, in the order they came.
	signaling.on('participant.joined', (participant) => void session.joined(participant).catch(() => undefined));
	signaling.on('participant.updated', (participant) => void session.seen(participant).catch(() => undefined));
	signaling.on('participant.left', ({ participantId }) => void session.left(participantId).catch(() => undefined));
	signaling.on('e2ee.message', ({ from, box }) => void session.received(from, box).catch(() => undefined));
	return session;
}
