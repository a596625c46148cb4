/**
 * What happens in rooms, told to those who follow it: the moderation
 * timeline (stored, and pushed live to the room's hosts and co-hosts) and
 * webhooks to the owner app, each carrying the room's current card. It also
 * follows every live room, so joins and leaves (including everyone still
 * seated when a room closes) reach both.
 *
 * On a node of a cluster it keeps who sits where (PresenceStore): a room
 * that moved to this node (its node died, or drained) is logged once as
 * `room.moved`, and the people who come back with it were never away as far
 * as the records go. Closing rooms so that they move (SERVER_SHUTDOWN) records
 * no leaves; whoever does not come back is recorded as left (`node-failure`)
 * by whichever node finds them first (recordStranded).
 */
import type { RoomCard, WebhookEventType } from '../../shared/api.js';
import type { ActorView, ModerationEvent } from '../../shared/protocol.js';
import { type AppUser, appIdOf } from '../auth/appTokens.js';
import type { PresenceStore, SeatedPerson } from '../store/PresenceStore.js';
import type { NewModerationEvent, RoomRecord, RoomStore, TimelineStore } from '../store/RoomStore.js';
import type { WebhookDispatcher } from '../webhooks/WebhookDispatcher.js';
import type { LiveRoomDirectory } from '../rooms/LiveRoomDirectory.js';
import type { Participant } from '../rooms/Participant.js';
import { CloseReason } from '../../shared/errors.js';
import { ChurnCoalescer } from './ChurnCoalescer.js';
import type { Room } from '../rooms/Room.js';

/** Who acts on a room: its owner app through the API, a person in the room, or the server's own rules. */
export type Actor =
	| { kind: 'app'; user: AppUser }
	| { kind: 'participant'; participant: Participant }
	| { kind: 'system' };

export const SYSTEM: Actor = { kind: 'system' };

const CARD_NAMES = 10;
/** Why someone is recorded as gone whose room's node died and who did not come back. */
export const NODE_FAILURE = 'node-failure';

/** A node of a cluster: who sits where is kept across nodes. */
export interface ClusterPresence {
	store: PresenceStore;
	nodeId: string;
}

export function actorView(actor: Actor): ActorView {
	if (actor.kind === 'app') return { kind: 'app', id: actor.user.identity, name: `${actor.user.name} (${actor.user.app.name})` };
	if (actor.kind === 'participant') return { kind: 'participant', id: actor.participant.id, name: actor.participant.name };
	return { kind: 'system', name: 'Rooms' };
}

export function subjectOf(participant: { id: string; name: string }): { id: string; name: string } {
	return { id: participant.id, name: participant.name };
}

export class ActivityFeed {
	/** Writes started by room events, so shutdown can wait for the last `participant.left`. */
	readonly #pending = new Set<Promise<void>>();
	readonly #churn: ChurnCoalescer;
	/** Rooms live here whose move was logged: once per room going live. */
	readonly #moved = new WeakSet<Room>();

