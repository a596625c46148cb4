/**
 * A live room: its seats and who sits in them, the lobby at its door, the
 * roles of the people inside, and its media.
 *
 * Closure chain: Room.close(reason) turns the lobby away, then closes each
 * Participant (telling its client why, and emitting `participantLeft` so the
 * timeline and webhooks see everyone leave), then its RoomMedia, whose
 * router closes every transport, producer and consumer. A Participant
 * closing closes its ParticipantMedia: its transports, and with them its
 * producers and consumers; consumers of a closed producer are closed by
 * mediasoup and their owners are told `consumer.closed`. A dead worker
 * closes the router, and RoomMedia's `workerClosed` closes the room with
 * MEDIA_FAILURE.
 *
 * Listeners of the room's events cannot throw into it (SafeEmitter): state
 * changes complete before anyone is told.
 */
import { CloseReason } from '../../shared/errors.js';
import type { JoinedRoom, JoinResult, ServerEvents } from '../../shared/protocol.js';
import type { Role } from '../../shared/schemas.js';
import type { ParticipantClaims } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { RoomMedia } from '../media/RoomMedia.js';
import type { RouterPlacement } from '../media/WorkerPool.js';
import { SafeEmitter } from '../SafeEmitter.js';
import type { BarReason, RoomRecord } from '../store/RoomStore.js';
import { admission, type AdmissionDecision, type AdmissionLive, refusal } from './admission.js';
import { Barred, bansFor } from './bans.js';
import { type Door, type DoorPerson, door } from './door.js';
import { RaisedHands } from './RaisedHands.js';
import { Lobby, type LobbyEntry } from './Lobby.js';
import { type JoiningClient, Participant, type ParticipantConnection } from './Participant.js';
import { Roles } from './Roles.js';
import type { RoomEvents, RoomOptions } from './RoomTypes.js';
import { joinedView, settingsView } from './views.js';

export class Room extends SafeEmitter<RoomEvents> {
	readonly id: string;
	readonly logger: Logger;
	readonly media: RoomMedia;
	readonly #options: RoomOptions;
	/** The people waiting at the door. */
	readonly lobby: Lobby;
	readonly roles: Roles;
	readonly #participants = new Map<string, Participant>();
	/** People removed, checked with the store's: a removal counts before its write lands. */
	readonly #removals = new Barred();
	/** People a host turned away at the door: they cannot knock again (loaded from the store when the room opens). */
	readonly #denials = new Barred();
	readonly hands = new RaisedHands();
	/** Whom a host spotlights for everyone; cleared when they leave. */
	#spotlightId: string | null = null;
	/** The dominant speaker and who is audible now, as last told, for people who join later. */
	#activeSpeakerId: string | null = null;
	#speakingIds: string[] = [];
	/** The persisted settings; Moderation replaces them when they change. */
	#record: RoomRecord;
	/** Signalling connections bound to this room, seated, waiting or not yet either. */
	#connections = 0;
	#closed = false;

	static async open(record: RoomRecord, placement: RouterPlacement, options: RoomOptions, logger: Logger): Promise<Room> {
		const roomLogger = logger.child({ roomId: record.id });
		// Read before the room exists: its first join already knows who was turned away (before a restart too).
		const denials = await options.barred.barredOf(record.id, 'denied');
		// And who was appointed co-host, so that they sit down as co-hosts again.
		const cohosts = await options.cohosts.cohostsOf(record.id);
		const room = new Room(record, await RoomMedia.open(placement, options, roomLogger), options, cohosts, roomLogger);
		room.#denials.addBans(denials);
		return room;
	}

