/**
 * A live room: one mediasoup router, the participants seated on it and the
 * lobby of people waiting at its door.
 *
 * Closure chain: Room.close() turns the lobby away and closes every
 * Participant (telling each client why), then the router, which closes
 * anything left on it. A Participant closing closes its transports, whose
 * producers and consumers close with them; consumers of a closed producer
 * are closed by mediasoup and their owners are told with `consumer.closed`.
 * A dead worker closes the router, which closes the room with MEDIA_FAILURE.
 *
 * Roles: `host` comes from the owner's credentials; hosts appoint co-hosts.
 * When the last host leaves, the longest-serving co-host succeeds them
 * until a host returns; with no co-host the room reports `hostAway`.
 */
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { CloseReason } from '../../shared/errors.js';
import type {
	ConsumerView, JoinedRoom, JoinResult, RoomSettingsView, ServerToClientEvents, TransportView, WaitReason,
} from '../../shared/protocol.js';
import type { MediaSource, Role } from '../../shared/schemas.js';
import type { ParticipantClaims } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RouterPlacement } from '../media/WorkerPool.js';
import type { RoomRecord } from '../store/RoomStore.js';
import { Lobby, type LobbyEntry, admission } from './Lobby.js';
import { Participant, type ParticipantConnection } from './Participant.js';

export interface RoomMediaOptions {
	/** Whether plain (unencrypted) RTP transports may be created, for load tools. */
	plainTransports: boolean;
}

export interface RoomOptions extends RoomMediaOptions {
	/** How long a request to join a locked room waits for an answer. */
	knockTimeoutMs: number;
	/** At most this many people wait in the lobby. */
	maxLobby: number;
}

export interface RoomEvents {
	/** The last connection to the room went away. */
	empty: [];
	close: [CloseReason];
	/** A new seat was taken (not a reconnect). */
	participantJoined: [Participant];
	/** A seat was freed. */
	participantLeft: [Participant, CloseReason];
	/** The room's own role change: a co-host succeeded the last host, or handed back to a returning one. */
	roleChanged: [Participant, Role];
	/** The last host left and no co-host could take over. */
	hostAway: [];
	/** A host is seated again after none was. */
	hostReturned: [];
}

export function settingsView(record: RoomRecord): RoomSettingsView {
	return {
		code: record.code,
		title: record.title,
		audience: record.audience,
		maxParticipants: record.maxParticipants,
		locked: record.locked,
		waitForHost: record.waitForHost,
		autoLockOnRemove: record.autoLockOnRemove,
		expiresAt: record.expiresAt,
	};
}

export class Room extends EventEmitter<RoomEvents> {
	readonly id: string;
	readonly logger: Logger;
	readonly router: types.Router;
	/** The router's worker's WebRtcServer: every WebRTC transport shares its one UDP and one TCP port. */
	readonly #webRtcServer: types.WebRtcServer;
	readonly #plainListenInfo: types.TransportListenInfo;
	readonly #options: RoomOptions;
	readonly #participants = new Map<string, Participant>();
	readonly #lobby: Lobby;
	/** Co-hosts by participant id, in order of appointment; kept across reconnects. */
	readonly #cohosts = new Set<string>();
	readonly #speakerObserver: types.AudioLevelObserver;
	/** The persisted settings; RoomControl replaces them when they change. */
	#record: RoomRecord;
	/** Signalling connections bound to this room, seated, waiting or not yet either. */
	#connections = 0;
	#promoting = false;
	#promoteAgain = false;
	#closed = false;

	static async open(record: RoomRecord, placement: RouterPlacement, options: RoomOptions, logger: Logger): Promise<Room> {
		const speakerObserver = await placement.router.createAudioLevelObserver({ maxEntries: 1, threshold: -60, interval: 800 });
		return new Room(record, placement, speakerObserver, options, logger);
	}

