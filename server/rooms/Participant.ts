/**
 * One person's seat in a live room. Owns their transports, producers and
 * consumers; closing a transport closes what runs on it (mediasoup cascades),
 * and closing the participant closes every transport.
 */
import type { types } from 'mediasoup';
import { CloseReason } from '../../shared/errors.js';
import type { ParticipantView, ProducerView, ServerToClientEvents } from '../../shared/protocol.js';
import type { MediaSource, Role } from '../../shared/schemas.js';
import type { ParticipantClaims } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';

/** How the domain talks to a participant's client; Socket.IO implements it. */
export interface ParticipantConnection {
	emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
	disconnect(): void;
}

export interface ProducerEntry {
	producer: types.Producer;
	source: MediaSource;
}

export class Participant {
	readonly id: string;
	readonly name: string;
	/** The live role; co-hosts are appointed, and a co-host can succeed an absent host. */
	role: Role;
	/** Whether this person holds the owner's credentials (host link or owner app), whatever their live role. */
	readonly owner: boolean;
	readonly claims: ParticipantClaims;
	readonly identity: string | undefined;
	readonly appName: string | undefined;
	readonly joinedAt = new Date();
	readonly logger: Logger;
	/** What the client can receive; consumers are created only for codecs it supports. */
	readonly rtpCapabilities: types.RtpCapabilities;
	readonly transports = new Map<string, types.Transport>();
	readonly producers = new Map<string, ProducerEntry>();
	readonly consumers = new Map<string, types.Consumer>();
	readonly #connection: ParticipantConnection;
	#closed = false;

	constructor(claims: ParticipantClaims, role: Role, rtpCapabilities: types.RtpCapabilities, connection: ParticipantConnection, logger: Logger) {
		this.id = claims.pid;
		this.name = claims.name;
		this.role = role;
		this.owner = claims.role === 'host';
		this.claims = claims;
		this.identity = claims.identity;
		this.appName = claims.appName;
		this.rtpCapabilities = rtpCapabilities;
		this.#connection = connection;
		this.logger = logger.child({ participantId: this.id });
	}

	get closed(): boolean {
		return this.#closed;
	}

	get isModerator(): boolean {
		return this.role === 'host' || this.role === 'cohost';
	}

	/** Whether this seat belongs to that signalling connection (and not to a newer session of the same person). */
	isOn(connection: ParticipantConnection): boolean {
		return this.#connection === connection && !this.#closed;
	}

	/** The unpaused microphone producer, if any. */
	liveMic(): types.Producer | undefined {
		return [...this.producers.values()].find(({ source, producer }) => source === 'mic' && !producer.paused)?.producer;
	}

	view(): ParticipantView {
		return {
			id: this.id,
			name: this.name,
			role: this.role,
			...(this.identity ? { identity: this.identity } : {}),
			...(this.appName ? { appName: this.appName } : {}),
			joinedAt: this.joinedAt.toISOString(),
		};
	}

	producerViews(): ProducerView[] {
		return [...this.producers.values()].map(({ producer, source }) => ({
			id: producer.id,
			participantId: this.id,
			kind: producer.kind,
			source,
			paused: producer.paused,
		}));
	}

	send<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
		if (!this.#closed) this.#connection.emit(event, ...args);
	}

	/** Looks an id up among this participant's own objects only. */
	transport(transportId: string): types.Transport {
		const transport = this.transports.get(transportId);
		if (!transport) throw Errors.notFound('transport');
		return transport;
	}

	producer(producerId: string): ProducerEntry {
		const entry = this.producers.get(producerId);
		if (!entry) throw Errors.notFound('producer');
		return entry;
	}

	consumer(consumerId: string): types.Consumer {
		const consumer = this.consumers.get(consumerId);
		if (!consumer) throw Errors.notFound('consumer');
		return consumer;
	}

	addTransport(transport: types.Transport): void {
		this.transports.set(transport.id, transport);
		transport.observer.once('close', () => this.transports.delete(transport.id));
	}

	addProducer(producer: types.Producer, source: MediaSource): void {
		this.producers.set(producer.id, { producer, source });
		producer.observer.once('close', () => this.producers.delete(producer.id));
	}

	addConsumer(consumer: types.Consumer): void {
		this.consumers.set(consumer.id, consumer);
		consumer.observer.once('close', () => this.consumers.delete(consumer.id));
		// The producer went away (its owner left or stopped sharing): mediasoup closed the consumer.
		consumer.once('producerclose', () => this.send('consumer.closed', { consumerId: consumer.id, producerId: consumer.producerId }));
	}

	/**
	 * Closes every transport (and so every producer and consumer). The client
	 * is told why, then disconnected, unless it is already gone.
	 */
	close(reason: CloseReason): void {
		if (this.#closed) return;
		if (reason !== CloseReason.DISCONNECTED) {
			this.#connection.emit('session.closed', { reason });
			this.#connection.disconnect();
		}
		this.#closed = true;
		for (const transport of this.transports.values()) transport.close();
		this.transports.clear();
		this.logger.info({ reason }, 'participant closed');
	}
}
