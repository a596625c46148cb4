/**
 * A live room: one mediasoup router and the participants seated on it.
 *
 * Closure chain: Room.close() closes every Participant (telling each client
 * why), then the router, which closes anything left on it. A Participant
 * closing closes its transports, whose producers and consumers close with
 * them; consumers of a closed producer are closed by mediasoup and their
 * owners are told with `consumer.closed`. A dead worker closes the router,
 * which closes the room with MEDIA_FAILURE.
 */
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { CloseReason } from '../../shared/errors.js';
import type { ConsumerView, JoinedRoom, ServerToClientEvents, TransportView } from '../../shared/protocol.js';
import type { MediaSource } from '../../shared/schemas.js';
import type { ParticipantClaims } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RoomRecord } from '../store/RoomStore.js';
import { Participant, type ParticipantConnection } from './Participant.js';

export interface RoomMediaOptions {
	listenIps: { ip: string; announcedIp?: string }[];
	/** Whether plain (unencrypted) RTP transports may be created, for load tools. */
	plainTransports: boolean;
}

export interface RoomEvents {
	/** The last connection to the room went away. */
	empty: [];
	close: [CloseReason];
}

export class Room extends EventEmitter<RoomEvents> {
	readonly id: string;
	readonly logger: Logger;
	readonly router: types.Router;
	readonly #options: RoomMediaOptions;
	readonly #participants = new Map<string, Participant>();
	readonly #speakerObserver: types.AudioLevelObserver;
	/** The persisted settings as they were when the room went live. */
	readonly #record: RoomRecord;
	/** Signalling connections bound to this room, joined or not yet. */
	#connections = 0;
	#closed = false;

	static async open(record: RoomRecord, router: types.Router, options: RoomMediaOptions, logger: Logger): Promise<Room> {
		const speakerObserver = await router.createAudioLevelObserver({ maxEntries: 1, threshold: -60, interval: 800 });
		return new Room(record, router, speakerObserver, options, logger);
	}

	private constructor(record: RoomRecord, router: types.Router, speakerObserver: types.AudioLevelObserver,
		options: RoomMediaOptions, logger: Logger) {
		super();
		this.id = record.id;
		this.#record = record;
		this.router = router;
		this.#speakerObserver = speakerObserver;
		this.#options = options;
		this.logger = logger.child({ roomId: record.id });
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

	participants(): Participant[] {
		return [...this.#participants.values()];
	}

	participant(participantId: string): Participant {
		const participant = this.#participants.get(participantId);
		if (!participant) throw Errors.notJoined();
		return participant;
	}

	/**
	 * Seats a participant. Synchronous from check to insert, so concurrent
	 * joins can never exceed the room's seats. The same participant id
	 * joining again (a reconnect) replaces its old session and keeps its seat.
	 */
	join(claims: ParticipantClaims, rtpCapabilities: types.RtpCapabilities, connection: ParticipantConnection): JoinedRoom {
		if (this.#closed) throw Errors.unavailable('the room is closing; join again');
		if (this.#record.status === 'ended') throw Errors.roomEnded();
		const previous = this.#participants.get(claims.pid);
		if (!previous) {
			if (this.#record.locked && claims.role !== 'host') throw Errors.roomLocked();
			if (this.#participants.size >= this.#record.maxParticipants) throw Errors.roomFull();
		}
		if (previous) {
			// The others keep the person; only the old session's media goes away.
			this.#participants.delete(previous.id);
			previous.close(CloseReason.REPLACED);
		}

		const participant = new Participant(claims, rtpCapabilities, connection, this.logger);
		const others = this.participants();
		this.#participants.set(participant.id, participant);
		if (!previous) this.broadcast('participant.joined', participant.view(), participant.id);
		participant.logger.info({ seats: this.#participants.size, replaced: Boolean(previous) }, 'participant joined');
		return {
			self: participant.view(),
			participants: others.map((other) => other.view()),
			producers: others.flatMap((other) => other.producerViews()),
		};
	}

	/** Frees the participant's seat, unless a reconnect already took it over. */
	leave(participant: Participant, reason: CloseReason): void {
		if (this.#participants.get(participant.id) === participant) this.#remove(participant, reason);
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
	}

	broadcast<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0], exceptId?: string): void {
		for (const participant of this.#participants.values()) {
			if (participant.id !== exceptId) (participant.send as (e: E, p: typeof payload) => void)(event, payload);
		}
	}

	async createTransport(participant: Participant, direction: 'send' | 'recv', type: 'webrtc' | 'plain'): Promise<TransportView> {
		if (type === 'plain') {
			if (!this.#options.plainTransports) throw Errors.forbidden('plain RTP transports are disabled on this server');
			const transport = await this.router.createPlainTransport({
				listenIp: this.#options.listenIps[0]!,
				rtcpMux: true,
				// A sender is found by the first packet it sends; a receiver says where to send.
				comedia: direction === 'send',
				appData: { direction, type },
			});
			this.#adopt(participant, transport);
			return { id: transport.id, type, ip: transport.tuple.localIp, port: transport.tuple.localPort };
		}
		const transport = await this.router.createWebRtcTransport({
			listenIps: this.#options.listenIps,
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
		for (const participant of this.#participants.values()) participant.close(reason);
		this.#participants.clear();
		this.router.close();
		this.logger.info({ reason }, 'room closed');
		this.emit('close', reason);
	}
}
