/**
 * A room's media: its routers (RouterSet: one per worker the room spans),
 * where each participant's transports go (their router's WebRtcServer, or a
 * plain SRTP socket for the owner app's ingest), the active speaker, and
 * which participant owns each producer (an index, so routing a consume or a
 * speaker change never scans the room). Each participant's own objects live
 * in their ParticipantMedia; this class only creates them and keeps the index.
 * Participants never see routers: a consumer of a producer on another router
 * is served through a pipe.
 *
 * Closure: close() closes every router, which closes every transport,
 * producer and consumer on it. When the primary router's worker dies,
 * `workerClosed` is emitted; when another's does, `participantsLost` names
 * the people whose media was on it.
 */
import type { types } from 'mediasoup';
import type { ConsumerView, ProducerView, TransportView } from '../../shared/protocol.js';
import { type MediaSource, SRTP_CRYPTO_SUITE, type SrtpParameters } from '../../shared/schemas.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { SafeEmitter } from '../SafeEmitter.js';
import { ActiveSpeaker } from './ActiveSpeaker.js';
import { type PreferredLayers, preferredLayers } from './layers.js';
import { checkedByMediasoup } from './clientParameters.js';
import type { ConsumerAppData, ParticipantMedia, TransportAppData } from './ParticipantMedia.js';
import { RouterSet, type RouterSetOptions } from './RouterSet.js';
import type { RouterPlacement } from './WorkerPool.js';

export type RoomMediaOptions = RouterSetOptions;

/** The least time between two key frame requests to one video sender. */
const KEY_FRAME_REQUEST_DELAY_MS = 500;

export interface RoomMediaEvents {
	producerAdded: [ProducerView];
	producerClosed: [{ producerId: string; participantId: string }];
	producerPaused: [{ producerId: string; participantId: string }, boolean];
	/** The dominant speaker changed. */
	activeSpeaker: [string];
	/** Who is audible now changed. */
	speaking: [string[]];
	workerClosed: [];
	/** A worker carrying part of the room died: these participants' media is gone. */
	participantsLost: [string[]];
}

export interface ProduceRequest {
	transportId: string;
	kind: 'audio' | 'video';
	source: MediaSource;
	rtpParameters: types.RtpParameters;
	paused: boolean;
	/** A camera's picture height, for choosing each viewer's layer. */
	height?: number;
}

export class RoomMedia extends SafeEmitter<RoomMediaEvents> {
	readonly routers: RouterSet;
	/** Everyone given a router, for the room's size when placing the next. */
	readonly #placed = new Map<ParticipantMedia, Promise<RouterPlacement>>();
	/** Producer id → the media of the participant who owns it. */
	readonly #owners = new Map<string, ParticipantMedia>();
	readonly #speaker: ActiveSpeaker;
	readonly #logger: Logger;
	/** Video consumers being brought in line with a view (#conform), and whether another pass is due. */
	readonly #conforming = new WeakMap<types.Consumer<ConsumerAppData>, { again: boolean; done: Promise<void> }>();

	static async open(primary: RouterPlacement, options: RoomMediaOptions, logger: Logger): Promise<RoomMedia> {
		let media: RoomMedia | undefined;
		const speaker = await ActiveSpeaker.create(primary.router, (producerId) => media?.ownerOf(producerId), {
			dominant: (participantId) => media?.emit('activeSpeaker', participantId),
			speaking: (participantIds) => media?.emit('speaking', participantIds),
		}, logger);
		media = new RoomMedia(new RouterSet(primary, options, logger), speaker, logger);
		return media;
	}

