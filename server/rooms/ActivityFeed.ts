/**
 * What happens in rooms, told to those who follow it: the moderation
 * timeline (stored, and pushed live to hosts and co-hosts) and webhooks to
 * the owner app, each carrying the room's current card.
 */
import type { ActorView, ModerationEvent } from '../../shared/protocol.js';
import { type AppUser, appIdOf } from '../auth/appTokens.js';
import type { NewModerationEvent, RoomRecord, RoomStore } from '../store/RoomStore.js';
import type { WebhookDispatcher } from '../webhooks/WebhookDispatcher.js';
import type { Participant } from './Participant.js';
import type { RoomManager } from './RoomManager.js';

/** Who acts on a room: its owner app through the API, a person in the room, or the server's own rules. */
export type Actor =
	| { kind: 'app'; user: AppUser }
	| { kind: 'participant'; participant: Participant }
	| { kind: 'system' };

export const SYSTEM: Actor = { kind: 'system' };

export type WebhookEvent = 'room.created' | 'room.started' | 'participant.joined' | 'participant.left'
	| 'room.locked' | 'room.unlocked' | 'room.link_reset' | 'room.ended';

/** The live room card a chat thread shows: "3 people in the room: Ana, Bo, Cy. Join". */
export interface RoomCard {
	id: string;
	title: string;
	status: 'open' | 'ended';
	locked: boolean;
	participantCount: number;
	maxParticipants: number;
	/** First names only, in order of arrival, at most 10. */
	participantNames: string[];
	/** Null once the room has ended. */
	inviteUrl: string | null;
}

const CARD_NAMES = 10;

export function actorView(actor: Actor): ActorView {
	if (actor.kind === 'app') return { kind: 'app', id: actor.user.identity, name: `${actor.user.name} (${actor.user.app.name})` };
	if (actor.kind === 'participant') return { kind: 'participant', id: actor.participant.id, name: actor.participant.name };
	return { kind: 'system', name: 'Rooms' };
}

export function subjectOf(participant: { id: string; name: string }): { id: string; name: string } {
	return { id: participant.id, name: participant.name };
}

export class RoomActivity {
	constructor(
		private readonly store: RoomStore,
		private readonly manager: RoomManager,
		private readonly webhooks: WebhookDispatcher,
		private readonly inviteUrl: (code: string) => string,
	) {}

	/** A line on the timeline, pushed live to the room's hosts and co-hosts. */
	log(roomId: string, actor: Actor, event: Omit<NewModerationEvent, 'actor'>): ModerationEvent {
		const stored = this.store.appendEvent(roomId, { ...event, actor: actorView(actor) });
		this.manager.get(roomId)?.broadcastToModerators('moderation.event', stored);
		return stored;
	}

	/** Queues a webhook to the app that owns the room; rooms made on the landing page have none. */
	notify(record: RoomRecord, type: WebhookEvent, extra: Record<string, unknown> = {}): void {
		this.webhooks.enqueue(appIdOf(record.ownerIdentity), record.id, type, { room: this.card(record), ...extra });
	}

	card(record: RoomRecord): RoomCard {
		const people = this.manager.get(record.id)?.participants() ?? [];
		return {
			id: record.id,
			title: record.title,
			status: record.status,
			locked: record.locked,
			participantCount: people.length,
			maxParticipants: record.maxParticipants,
			participantNames: people.slice(0, CARD_NAMES).map(({ name }) => name.split(/\s+/)[0]!),
			inviteUrl: record.status === 'ended' ? null : this.inviteUrl(record.code),
		};
	}
}
