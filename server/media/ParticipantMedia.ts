/**
 * The media one participant owns: their transports, producers and
 * consumers. Ids are looked up only here, in the caller's own maps, never
 * room-wide. Closing a transport closes what runs on it (mediasoup cascades);
 * close() closes every transport.
 */
import type { types } from 'mediasoup';
import type { ProducerView } from '../../shared/protocol.js';
import type { MediaSource } from '../../shared/schemas.js';
import { LIMITS } from '../../shared/limits.js';
import { Errors } from '../errors.js';

export interface ProducerEntry {
	producer: types.Producer;
	source: MediaSource;
}

export interface ConsumerAppData extends types.AppData {
	/** The client has its consumer ready and asked for media; the view may still keep it paused. */
	wanted: boolean;
}

export interface TransportAppData extends types.AppData {
	direction: 'send' | 'recv';
	type: 'webrtc' | 'plain';
	/** Set when a connect starts: a transport connects once (the worker refuses a second with a bare error). */
	connected?: boolean;
}

/** What the owner of this media is told about it. */
export interface ParticipantMediaEvents {
	/** mediasoup closed a consumer because its producer went away. */
	consumerOrphaned(consumer: types.Consumer): void;
	/** The layer forwarded to a simulcast consumer changed (the view, or the bandwidth). */
	consumerLayers(consumer: types.Consumer, layers: types.ConsumerLayers | undefined): void;
}

export class ParticipantMedia {
	readonly participantId: string;
	/** An ingest participant (the owner app's): may use plain SRTP transports. */
	readonly plainRtp: boolean;
	readonly #transports = new Map<string, types.Transport<TransportAppData>>();
	readonly #producers = new Map<string, ProducerEntry>();
	readonly #consumers = new Map<string, types.Consumer<ConsumerAppData>>();
	/** What this person's screen shows: producer id → tile height in device pixels; undefined until told (everything shows). */
	view: Map<string, number> | undefined;
	/** Transports and consumers being created, counted against the caps before they exist. */
	#pendingTransports = 0;
	#pendingConsumers = 0;
	/** Sources with a produce() under way, so two concurrent requests cannot both produce one source. */
	readonly #producing = new Set<MediaSource>();
	readonly #events: ParticipantMediaEvents;
	#closed = false;

	constructor(participantId: string, plainRtp: boolean, events: ParticipantMediaEvents) {
		this.participantId = participantId;
		this.plainRtp = plainRtp;
		this.#events = events;
	}

	get closed(): boolean {
		return this.#closed;
	}

	transport(transportId: string): types.Transport<TransportAppData> {
		const transport = this.#transports.get(transportId);
		if (!transport) throw Errors.notFound('transport');
		return transport;
	}

	producer(producerId: string): ProducerEntry {
		const entry = this.#producers.get(producerId);
		if (!entry) throw Errors.notFound('producer');
		return entry;
	}

	consumer(consumerId: string): types.Consumer<ConsumerAppData> {
		const consumer = this.#consumers.get(consumerId);
		if (!consumer) throw Errors.notFound('consumer');
		return consumer;
	}

	/** Claims `source` for a produce() about to start; false if it is produced or being produced. */
	reserveSource(source: MediaSource): boolean {
		if (this.#producing.has(source) || [...this.#producers.values()].some((entry) => entry.source === source)) return false;
		this.#producing.add(source);
		return true;
	}

	releaseSource(source: MediaSource): void {
		this.#producing.delete(source);
	}

	/**
	 * Runs `create` if this person is under the cap of transports (or
	 * consumers), counting it from the start so concurrent requests cannot
	 * pass the cap together. Throws LIMIT_REACHED otherwise.
	 */
	async withinCap<T>(kind: 'transports' | 'consumers', create: () => Promise<T>): Promise<T> {
		const transports = kind === 'transports';
		const limit = transports ? LIMITS.maxTransports : LIMITS.maxConsumers;
		const held = transports ? this.#transports.size + this.#pendingTransports : this.#consumers.size + this.#pendingConsumers;
		if (held >= limit) throw Errors.limitReached(kind, limit);
		if (transports) this.#pendingTransports++;
		else this.#pendingConsumers++;
		try {
			return await create();
		} finally {
			if (transports) this.#pendingTransports--;
			else this.#pendingConsumers--;
		}
	}

	/** The unpaused microphone producer, if any. */
	liveMic(): types.Producer | undefined {
		return [...this.#producers.values()].find(({ source, producer }) => source === 'mic' && !producer.paused)?.producer;
	}

	producerViews(): ProducerView[] {
		return [...this.#producers.values()].map(({ producer, source }) => ({
			id: producer.id,
			participantId: this.participantId,
			kind: producer.kind,
			source,
			paused: producer.paused,
		}));
	}

	addTransport(transport: types.Transport<TransportAppData>): void {
		this.#transports.set(transport.id, transport);
		transport.observer.once('close', () => this.#transports.delete(transport.id));
	}

	addProducer(producer: types.Producer, source: MediaSource): void {
		this.#producers.set(producer.id, { producer, source });
		producer.observer.once('close', () => this.#producers.delete(producer.id));
	}

	/** Bytes received on all of this person's transports so far. */
	async bytesReceived(): Promise<number> {
		// Every kind of transport's stats carry bytesReceived; the generic Transport type does not say so.
		const stats = await Promise.all([...this.#transports.values()].map((transport) => transport.getStats() as Promise<types.BaseTransportStats[]>));
		return stats.flat().reduce((sum, { bytesReceived }) => sum + bytesReceived, 0);
	}

	/** Every consumer this person has. */
	consumers(): types.Consumer<ConsumerAppData>[] {
		return [...this.#consumers.values()];
	}

	/** Every video consumer this person has. */
	videoConsumers(): types.Consumer<ConsumerAppData>[] {
		return this.consumers().filter(({ kind }) => kind === 'video');
	}

	addConsumer(consumer: types.Consumer<ConsumerAppData>): void {
		this.#consumers.set(consumer.id, consumer);
		consumer.observer.once('close', () => this.#consumers.delete(consumer.id));
		consumer.once('producerclose', () => this.#events.consumerOrphaned(consumer));
		consumer.on('layerschange', (layers) => this.#events.consumerLayers(consumer, layers));
	}

	/** Closes every transport, and with them every producer and consumer. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const transport of this.#transports.values()) transport.close();
		this.#transports.clear();
	}
}
