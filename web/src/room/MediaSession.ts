/**
 * The media of one visit to a room: the mediasoup-client Device, the send
 * and receive transports, and every producer and consumer. reset() drops all
 * of it (after a reconnect the client joins again from scratch); close()
 * does the same for good.
 */
import { Device, type types } from 'mediasoup-client';
import type { IceServer, TransportView } from '../../../shared/protocol.js';
import type { MediaSource, RtpCapabilities } from '../../../shared/schemas.js';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import { handlerFactory } from './nativeCapabilities.js';
import { TransportHealth, type TransportHealthListener } from './TransportHealth.js';

/**
 * What is done to each frame sent and received (end-to-end encryption): attached to a sender or receiver before
 * its first frame passes (mediasoup-client's onRtpSender and onRtpReceiver).
 */
export interface FrameTransforms {
	protectSender(sender: RTCRtpSender, kind: 'audio' | 'video'): void;
	protectReceiver(receiver: RTCRtpReceiver, kind: 'audio' | 'video', participantId: string): void;
}

export interface MediaSessionListener extends TransportHealthListener {
	/** A remote producer's track is ready to play. */
	track(producerId: string, track: MediaStreamTrack): void;
}

/**
 * Simulcast for the camera (about 180p, 360p and 720p), each layer with three
 * temporal layers: the SFU sends each viewer the size their tile needs, at
 * the frame rate it needs, and less when their link cannot take it.
 */
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
	{ scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
	{ scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
	{ scaleResolutionDownBy: 1, maxBitrate: 1_500_000, scalabilityMode: 'L1T3' },
];

export class MediaSession {
	readonly #signaling: SignalingClient;
	#iceServers: IceServer[];
	readonly #listener: MediaSessionListener;
	readonly #health: TransportHealth;
	#device: Device | undefined;
	#sendTransport: types.Transport | undefined;
	#recvTransport: Promise<types.Transport> | undefined;
	readonly #producers = new Map<MediaSource, types.Producer>();
	/** By producer id, so a closed or paused producer finds its consumer. */
	readonly #consumers = new Map<string, types.Consumer>();
	/** Producers whose consumer is being created, so a second request for one waits for nothing. */
	readonly #consuming = new Set<string>();
	/** In an end-to-end encrypted room, set before anything is sent or received. */
	#transforms: FrameTransforms | undefined;

	constructor(signaling: SignalingClient, iceServers: IceServer[], listener: MediaSessionListener) {
		this.#signaling = signaling;
		this.#iceServers = iceServers;
		this.#listener = listener;
		this.#health = new TransportHealth({
			quality: (quality) => listener.quality(quality),
			unreachable: (unreachable) => {
				listener.unreachable(unreachable);
				// The others mark this person's tile meanwhile. Not seated (a rejoin under way): the new seat starts unmarked.
				signaling.request('media.health', { unreachable }).catch(() => undefined);
			},
		});
	}

	/** Frames are encrypted and decrypted from now on; the codecs are those the frame format knows (VP8 and Opus). */
	protectFrames(transforms: FrameTransforms): void {
		this.#transforms = transforms;
	}

	/** Someone's key arrived late: their video needs a key frame before it can show (the server limits how often). */
	requestKeyFrames(participantId: string): void {
		for (const consumer of this.#consumers.values()) {
			if (consumer.kind === 'video' && consumer.appData.participantId === participantId) {
				this.#signaling.request('consumer.requestKeyFrame', { consumerId: consumer.id }).catch(() => undefined);
			}
		}
	}

	/** The person asked to try again after media could not get through. */
	retryConnection(): void {
		this.#health.retry();
	}

	/** New ICE servers (TURN credentials are short-lived and come with each token): the transports use them from the next gathering. */
	updateIceServers(iceServers: IceServer[]): void {
		this.#iceServers = iceServers;
		for (const transport of [this.#sendTransport, this.#recvTransport]) {
			void Promise.resolve(transport).then((ready) => ready?.updateIceServers({ iceServers: iceServers as RTCIceServer[] })).catch(() => undefined);
		}
	}

	/** Loads the Device with the room's capabilities (from the join's answer) once. */
	async load(routerRtpCapabilities: RtpCapabilities): Promise<void> {
		if (this.#device) return;
		// This browser's handler, whose capability probe the join page has likely run already.
		const factory = handlerFactory();
		const device = factory ? new Device({ handlerFactory: factory }) : new Device();
		// The protocol types RTP fields by shape; mediasoup-client's types also narrow some values
		// (header extension URIs) to what it knows, which the router's own capabilities are.
		await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
		this.#device = device;
	}

	/**
	 * Seated: the receive transport the join opened (or, admitted from the
	 * lobby, a new one), so consumers can be created while sending starts.
	 */
	async startReceiving(opened?: TransportView): Promise<void> {
		// Kept as a promise: a producer announced while it is being created waits for it instead of being missed.
		this.#recvTransport = opened ? Promise.resolve(this.#openTransport('recv', opened)) : this.#createTransport('recv');
		await this.#recvTransport;
	}

	/** Opens the send transport and sends the live local tracks (paused ones start paused). */
	async startSending(local: { micTrack?: MediaStreamTrack; cameraTrack?: MediaStreamTrack; micOn: boolean; cameraOn: boolean }): Promise<void> {
		const device = this.#device!;
		if (!device.canProduce('audio') && !device.canProduce('video')) return;
		this.#sendTransport = await this.#createTransport('send');
		if (local.micTrack?.readyState === 'live') await this.produce('mic', local.micTrack, !local.micOn);
		if (local.cameraTrack?.readyState === 'live') await this.produce('camera', local.cameraTrack, !local.cameraOn);
	}

	async #createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
		return this.#openTransport(direction, await this.#signaling.request('transport.create', { direction }));
	}

	#openTransport(direction: 'send' | 'recv', params: TransportView): types.Transport {
		const device = this.#device!;
		const options = {
			id: params.id,
			iceParameters: params.iceParameters!,
			iceCandidates: params.iceCandidates!,
			dtlsParameters: params.dtlsParameters!,
			iceServers: this.#iceServers as RTCIceServer[],
		};
		const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
		transport.on('connect', ({ dtlsParameters }, callback, errback) => {
			this.#signaling.request('transport.connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
		});
		if (direction === 'send') {
			transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
				this.#signaling.request('producer.create', {
					transportId: transport.id,
					kind,
					source: appData.source as MediaSource,
					rtpParameters,
					paused: Boolean(appData.paused),
					...(typeof appData.height === 'number' ? { height: appData.height } : {}),
				}).then(callback, errback);
			});
		}
		// The path to the SFU broke while signalling still works (a new network, a TURN server restarted):
		// new ICE credentials and candidates on the same transport, without rebuilding the call.
		this.#health.watch(direction, transport, async () => {
			const { iceParameters } = await this.#signaling.request('transport.restartIce', { transportId: transport.id });
			await transport.restartIce({ iceParameters });
		});
		return transport;
	}

	async produce(source: MediaSource, track: MediaStreamTrack, paused: boolean): Promise<void> {
		if (!this.#sendTransport) return;
		const transforms = this.#transforms;
		const kind = track.kind as 'audio' | 'video';
		const producer = await this.#sendTransport.produce({
			track,
			...(transforms ? {
				onRtpSender: (sender: RTCRtpSender) => transforms.protectSender(sender, kind),
				codec: this.#device!.rtpCapabilities.codecs!.find(({ mimeType }) => mimeType.toLowerCase() === (kind === 'audio' ? 'audio/opus' : 'video/vp8')),
			} : {}),
			...(source === 'camera' ? { encodings: CAMERA_ENCODINGS } : {}),
			...(source === 'mic' ? { codecOptions: { opusDtx: true, opusFec: true } } : {}),
			stopTracks: false,
			zeroRtpOnPause: true,
			// A camera's picture height lets the server give each viewer the layer its tile needs.
			appData: { source, paused, ...(source === 'camera' && track.getSettings().height ? { height: track.getSettings().height } : {}) },
		});
		if (paused) producer.pause();
		this.#producers.set(source, producer);
	}

	isProducing(source: MediaSource): boolean {
		return this.#producers.has(source);
	}

	/** Mute or unmute: pauses the producer here and on the server, so nothing is sent. */
	async setProducing(source: MediaSource, on: boolean): Promise<void> {
		const producer = this.#producers.get(source);
		if (!producer) return;
		if (on) producer.resume();
		else producer.pause();
		await this.#signaling.request(on ? 'producer.resume' : 'producer.pause', { producerId: producer.id });
	}

	/** Sends `track` in place of the source's current one, without renegotiating. */
	async replaceTrack(source: MediaSource, track: MediaStreamTrack): Promise<void> {
		await this.#producers.get(source)?.replaceTrack({ track });
	}

	/** The server paused it already (a host muted us): stop sending too. */
	pauseLocally(source: MediaSource): void {
		this.#producers.get(source)?.pause();
	}

	async stopProducing(source: MediaSource): Promise<void> {
		const producer = this.#producers.get(source);
		this.#producers.delete(source);
		if (!producer) return;
		producer.close();
		await this.#signaling.request('producer.close', { producerId: producer.id });
	}

	/**
	 * Receives remote producers: one request creates their consumers (paused
	 * on the server), and one resumes them all once their tracks are ready.
	 * Producers already consumed, or being consumed, are left out.
	 */
	async consume(producerIds: string[]): Promise<void> {
		const wanted = [...new Set(producerIds)].filter((id) => !this.#consumers.has(id) && !this.#consuming.has(id));
		if (!this.#recvTransport || wanted.length === 0) return;
		for (const id of wanted) this.#consuming.add(id);
		try {
			const transport = await this.#recvTransport;
			// What this browser can receive goes with each batch: the join did not carry it (the Device loads from the join's answer).
			const { consumers } = await this.#signaling.request('consumer.createMany', {
				transportId: transport.id, producerIds: wanted, rtpCapabilities: this.#device!.rtpCapabilities,
			});
			// Refused ones (closed meanwhile, a codec this browser lacks) have nothing to play; producer.closed cleans up.
			const ready = (await Promise.all(consumers.map(async (params) => {
				const transforms = this.#transforms;
				try {
					const consumer = await transport.consume({
						id: params.id,
						producerId: params.producerId,
						kind: params.kind,
						appData: { participantId: params.participantId },
						...(transforms ? { onRtpReceiver: (receiver: RTCRtpReceiver) => transforms.protectReceiver(receiver, params.kind, params.participantId) } : {}),
						// As for the router's capabilities: the server's own consumer parameters, typed by shape.
						rtpParameters: params.rtpParameters as types.RtpParameters,
					});
					this.#consumers.set(params.producerId, consumer);
					this.#listener.track(params.producerId, consumer.track);
					return [consumer.id];
				} catch {
					return [];
				}
			}))).flat();
			if (ready.length > 0) await this.#signaling.request('consumer.resumeMany', { consumerIds: ready });
		} catch {
			// The session ended or the connection dropped meanwhile: the next join consumes afresh.
		} finally {
			for (const id of wanted) this.#consuming.delete(id);
		}
	}

	/** Tells the server which videos are on screen and how tall, in device pixels; the rest is paused there. */
	async setView(tiles: { producerId: string; height: number }[]): Promise<void> {
		if (!this.#recvTransport) return;
		await this.#signaling.request('view.update', { tiles });
	}

	dropConsumer(producerId: string): void {
		this.#consumers.get(producerId)?.close();
		this.#consumers.delete(producerId);
	}

	/** Drops every producer, consumer and transport; the Device stays loaded. */
	reset(): void {
		for (const consumer of this.#consumers.values()) consumer.close();
		this.#consumers.clear();
		for (const producer of this.#producers.values()) producer.close();
		this.#producers.clear();
		this.#sendTransport?.close();
		void this.#recvTransport?.then((transport) => transport.close(), () => undefined);
		this.#sendTransport = undefined;
		this.#recvTransport = undefined;
	}
}