	private constructor(record: RoomRecord, { router, webRtcServer, plainListenInfo }: RouterPlacement,
		speakerObserver: types.AudioLevelObserver, options: RoomOptions, logger: Logger) {
		super();
		this.id = record.id;
		this.#record = record;
		this.router = router;
		this.#webRtcServer = webRtcServer;
		this.#plainListenInfo = plainListenInfo;
		this.#speakerObserver = speakerObserver;
		this.#options = options;
		this.logger = logger.child({ roomId: record.id });
		this.#lobby = new Lobby(options.knockTimeoutMs, (entry) => this.#turnAway(entry, CloseReason.KNOCK_TIMEOUT));
		router.on('workerclose', () => this.close(CloseReason.MEDIA_FAILURE));
		speakerObserver.on('volumes', ([loudest]) => {
			const participantId = loudest && this.#ownerOfProducer(loudest.producer.id)?.id;
			if (participantId) this.broadcast('speaker.active', { participantId });
		});
		speakerObserver.on('silence', () => this.broadcast('speaker.active', { participantId: null }));
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

	/** The seated participant, or undefined. */
	seated(participantId: string): Participant | undefined {
		return this.#participants.get(participantId);
	}

	/** The participant seated through this connection, or NOT_JOINED. */
	participantOn(participantId: string, connection: ParticipantConnection): Participant {
		const participant = this.#participants.get(participantId);
		if (!participant?.isOn(connection)) throw Errors.notJoined();
		return participant;
	}

	/** New settings (RoomControl persisted them): tell everyone, and see who can come in now. */
	applyRecord(record: RoomRecord): void {
		if (this.#closed) return;
		this.#record = record;
		this.broadcast('room.updated', settingsView(record));
		this.#promote();
	}

	/**
	 * Seats a participant, or puts them in the lobby. Synchronous from check
	 * to insert, so concurrent joins can never exceed the room's seats. The
	 * same participant id joining again (a reconnect) replaces its old
	 * session and keeps its seat and role. Without `wait`, a locked or full
	 * room refuses instead of queueing; waiting for the host needs no consent.
	 */
	join(claims: ParticipantClaims, rtpCapabilities: types.RtpCapabilities, connection: ParticipantConnection, wait: boolean): JoinResult {
		if (this.#closed) throw Errors.unavailable('the room is closing; join again');
		if (this.#record.status === 'ended') throw Errors.roomEnded();
		const previous = this.#participants.get(claims.pid);
		if (previous) {
			// The others keep the person; only the old session's media goes away.
			this.#participants.delete(previous.id);
			previous.close(CloseReason.REPLACED);
			return { status: 'joined', room: this.#seat(claims, previous.role, rtpCapabilities, connection, previous) };
		}
		const waiting = this.#lobby.get(claims.pid);
		if (waiting) {
			this.#lobby.delete(waiting);
			waiting.connection.emit('session.closed', { reason: CloseReason.REPLACED });
			waiting.connection.disconnect();
		}
		const role: Role = claims.role === 'host' ? 'host' : this.#cohosts.has(claims.pid) ? 'cohost' : 'guest';
		const admitted = waiting?.admitted ?? false;
		const decision = admission({ role, admitted }, this.#admissionState(), this.#seatFree());
		if (decision === 'seat') {
			const joined = this.#seat(claims, role, rtpCapabilities, connection);
			// A host arriving opens the door for those waiting for them.
			if (role === 'host') this.#promote();
			return { status: 'joined', room: joined };
		}
		if (!wait && !admitted && this.#record.locked && role !== 'host') throw Errors.roomLocked();
		if (!wait && decision === 'queue') throw Errors.roomFull();
		if (this.#lobby.size >= this.#options.maxLobby) throw Errors.roomFull('too many people are waiting to join');

		const entry: LobbyEntry = { claims, role, rtpCapabilities, connection, since: waiting?.since ?? new Date(), admitted, reason: decision, position: 0 };
		this.#lobby.add(entry);
		this.logger.info({ participantId: claims.pid, reason: decision }, 'waiting in the lobby');
		this.#promote();
		return { status: 'waiting', lobby: Lobby.status(entry) };
	}

	#admissionState() {
		return { hostPresent: this.hostPresent, locked: this.#record.locked, waitForHost: this.#record.waitForHost };
	}

	#seatFree(): boolean {
		return this.#participants.size < this.#record.maxParticipants;
	}

	#seat(claims: ParticipantClaims, role: Role, rtpCapabilities: types.RtpCapabilities, connection: ParticipantConnection,
		previous?: Participant): JoinedRoom {
		const hostWasPresent = this.hostPresent;
		const participant = new Participant(claims, role, rtpCapabilities, connection, this.logger);
		const others = this.participants();
		this.#participants.set(participant.id, participant);
		participant.logger.info({ seats: this.#participants.size, role, replaced: Boolean(previous) }, 'participant joined');
		if (!previous) {
			this.broadcast('participant.joined', participant.view(), participant.id);
			this.emit('participantJoined', participant);
		}
		if (role === 'host' && !hostWasPresent) this.emit('hostReturned');
		else if (participant.owner && !previous) this.#handBack();
		return {
			self: participant.view(),
			participants: others.map((other) => other.view()),
			producers: others.flatMap((other) => other.producerViews()),
			settings: settingsView(this.#record),
			lobby: participant.isModerator ? this.#lobby.views() : [],
		};
	}

	/** The owner is back: a co-host who stood in as host steps back to co-host. */
	#handBack(): void {
		for (const standIn of this.participants()) {
			if (standIn.role === 'host' && !standIn.owner) {
				this.setRole(standIn, 'cohost');
				this.emit('roleChanged', standIn, 'cohost');
			}
		}
	}

	/** Frees the participant's seat, unless a reconnect already took it over. */
	leave(participant: Participant, reason: CloseReason): void {
		if (this.#participants.get(participant.id) === participant) this.#remove(participant, reason);
	}

	/** The connection went away: free its seat or its place in the lobby. */
	disconnected(participantId: string, connection: ParticipantConnection): void {
		const participant = this.#participants.get(participantId);
		if (participant?.isOn(connection)) this.#remove(participant, CloseReason.DISCONNECTED);
		const waiting = this.#lobby.get(participantId);
		if (waiting?.connection === connection) {
			this.#lobby.delete(waiting);
			this.#promote();
		}
	}

	/**
	 * Connections hold the room open from the handshake on, so a room whose
	 * first participant is still loading is not closed under them.
	 */
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
		if (participant.role === 'host' && !this.hostPresent) this.#succeed();
		this.#promote();
	}

	/** The last host left: the longest-serving co-host takes over, or the room is host-less. */
	#succeed(): void {
		const successor = [...this.#cohosts].map((id) => this.#participants.get(id)).find((candidate) => candidate?.role === 'cohost');
		if (!successor) {
			this.emit('hostAway');
			return;
		}
		this.setRole(successor, 'host');
		this.emit('roleChanged', successor, 'host');
	}

	/** Appoints or dismisses a co-host, or moves the host role on succession (which emits `roleChanged`). */
	setRole(participant: Participant, role: Role): void {
		if (participant.role === role) return;
		const wasModerator = participant.isModerator;
		participant.role = role;
		if (role === 'cohost') this.#cohosts.add(participant.id);
		if (role === 'guest') this.#cohosts.delete(participant.id);
		this.broadcast('participant.updated', participant.view());
		if (participant.isModerator && !wasModerator) participant.send('lobby.updated', { entries: this.#lobby.views() });
	}

	/** Pauses the participant's microphone and tells them who did. Returns whether it was live. */
	async muteMic(participant: Participant, by: string): Promise<boolean> {
		const mic = participant.liveMic();
		if (!mic) return false;
		await mic.pause();
		this.broadcast('producer.paused', { producerId: mic.id, participantId: participant.id }, participant.id);
		participant.send('moderation.muted', { by });
		return true;
	}

	waiting(participantId: string): LobbyEntry | undefined {
		return this.#lobby.get(participantId);
	}

	isWaitingOn(participantId: string, connection: ParticipantConnection): boolean {
		return this.#lobby.get(participantId)?.connection === connection;
	}

	/** A host lets a waiting person in; they take a seat now, or the first free one. */
	admit(entry: LobbyEntry): void {
		entry.admitted = true;
		this.#promote();
	}

	deny(entry: LobbyEntry): void {
		this.#turnAway(entry, CloseReason.DENIED);
	}

	#turnAway(entry: LobbyEntry, reason: CloseReason): void {
		this.#lobby.delete(entry);
		entry.connection.emit('session.closed', { reason });
		entry.connection.disconnect();
		this.logger.info({ participantId: entry.claims.pid, reason }, 'turned away from the lobby');
		this.#sendLobby();
	}

	/**
	 * Re-decides the lobby in arrival order after anything that can change it
	 * (a seat freed, a lock, a host arriving, an admission). Re-entrant calls
	 * (seating someone can unlock the room) run once more at the end.
	 */
	#promote(): void {
		if (this.#promoting) {
			this.#promoteAgain = true;
			return;
		}
		this.#promoting = true;
		try {
			do {
				this.#promoteAgain = false;
				this.#promoteOnce();
			} while (this.#promoteAgain && !this.#closed);
		} finally {
			this.#promoting = false;
		}
	}

	#promoteOnce(): void {
		let changed = false;
		const positions: Record<WaitReason, number> = { host: 0, knock: 0, queue: 0 };
		for (const entry of this.#lobby.entries()) {
			if (this.#closed) return;
			const decision = admission(entry, this.#admissionState(), this.#seatFree());
			if (decision === 'seat') {
				this.#lobby.delete(entry);
				const joined = this.#seat(entry.claims, entry.role, entry.rtpCapabilities, entry.connection);
				entry.connection.emit('room.admitted', joined);
				changed = true;
				continue;
			}
			positions[decision]++;
			if (this.#lobby.update(entry, decision, positions[decision])) {
				entry.connection.emit('lobby.status', Lobby.status(entry));
				changed = true;
			}
		}
		if (changed) this.#sendLobby();
	}

	#sendLobby(): void {
		const entries = this.#lobby.views();
		for (const participant of this.#participants.values()) {
			if (participant.isModerator) participant.send('lobby.updated', { entries });
		}
	}

	broadcast<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0], exceptId?: string): void {
		for (const participant of this.#participants.values()) {
			if (participant.id !== exceptId) (participant.send as (e: E, p: typeof payload) => void)(event, payload);
		}
	}

	/** Sends to hosts and co-hosts only. */
	broadcastToModerators<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
		for (const participant of this.#participants.values()) {
			if (participant.isModerator) (participant.send as (e: E, p: typeof payload) => void)(event, payload);
		}
	}

	async createTransport(participant: Participant, direction: 'send' | 'recv', type: 'webrtc' | 'plain'): Promise<TransportView> {
		if (type === 'plain') {
			if (!this.#options.plainTransports) throw Errors.forbidden('plain RTP transports are disabled on this server');
			const transport = await this.router.createPlainTransport({
				listenInfo: this.#plainListenInfo,
				rtcpMux: true,
				// A sender is found by the first packet it sends; a receiver says where to send.
				comedia: direction === 'send',
				appData: { direction, type },
			});
			this.#adopt(participant, transport);
			return { id: transport.id, type, ip: transport.tuple.localIp, port: transport.tuple.localPort };
		}
		const transport = await this.router.createWebRtcTransport({
			webRtcServer: this.#webRtcServer,
			enableUdp: true,
			enableTcp: true,
			preferUdp: true,
			initialAvailableOutgoingBitrate: 1_000_000,
			appData: { direction, type },
		});
		this.#adopt(participant, transport);
		return {
			id: transport.id,
			type,
			iceParameters: transport.iceParameters,
			iceCandidates: transport.iceCandidates,
			dtlsParameters: transport.dtlsParameters,
		};
	}

	#adopt(participant: Participant, transport: types.Transport): void {
		// The participant may have left while the worker was creating the transport.
		if (participant.closed) {
			transport.close();
			throw Errors.notJoined();
		}
		participant.addTransport(transport);
	}

	async connectTransport(participant: Participant, transportId: string,
		params: { dtlsParameters?: types.DtlsParameters; ip?: string; port?: number }): Promise<void> {
		const transport = participant.transport(transportId);
		if (transport.appData.type === 'plain') {
			if (transport.appData.direction !== 'recv' || !params.ip || !params.port) {
				throw Errors.invalidPayload('plain receive transports connect with ip and port');
			}
			await transport.connect({ ip: params.ip, port: params.port });
			return;
		}
		if (!params.dtlsParameters) throw Errors.invalidPayload('dtlsParameters required');
		await transport.connect({ dtlsParameters: params.dtlsParameters });
	}

	async restartIce(participant: Participant, transportId: string): Promise<{ iceParameters: unknown }> {
		const transport = participant.transport(transportId);
		if (transport.appData.type !== 'webrtc') throw Errors.invalidPayload('not a WebRTC transport');
		return { iceParameters: await (transport as types.WebRtcTransport).restartIce() };
	}

	async produce(participant: Participant, request: { transportId: string; kind: 'audio' | 'video'; source: MediaSource;
		rtpParameters: types.RtpParameters; paused: boolean }): Promise<{ id: string }> {
		const transport = participant.transport(request.transportId);
		if (transport.appData.direction !== 'send') throw Errors.invalidPayload('produce on a send transport');
		if ((request.source === 'mic') !== (request.kind === 'audio')) throw Errors.invalidPayload('mic is audio; camera and screen are video');
		const existing = [...participant.producers.values()].find(({ source }) => source === request.source);
		if (existing) throw Errors.invalidPayload(`already producing ${request.source}`);

		const producer = await transport.produce({
			kind: request.kind,
			rtpParameters: request.rtpParameters,
			paused: request.paused,
			appData: { source: request.source },
		});
		if (participant.closed) {
			producer.close();
			throw Errors.notJoined();
		}
		participant.addProducer(producer, request.source);
		if (producer.kind === 'audio') {
			await this.#speakerObserver.addProducer({ producerId: producer.id }).catch((error: unknown) =>
				participant.logger.warn({ err: error }, 'could not observe audio level'));
		}
		const view = participant.producerViews().find(({ id }) => id === producer.id)!;
		this.broadcast('producer.new', view, participant.id);
		producer.observer.once('close', () => {
			if (!this.#closed) this.broadcast('producer.closed', { producerId: producer.id, participantId: participant.id }, participant.id);
		});
		participant.logger.debug({ producerId: producer.id, source: request.source }, 'producing');
		return { id: producer.id };
	}

	/** Mute and unmute: pausing a producer stops its media for everyone. */
	async setProducerPaused(participant: Participant, producerId: string, paused: boolean): Promise<void> {
		const { producer } = participant.producer(producerId);
		if (paused) await producer.pause();
		else await producer.resume();
		this.broadcast(paused ? 'producer.paused' : 'producer.resumed', { producerId, participantId: participant.id }, participant.id);
	}

	closeProducer(participant: Participant, producerId: string): void {
		participant.producer(producerId).producer.close();
	}

	async consume(participant: Participant, transportId: string, producerId: string): Promise<ConsumerView> {
		const transport = participant.transport(transportId);
		if (transport.appData.direction !== 'recv') throw Errors.invalidPayload('consume on a receive transport');
		const owner = this.#ownerOfProducer(producerId);
		if (!owner || owner === participant) throw Errors.notFound('producer');
		if (!this.router.canConsume({ producerId, rtpCapabilities: participant.rtpCapabilities })) {
			throw Errors.invalidPayload('your device cannot receive this codec');
		}
		// Created paused: the client resumes it once its consumer exists and can
		// play, so no media (and no keyframe) is wasted before it is ready.
		const consumer = await transport.consume({ producerId, rtpCapabilities: participant.rtpCapabilities, paused: true });
		if (participant.closed) {
			consumer.close();
			throw Errors.notJoined();
		}
		participant.addConsumer(consumer);
		return {
			id: consumer.id,
			producerId,
			participantId: owner.id,
			kind: consumer.kind,
			rtpParameters: consumer.rtpParameters,
			type: consumer.type,
			producerPaused: consumer.producerPaused,
		};
	}

	async resumeConsumer(participant: Participant, consumerId: string): Promise<void> {
		await participant.consumer(consumerId).resume();
	}

	#ownerOfProducer(producerId: string): Participant | undefined {
		return this.participants().find((participant) => participant.producers.has(producerId));
	}

	/** Closes every participant with `reason`, then the router. Idempotent. */
	close(reason: CloseReason): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#lobby.close(reason);
		for (const participant of this.#participants.values()) participant.close(reason);
		this.#participants.clear();
		this.router.close();
		this.logger.info({ reason }, 'room closed');
		this.emit('close', reason);
	}
}