	constructor(
		private readonly timeline: TimelineStore,
		private readonly liveRooms: LiveRoomDirectory,
		private readonly webhooks: WebhookDispatcher,
		private readonly inviteUrl: (code: string) => string,
		/** How long a leave waits before it is recorded, in case the person comes straight back. */
		churnWindowMs: number,
		/** Set on a node of a cluster. */
		private readonly presence?: ClusterPresence,
	) {
		this.#churn = new ChurnCoalescer(churnWindowMs);
		liveRooms.on('open', (room) => this.#follow(room));
	}

	/** A line on the timeline, pushed live to the room's hosts and co-hosts once stored; `at` when it happened earlier. */
	async log(roomId: string, actor: Actor, event: Omit<NewModerationEvent, 'actor'>, at?: Date): Promise<ModerationEvent> {
		const stored = await this.timeline.appendEvent(roomId, { ...event, actor: actorView(actor) }, at);
		this.liveRooms.get(roomId)?.broadcastToModerators('moderation.event', stored);
		return stored;
	}

	/** Queues a webhook to the app that owns the room; rooms made on the landing page have none. */
	async notify(record: RoomRecord, type: WebhookEventType, extra: { participant?: { id: string; name: string }; reason?: string } = {},
		people?: readonly { name: string }[]): Promise<void> {
		await this.webhooks.enqueue(appIdOf(record.ownerIdentity), record.id, type, { room: this.card(record, people), ...extra });
	}

	/** The timeline, oldest first, after the event id `after`. */
	events(roomId: string, after: number, limit: number): Promise<ModerationEvent[]> {
		return this.timeline.listEvents(roomId, after, limit);
	}

	/** The room as an app sees it; `people` in it when it is not live here (else those live here). */
	card(record: RoomRecord, people: readonly { name: string }[] = this.liveRooms.get(record.id)?.participants() ?? []): RoomCard {
		return {
			id: record.id,
			title: record.title,
			status: record.status,
			locked: record.locked,
			participantCount: people.length,
			maxParticipants: record.maxParticipants,
			participantNames: people.slice(0, CARD_NAMES).map(({ name }) => name.split(/\s+/)[0]!),
			inviteUrl: record.status === 'ended' ? null : this.inviteUrl(record.code),
			e2ee: record.e2ee,
		};
	}

	/** The first person back on this node of a room that lived on `fromNode`: logged once per room going live here. */
	async #roomMoved(room: Room, fromNode: string): Promise<void> {
		if (this.#moved.has(room)) return;
		this.#moved.add(room);
		room.logger.info({ fromNode }, 'room moved here');
		await this.log(room.id, SYSTEM, { type: 'room.moved', data: { from: fromNode, to: this.presence!.nodeId } });
	}

	/**
	 * People whose room's node died and who did not come back (PresenceStore.takeStranded): each recorded as left.
	 * The webhook's card counts who is in the room now: those live here, or, when it lives on another node (or
	 * nowhere yet), those on the record.
	 */
	async recordStranded(people: SeatedPerson[], rooms: RoomStore): Promise<void> {
		for (const person of people) {
			const subject = { id: person.participantId, name: person.name };
			await this.log(person.roomId, SYSTEM, { type: 'participant.left', subject, data: { reason: NODE_FAILURE } });
			const record = await rooms.getRoom(person.roomId);
			if (!record) continue;
			const elsewhere = this.liveRooms.get(record.id) ? undefined : await this.presence?.store.seatedIn(record.id);
			await this.notify(record, 'participant.left', { participant: subject, reason: NODE_FAILURE }, elsewhere);
		}
	}

	/** Records the leaves still held back, and resolves when the writes started by room events so far are done (or failed). */
	async settled(): Promise<void> {
		this.#churn.flush();
		await Promise.allSettled([...this.#pending]);
	}

	/** Runs a write; its failure reaches the room's emitter (which logs it), and shutdown can wait for it. */
	#track(write: Promise<void>): Promise<void> {
		const pending = write.finally(() => this.#pending.delete(pending));
		this.#pending.add(pending);
		return pending;
	}

	/**
	 * Joins and leaves of a live room, on the timeline and in webhooks. A
	 * failed write is logged; the room goes on. Someone who leaves (or drops
	 * past the reconnect grace) and comes back within the churn window was
	 * never away, as far as the records go.
	 */
	#follow(room: Room): void {
		const churnKey = (participant: Participant) =>
			`${room.id}|${participant.claims.identity ?? participant.claims.gk ?? participant.id}`;
		room.on('participantJoined', (participant) => {
			if (this.#churn.cancel(churnKey(participant))) return;
			const first = room.participantCount === 1;
			const record = room.record;
			return this.#track((async () => {
				const seat = await this.presence?.store.seat({ roomId: room.id, participantId: participant.id, name: participant.name }, this.presence.nodeId);
				if (seat && seat.fromNode !== this.presence!.nodeId) return this.#roomMoved(room, seat.fromNode);
				await this.log(room.id, { kind: 'participant', participant },
					{ type: 'participant.joined', ...(participant.appName ? { data: { verifiedBy: participant.appName } } : {}) });
				if (first) await this.notify(record, 'room.started');
				await this.notify(record, 'participant.joined', { participant: subjectOf(participant) });
			})());
		});
		room.on('participantLeft', (participant, reason) => {
			// The room closes here so that it moves: the person is expected on its next node (or is found stranded).
			if (this.presence && reason === CloseReason.SERVER_SHUTDOWN) return;
			const at = new Date();
			const write = () => void this.#track((async () => {
				await this.presence?.store.unseat(room.id, participant.id);
				await this.log(room.id, { kind: 'participant', participant }, { type: 'participant.left', data: { reason } }, at);
				await this.notify(room.record, 'participant.left', { participant: subjectOf(participant), reason });
			})()).catch((error: unknown) => room.logger.error({ err: error, participantId: participant.id }, 'could not record a leave'));
			// Only a person's own leaving may be held back: a removal, the room's end or a failure is recorded at once.
			if (reason === CloseReason.LEFT || reason === CloseReason.DISCONNECTED) this.#churn.defer(churnKey(participant), write);
			else write();
		});
	}
}