	private constructor(routers: RouterSet, speaker: ActiveSpeaker, logger: Logger) {
		super(() => logger);
		this.routers = routers;
		this.#speaker = speaker;
		this.#logger = logger;
		routers.on('primaryLost', () => this.emit('workerClosed'));
		routers.on('routerLost', (lost) => void this.#lost(lost));
	}

	/** The router the room started on; it hosts the speaker observers. */
	get router(): types.Router {
		return this.routers.primary.router;
	}

	get rtpCapabilities(): types.RtpCapabilities {
		return this.router.rtpCapabilities;
	}

	/** The participant's router, chosen on their first transport. */
	#placementOf(media: ParticipantMedia): Promise<RouterPlacement> {
		let placement = this.#placed.get(media);
		if (!placement) {
			for (const placed of this.#placed.keys()) if (placed.closed) this.#placed.delete(placed);
			placement = this.routers.place(this.#placed.size + 1);
			this.#placed.set(media, placement);
		}
		return placement;
	}

	/** Which worker carries the participant's media, once they have a router. */
	async workerIndexOf(media: ParticipantMedia): Promise<number | undefined> {
		return (await this.#placed.get(media))?.workerIndex;
	}

	async #lost(lost: RouterPlacement): Promise<void> {
		const onIt = await Promise.all([...this.#placed].map(async ([media, placement]) => ((await placement) === lost ? media : undefined)));
		this.emit('participantsLost', onIt.flatMap((media) => (media && !media.closed ? [media.participantId] : [])));
	}

	/** The id of the participant who owns the producer, if it is open. */
	ownerOf(producerId: string): string | undefined {
		return this.#owners.get(producerId)?.participantId;
	}

	/**
	 * `rtcpMux: false` gives a plain transport a second port for RTCP, for
	 * senders such as ffmpeg that send RTCP from a socket of its own.
	 */
	async createTransport(media: ParticipantMedia, direction: 'send' | 'recv', type: 'webrtc' | 'plain',
		options: { rtcpMux?: boolean } = {}): Promise<TransportView> {
		if (type === 'plain' && !media.plainRtp) throw Errors.forbidden('plain transports are for the owner app\'s ingest participants only');
		return media.withinCap('transports', () => this.#createTransport(media, direction, type, options));
	}

	async #createTransport(media: ParticipantMedia, direction: 'send' | 'recv', type: 'webrtc' | 'plain',
		options: { rtcpMux?: boolean }): Promise<TransportView> {
		const appData: TransportAppData = { direction, type };
		const { router, webRtcServer, plainListenInfo } = await this.#placementOf(media);
		if (type === 'plain') {
			const transport = await router.createPlainTransport<TransportAppData>({
				listenInfo: plainListenInfo,
				rtcpMux: options.rtcpMux ?? true,
				// A sender is found by the first packet it sends; a receiver says where to send.
				comedia: direction === 'send',
				enableSrtp: true,
				srtpCryptoSuite: SRTP_CRYPTO_SUITE,
				appData,
			});
			this.#adopt(media, transport);
			return {
				id: transport.id,
				type,
				ip: transport.tuple.localAddress,
				port: transport.tuple.localPort,
				...(transport.rtcpTuple ? { rtcpPort: transport.rtcpTuple.localPort } : {}),
				srtpParameters: transport.srtpParameters as SrtpParameters,
			};
		}
		const transport = await router.createWebRtcTransport<TransportAppData>({
			webRtcServer,
			enableUdp: true,
			enableTcp: true,
			preferUdp: true,
			initialAvailableOutgoingBitrate: 1_000_000,
			appData,
		});
		this.#adopt(media, transport);
		return {
			id: transport.id,
			type,
			iceParameters: transport.iceParameters,
			iceCandidates: transport.iceCandidates,
			dtlsParameters: transport.dtlsParameters,
		};
	}

	#adopt(media: ParticipantMedia, transport: types.Transport<TransportAppData>): void {
		// The participant may have left while the worker was creating the transport.
		if (media.closed) {
			transport.close();
			throw Errors.notJoined();
		}
		media.addTransport(transport);
	}

	async connectTransport(media: ParticipantMedia, transportId: string,
		params: { dtlsParameters?: types.DtlsParameters; ip?: string; port?: number; srtpParameters?: SrtpParameters }): Promise<void> {
		const transport = media.transport(transportId);
		if (transport.appData.connected) throw Errors.forbidden('this transport is already connected');
		const connect = (options: Parameters<types.Transport['connect']>[0]) => {
			// Marked before the worker is asked, so racing requests cannot both go through; a refused connect may be retried.
			transport.appData.connected = true;
			return checkedByMediasoup(transport.connect(options)).catch((error: unknown) => {
				transport.appData.connected = false;
				throw error;
			});
		};
		if (transport.appData.type === 'plain') {
			const { srtpParameters, ip, port } = params;
			if (!srtpParameters) throw Errors.invalidPayload('plain transports connect with srtpParameters');
			if (transport.appData.direction === 'send') return connect({ srtpParameters });
			if (!ip || !port) throw Errors.invalidPayload('plain receive transports connect with ip and port');
			return connect({ ip, port, srtpParameters });
		}
		if (!params.dtlsParameters) throw Errors.invalidPayload('dtlsParameters required');
		return connect({ dtlsParameters: params.dtlsParameters });
	}

	async restartIce(media: ParticipantMedia, transportId: string): Promise<{ iceParameters: types.IceParameters }> {
		const transport = media.transport(transportId);
		if (transport.appData.type !== 'webrtc') throw Errors.invalidPayload('not a WebRTC transport');
		return { iceParameters: await (transport as types.WebRtcTransport<TransportAppData>).restartIce() };
	}

	async produce(media: ParticipantMedia, request: ProduceRequest): Promise<{ id: string }> {
		const transport = media.transport(request.transportId);
		if (transport.appData.direction !== 'send') throw Errors.invalidPayload('produce on a send transport');
		if ((request.source === 'mic') !== (request.kind === 'audio')) throw Errors.invalidPayload('mic is audio; camera and screen are video');
		// Reserved before the await, so concurrent requests for one source cannot both pass.
		if (!media.reserveSource(request.source)) throw Errors.invalidPayload(`already producing ${request.source}`);
		let producer: types.Producer;
		try {
			producer = await checkedByMediasoup(transport.produce({
				kind: request.kind,
				rtpParameters: request.rtpParameters,
				paused: request.paused,
				// However many viewers ask, the sender is asked for a key frame at most twice a second.
				...(request.kind === 'video' ? { keyFrameRequestDelay: KEY_FRAME_REQUEST_DELAY_MS } : {}),
				appData: { source: request.source, ...(request.height ? { height: request.height } : {}) },
			}));
		} finally {
			media.releaseSource(request.source);
		}
		if (media.closed) {
			producer.close();
			throw Errors.notJoined();
		}
		media.addProducer(producer, request.source);
		this.#owners.set(producer.id, media);
		producer.observer.once('close', () => {
			this.#owners.delete(producer.id);
			this.emit('producerClosed', { producerId: producer.id, participantId: media.participantId });
		});
		if (producer.kind === 'audio') {
			// The observers live on the primary router: a microphone elsewhere is piped there.
			const placement = await this.#placementOf(media);
			await this.routers.pipe(producer.id, placement, this.routers.primary)
				.then(() => this.#speaker.observe(producer.id))
				.catch((error: unknown) => this.#logger.warn({ err: error, producerId: producer.id }, 'could not pipe the microphone to the speaker observers'));
		}
		this.emit('producerAdded', media.producerViews().find(({ id }) => id === producer.id)!);
		return { id: producer.id };
	}

	/** Mute and unmute: pausing a producer stops its media for everyone. */
	async setProducerPaused(media: ParticipantMedia, producerId: string, paused: boolean): Promise<void> {
		const { producer } = media.producer(producerId);
		if (paused) await producer.pause();
		else await producer.resume();
		this.emit('producerPaused', { producerId, participantId: media.participantId }, paused);
	}

	closeProducer(media: ParticipantMedia, producerId: string): void {
		media.producer(producerId).producer.close();
	}

	/** Pauses the participant's live microphone; resolves whether there was one. */
	async muteMic(media: ParticipantMedia): Promise<boolean> {
		const mic = media.liveMic();
		if (!mic) return false;
		await this.setProducerPaused(media, mic.id, true);
		return true;
	}

	/**
	 * Consumers of several producers at once, each created paused and checked
	 * on its own: one that cannot be made (closed meanwhile, a codec the
	 * client lacks, the cap reached) is refused without failing the others.
	 */
	async consumeMany(media: ParticipantMedia, rtpCapabilities: types.RtpCapabilities, transportId: string, producerIds: string[]):
		Promise<{ consumers: ConsumerView[]; refused: { producerId: string; error: unknown }[] }> {
		const transport = media.transport(transportId);
		if (transport.appData.direction !== 'recv') throw Errors.invalidPayload('consume on a receive transport');
		const consumers: ConsumerView[] = [];
		const refused: { producerId: string; error: unknown }[] = [];
		await Promise.all([...new Set(producerIds)].map((producerId) => media.withinCap('consumers', () => this.#consume(media, rtpCapabilities, transport, producerId)).then(
			(consumer) => void consumers.push(consumer),
			(error: unknown) => void refused.push({ producerId, error }),
		)));
		return { consumers, refused };
	}

	async #consume(media: ParticipantMedia, rtpCapabilities: types.RtpCapabilities, transport: types.Transport<TransportAppData>, producerId: string):
		Promise<ConsumerView> {
		const owner = this.#owners.get(producerId);
		if (!owner || owner === media) throw Errors.notFound('producer');
		const [from, to] = await Promise.all([this.#placementOf(owner), this.#placementOf(media)]);
		await this.routers.pipe(producerId, from, to);
		if (!to.router.canConsume({ producerId, rtpCapabilities })) {
			throw Errors.invalidPayload('your device cannot receive this codec');
		}
		// Created paused: the client resumes it once its consumer exists and can
		// play, so no media (and no keyframe) is wasted before it is ready.
		const height = media.view?.get(producerId);
		const consumer = await transport.consume<ConsumerAppData>({
			producerId, rtpCapabilities, paused: true, appData: { wanted: false },
			...(height !== undefined ? { preferredLayers: this.#layersFor(producerId, height) } : {}),
		});
		if (media.closed) {
			consumer.close();
			throw Errors.notJoined();
		}
		media.addConsumer(consumer);
		// The view may have changed while the worker made it: the layers above were read before.
		await this.#conform(media, consumer);
		return {
			id: consumer.id,
			producerId,
			participantId: owner.participantId,
			kind: consumer.kind,
			rtpParameters: consumer.rtpParameters,
			type: consumer.type,
			producerPaused: consumer.producerPaused,
		};
	}

	/**
	 * The client is ready for these consumers' media; video off the person's
	 * screen stays paused until shown. Each must be theirs, or none is resumed.
	 */
	async resumeConsumers(media: ParticipantMedia, consumerIds: string[]): Promise<void> {
		const consumers = consumerIds.map((consumerId) => media.consumer(consumerId));
		await Promise.all(consumers.map((consumer) => this.#resume(media, consumer)));
	}

	async #resume(media: ParticipantMedia, consumer: types.Consumer<ConsumerAppData>): Promise<void> {
		consumer.appData.wanted = true;
		if (consumer.kind === 'video') await this.#conform(media, consumer);
		else await consumer.resume();
	}

	/** Asks the sender of this person's video consumer for a key frame (the producer's delay keeps the sender's rate down). */
	async requestKeyFrame(media: ParticipantMedia, consumerId: string): Promise<void> {
		const consumer = media.consumer(consumerId);
		if (consumer.kind !== 'video') throw Errors.invalidPayload('key frames are for video');
		await consumer.requestKeyFrame();
	}

	/**
	 * What the person's screen shows now: video they do not see is paused on
	 * the server (nothing is sent), and each shown tile gets the lowest
	 * simulcast layer that fills it. No renegotiation: only pause, resume and
	 * preferred layers change.
	 */
	async applyView(media: ParticipantMedia, view: Map<string, number>): Promise<void> {
		media.view = view;
		await Promise.all(media.videoConsumers().map((consumer) => this.#conform(media, consumer)));
	}

	/**
	 * The one place a video consumer's layers and pause are decided, from the
	 * person's current view: when the consumer is registered, when the client
	 * resumes it, and when the view changes. Runs one at a time per consumer,
	 * and again if asked meanwhile, reading the view afresh each time, so the
	 * last view always wins however requests interleave. Failures (a consumer
	 * closed meanwhile) are nobody's error.
	 */
	#conform(media: ParticipantMedia, consumer: types.Consumer<ConsumerAppData>): Promise<void> {
		const state = this.#conforming.get(consumer);
		if (state) {
			state.again = true;
			return state.done;
		}
		const next = { again: false, done: Promise.resolve() };
		next.done = (async () => {
			do {
				next.again = false;
				await this.#conformOnce(media, consumer).catch(() => undefined);
			} while (next.again && !consumer.closed);
			this.#conforming.delete(consumer);
		})();
		this.#conforming.set(consumer, next);
		return next.done;
	}

	async #conformOnce(media: ParticipantMedia, consumer: types.Consumer<ConsumerAppData>): Promise<void> {
		if (consumer.closed) return;
		// No view yet: everything counts as shown, at the layers it was created with.
		const height = media.view ? media.view.get(consumer.producerId) : null;
		if (height === undefined) {
			if (!consumer.paused) await consumer.pause();
			return;
		}
		if (height !== null && (consumer.type === 'simulcast' || consumer.type === 'svc')) {
			const wanted = this.#layersFor(consumer.producerId, height);
			const current = consumer.preferredLayers;
			if (current?.spatialLayer !== wanted.spatialLayer || current.temporalLayer !== wanted.temporalLayer) await consumer.setPreferredLayers(wanted);
		}
		if (consumer.paused && consumer.appData.wanted) await consumer.resume();
	}

	/** The layers a tile this tall needs of this producer; its picture height comes from its sender, else 720p is assumed. */
	#layersFor(producerId: string, tileHeight: number): PreferredLayers {
		const entry = this.#owners.get(producerId)?.producer(producerId);
		const pictureHeight = Number(entry?.producer.appData.height ?? 720);
		const layers = entry?.producer.rtpParameters.encodings?.length ?? 1;
		return preferredLayers(tileHeight, pictureHeight, Math.min(3, Math.max(1, layers)));
	}

	/** Closes every router and everything on them. Idempotent. */
	close(): void {
		this.routers.close();
	}
}