	private constructor(record: RoomRecord, media: RoomMedia, options: RoomOptions, cohosts: string[], logger: Logger) {
		super(() => logger);
		this.id = record.id;
		this.#record = record;
		this.media = media;
		this.#options = options;
		this.logger = logger;
		this.roles = new Roles({
			participants: () => this.participants(),
			seated: (id) => this.#participants.get(id),
			roleChanged: (participant, wasModerator) => {
				this.broadcast('participant.updated', participant.view());
				if (participant.isModerator && !wasModerator) participant.send('lobby.updated', { entries: this.lobby.views() });
			},
			succeeded: (participant, role) => this.emit('roleChanged', participant, role),
			hostAway: () => this.emit('hostAway'),
			appointed: (participantId, cohost) => {
				options.cohosts.setCohost(record.id, participantId, cohost).catch((error: unknown) => logger.error({ err: error, participantId }, 'could not keep a co-host appointment'));
			},
		}, cohosts);
		this.lobby = new Lobby({
			isClosed: () => this.#closed,
			// Those in the lobby consented to wait; they count among the waiting already.
			decide: (entry) => this.#decide(entry.claims, { admitted: entry.admitted, wait: true }, 1),
			seat: (entry) => entry.connection.emit('room.admitted', this.#seat(entry.claims, entry.role, entry.client, entry.connection)),
			lobbyChanged: (entries) => this.broadcastToModerators('lobby.updated', { entries }),
		}, options.knockTimeoutMs, logger);
		media.on('workerClosed', () => this.close(CloseReason.MEDIA_FAILURE));
		// Part of the room was on a worker that died: only those people lose their session.
		media.on('participantsLost', (participantIds) => {
			for (const id of participantIds) {
				const participant = this.#participants.get(id);
				if (participant) this.#remove(participant, CloseReason.MEDIA_FAILURE);
			}
		});
		media.on('producerAdded', (producer) => this.broadcast('producer.new', producer, producer.participantId));
		media.on('producerClosed', (event) => {
			if (!this.#closed) this.broadcast('producer.closed', event, event.participantId);
		});
		media.on('producerPaused', (event, paused) => this.broadcast(paused ? 'producer.paused' : 'producer.resumed', event, event.participantId));
		media.on('activeSpeaker', (participantId) => {
			this.#activeSpeakerId = participantId;
			this.broadcast('speaker.active', { participantId });
		});
		media.on('speaking', (participantIds) => {
			this.#speakingIds = participantIds;
			this.broadcast('speaking.changed', { participantIds });
		});
	}

	get closed(): boolean {
		return this.#closed;
	}

	get record(): RoomRecord {
		return this.#record;
	}

	get participantCount(): number {
		return this.#participants.size;
	}

	get hostPresent(): boolean {
		return this.participants().some(({ role }) => role === 'host');
	}

	participants(): Participant[] {
		return [...this.#participants.values()];
	}

	/**
	 * The seat this person already holds, known by their browser key or their
	 * signed-in identity: a second tab or device takes the same seat over.
	 */
	seatOf(person: { gk?: string; identity?: string }): Participant | undefined {
		return this.participants().find(({ claims }) => (person.gk !== undefined && claims.gk === person.gk)
			|| (person.identity !== undefined && claims.identity === person.identity));
	}

	seated(participantId: string): Participant | undefined {
		return this.#participants.get(participantId);
	}

	/** The participant seated through this connection, or NOT_JOINED. */
	participantOn(participantId: string, connection: ParticipantConnection): Participant {
		const participant = this.#participants.get(participantId);
		if (!participant?.isOn(connection)) throw Errors.notJoined();
		return participant;
	}

	/** New settings (Moderation persisted them): tell everyone, and see who can come in now. */
	applyRecord(record: RoomRecord): void {
		if (this.#closed) return;
		this.#record = record;
		this.broadcast('room.updated', settingsView(record));
		this.lobby.promote();
	}

	/** The room as `admission()` sees it now; `waitingBesides` leaves people already waiting out of the count. */
	admissionState(waitingBesides = 0): AdmissionLive {
		return { hostPresent: this.hostPresent, seated: this.#participants.size, waiting: this.lobby.size - waitingBesides, maxWaiting: this.#options.maxLobby };
	}

	/** The door for this person now (door.ts): the room's own barred lists with the store's. */
	door(person: DoorPerson): Promise<Door> {
		return door(person, {
			roomId: this.id,
			code: this.#record.code,
			barred: this.#options.barred,
			live: { removals: this.#removals, denials: this.#denials },
			draining: this.#options.draining(),
			seated: person.pid !== undefined && this.#participants.has(person.pid),
		});
	}

	/** Bars a person for the room's life: at once here, and in the store beyond it (the promise is the store's write). */
	bar(person: ParticipantClaims, reason: BarReason): Promise<void> {
		(reason === 'removed' ? this.#removals : this.#denials).add(person);
		return this.#options.barred.bar(this.id, reason, bansFor(person));
	}

	/** Someone waiting at the door, if they are. */
	waiting(participantId: string): LobbyEntry | undefined {
		return this.lobby.get(participantId);
	}

	/** Turns someone away from the door and bars them: removed by a host, or denied in answer to their knock. */
	turnAway(entry: LobbyEntry, reason: BarReason): Promise<void> {
		const stored = this.bar(entry.claims, reason);
		this.lobby.turnAway(entry, reason === 'removed' ? CloseReason.REMOVED : CloseReason.DENIED);
		return stored;
	}

	/** Answers a knock: a seat now or at the first free one, or turned away and barred. */
	async answerKnock(entry: LobbyEntry, admit: boolean): Promise<void> {
		if (admit) this.lobby.admit(entry);
		else await this.turnAway(entry, 'denied');
	}

	/** Mutes a participant's microphone on the server; resolves whether it was live. Only they can unmute. */
	muteMic(participant: Participant): Promise<boolean> {
		return this.media.muteMic(participant.media);
	}

	#decide(claims: ParticipantClaims, flags: { admitted: boolean; wait: boolean; banned?: boolean }, waitingBesides: number): AdmissionDecision {
		const banned = Boolean(flags.banned) || this.#removals.has(claims);
		// The owner app sent an ingest participant in itself: nobody needs to open the door.
		const admitted = flags.admitted || Boolean(claims.ingest);
		return admission(this.#record, this.admissionState(waitingBesides),
			{ role: this.roles.roleOf(claims), signedIn: Boolean(claims.identity), ...flags, admitted, banned, denied: this.#denials.has(claims) });
	}

	/**
	 * Seats a participant, puts them in the lobby, or refuses, as `admission()`
	 * decides. Synchronous from decision to seat, so concurrent joins can never
	 * exceed the seats. The same participant joining again (a reconnect)
	 * replaces its old session and keeps its seat and role.
	 */
	join(claims: ParticipantClaims, client: JoiningClient, connection: ParticipantConnection,
		options: { wait: boolean; banned: boolean }): JoinResult {
		if (this.#closed) throw Errors.unavailable('the room is closing; join again');
		const previous = this.#participants.get(claims.pid);
		if (previous) {
			// The others keep the person; only the old session's media goes away.
			this.#participants.delete(previous.id);
			previous.close(CloseReason.REPLACED);
			return { status: 'joined', room: this.#seat(claims, previous.role, client, connection, previous) };
		}
		const waiting = this.lobby.replace(claims.pid);
		const admitted = waiting?.admitted ?? false;
		const decision = this.#decide(claims, { admitted, wait: options.wait, banned: options.banned }, 0);
		if (decision.kind === 'refuse') throw refusal(decision.code);
		const role = this.roles.roleOf(claims);
		if (decision.kind === 'seat') {
			const joined = this.#seat(claims, role, client, connection);
			// A host arriving opens the door for those waiting for them.
			if (role === 'host') this.lobby.promote();
			return { status: 'joined', room: joined };
		}
		const entry: LobbyEntry = { claims, role, client, connection, since: waiting?.since ?? new Date(), admitted, reason: decision.reason, position: 0 };
		this.lobby.add(entry);
		return { status: 'waiting', lobby: Lobby.status(entry) };
	}

	#seat(claims: ParticipantClaims, role: Role, client: JoiningClient, connection: ParticipantConnection,
		previous?: Participant): JoinedRoom {
		const hostWasPresent = this.hostPresent;
		const participant = new Participant(claims, role, client, connection, this.logger);
		const others = this.participants();
		this.#participants.set(participant.id, participant);
		participant.logger.info({ seats: this.#participants.size, role, replaced: Boolean(previous) }, 'participant joined');
		const joined = joinedView(participant, others, this.#record, this.lobby, this.hands, {
			spotlightId: this.#spotlightId, activeSpeakerId: this.#activeSpeakerId, speakingIds: this.#speakingIds,
		});
		if (!previous) {
			this.broadcast('participant.joined', participant.view(), participant.id);
			this.emit('participantJoined', participant);
		} else {
			// Back on a new session: the others unmark the tile, check a new visit's identity (a reload makes one),
			// and hand their keys again in an encrypted room (boxes sent while the connection was down were lost).
			this.broadcast('participant.updated', participant.view(), participant.id);
		}
		if (role === 'host' && !hostWasPresent) this.emit('hostReturned');
		else if (participant.owner && !previous) this.roles.ownerReturned();
		return joined;
	}

	/** Frees the participant's seat, unless a reconnect already took it over. */
	leave(participant: Participant, reason: CloseReason): void {
		if (this.#participants.get(participant.id) === participant) this.#remove(participant, reason);
	}

	/**
	 * The connection went away: its place in the lobby goes at once. A seat
	 * goes at once too if the client closed the connection itself; after a
	 * drop (a network blip) it is kept for the reconnect grace, so that the
	 * same person joining again takes it back (see join) without the others
	 * seeing them leave and come back. Nobody else can take a seat being kept.
	 */
	disconnected(participantId: string, connection: ParticipantConnection, dropped: boolean): void {
		this.lobby.disconnected(participantId, connection);
		const participant = this.#participants.get(participantId);
		if (!participant?.isOn(connection)) return;
		if (!dropped || this.#options.reconnectGraceMs <= 0) {
			this.#remove(participant, CloseReason.DISCONNECTED);
			return;
		}
		participant.logger.info({ graceMs: this.#options.reconnectGraceMs }, 'participant dropped; seat kept for a reconnect');
		if (participant.markDropped()) this.broadcast('participant.updated', participant.view(), participant.id);
		// The kept seat holds the room open, as a connection would.
		this.retain();
		const timer = setTimeout(() => {
			if (!this.#closed && participant.isOn(connection)) this.#remove(participant, CloseReason.DISCONNECTED);
			this.release();
		}, this.#options.reconnectGraceMs);
		timer.unref();
	}

	/** Connections hold the room open from the handshake on, so a room whose first participant is still loading is not closed under them. */
	retain(): void {
		this.#connections++;
	}

	release(): void {
		this.#connections--;
		if (this.#connections <= 0 && !this.#closed) this.emit('empty');
	}

	#remove(participant: Participant, reason: CloseReason): void {
		this.#participants.delete(participant.id);
		participant.close(reason);
		this.broadcast('participant.left', { participantId: participant.id, reason });
		this.emit('participantLeft', participant, reason);
		if (participant.role === 'host') this.roles.hostLeft();
		if (this.hands.lower(participant.id)) this.broadcast('hands.updated', { hands: this.hands.views() });
		if (this.#spotlightId === participant.id) this.setSpotlight(null);
		// The others forget a speaker who left by themselves (participant.left); later joiners must not be told of them.
		if (this.#activeSpeakerId === participant.id) this.#activeSpeakerId = null;
		this.#speakingIds = this.#speakingIds.filter((id) => id !== participant.id);
		this.lobby.promote();
	}

	/** What a participant's browser says of its media connection: the others see their tile marked while it cannot get through. */
	mediaHealth(participant: Participant, unreachable: boolean): void {
		if (participant.setMediaUnreachable(unreachable)) this.broadcast('participant.updated', participant.view(), participant.id);
	}

	/** Spotlights a seated participant for everyone, or clears it with null. */
	setSpotlight(participantId: string | null): void {
		if (participantId !== null && !this.#participants.has(participantId)) throw Errors.notFound('participant');
		if (this.#spotlightId === participantId) return;
		this.#spotlightId = participantId;
		this.broadcast('spotlight.changed', { participantId });
	}

	broadcast<E extends keyof ServerEvents>(event: E, payload: ServerEvents[E], exceptId?: string): void {
		for (const participant of this.#participants.values()) {
			if (participant.id !== exceptId) participant.send(event, payload);
		}
	}

	/** Sends to hosts and co-hosts only. */
	broadcastToModerators<E extends keyof ServerEvents>(event: E, payload: ServerEvents[E]): void {
		for (const participant of this.#participants.values()) {
			if (participant.isModerator) participant.send(event, payload);
		}
	}

	/** Closes every participant with `reason`, then the media. Idempotent. */
	close(reason: CloseReason): void {
		if (this.#closed) return;
		this.#closed = true;
		this.lobby.close(reason);
		for (const participant of this.#participants.values()) {
			participant.close(reason);
			this.emit('participantLeft', participant, reason);
		}
		this.#participants.clear();
		this.media.close();
		this.logger.info({ reason }, 'room closed');
		this.emit('close', reason);
	}
}
