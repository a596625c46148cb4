/**
 * Owns the mediasoup-client Device, the send and receive transports, and
 * every producer and consumer of one visit to a room. The UI reads `state`
 * and calls the public methods; it never talks to signalling or media itself.
 *
 * After a dropped connection Socket.IO reconnects with the latest token and
 * this client joins again from scratch: the server replaces the old session
 * and keeps the seat.
 */
import { Device, type types } from 'mediasoup-client';
import { CloseReason } from '../../../shared/errors.js';
import type { IceServer, JoinedRoom, ProducerView, RoomSettingsView } from '../../../shared/protocol.js';
import type { MediaSource, RoomSettingsPatch } from '../../../shared/schemas.js';
import { SignalingClient } from '../signaling/SignalingClient.js';
import { type LocalMedia, type RoomAction, type RoomState, initialRoomState, roomReducer } from './roomState.js';

/** Refresh the participant token well before the server's 10-minute lifetime runs out. */
const TOKEN_REFRESH_MS = 4 * 60_000;

export interface RoomClientOptions {
	serverUrl: string;
	token: string;
	iceServers: IceServer[];
	micTrack?: MediaStreamTrack;
	cameraTrack?: MediaStreamTrack;
	/** Start muted or with the camera off (the tracks are still sent, paused). Default on. */
	micOn?: boolean;
	cameraOn?: boolean;
	/** Wait in the lobby if the room is locked (ask to join) or full (queue). Default false. */
	wait?: boolean;
}

export class RoomClient {
	readonly #signaling: SignalingClient;
	readonly #iceServers: IceServer[];
	readonly #wait: boolean;
	readonly #listeners = new Set<() => void>();
	#state: RoomState;
	#device: Device | undefined;
	#sendTransport: types.Transport | undefined;
	#recvTransport: types.Transport | undefined;
	readonly #producers = new Map<MediaSource, types.Producer>();
	/** By producer id, so a closed or paused producer finds its consumer. */
	readonly #consumers = new Map<string, types.Consumer>();
	#refreshTimer: ReturnType<typeof setInterval> | undefined;
	#closed = false;

	constructor(options: RoomClientOptions) {
		this.#signaling = new SignalingClient(options.serverUrl, options.token);
		this.#iceServers = options.iceServers;
		this.#wait = options.wait ?? false;
		this.#state = initialRoomState({
			micTrack: options.micTrack,
			cameraTrack: options.cameraTrack,
			micOn: Boolean(options.micTrack) && (options.micOn ?? true),
			cameraOn: Boolean(options.cameraTrack) && (options.cameraOn ?? true),
		});
		this.#listen();
	}

	get state(): RoomState {
		return this.#state;
	}

	subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	#dispatch(action: RoomAction): void {
		const next = roomReducer(this.#state, action);
		if (next === this.#state) return;
		this.#state = next;
		for (const listener of this.#listeners) listener();
	}

	dismissNotice(id: number): void {
		this.#dispatch({ type: 'noticeExpired', id });
	}

	async start(): Promise<void> {
		await this.#signaling.connect();
		await this.#join();
		this.#refreshTimer = setInterval(() => {
			this.#signaling.request('session.refresh', {})
				.then(({ token }) => this.#signaling.setToken(token))
				.catch(() => { /* the next attempt, or the reconnect, will tell */ });
		}, TOKEN_REFRESH_MS);
	}

	#listen(): void {
		const socket = this.#signaling.socket;
		socket.on('participant.joined', (participant) => this.#dispatch({ type: 'participantJoined', participant }));
		socket.on('participant.left', ({ participantId }) => this.#dispatch({ type: 'participantLeft', participantId }));
		socket.on('producer.new', (producer) => {
			this.#dispatch({ type: 'producerAdded', producer });
			void this.#consume(producer);
		});
		socket.on('producer.closed', ({ producerId }) => this.#dropConsumer(producerId));
		socket.on('consumer.closed', ({ producerId }) => this.#dropConsumer(producerId));
		socket.on('producer.paused', ({ producerId }) => this.#dispatch({ type: 'producerPaused', producerId, paused: true }));
		socket.on('producer.resumed', ({ producerId }) => this.#dispatch({ type: 'producerPaused', producerId, paused: false }));
		socket.on('speaker.active', ({ participantId }) => this.#dispatch({ type: 'activeSpeaker', participantId }));
		socket.on('chat.message', (message) => this.#dispatch({ type: 'chat', message }));
		socket.on('session.closed', ({ reason }) => this.#end(reason));
		socket.on('lobby.status', (status) => this.#dispatch({ type: 'waiting', status }));
		socket.on('room.admitted', (room) => {
			this.#enter(room).catch(() => this.#end(CloseReason.DISCONNECTED));
		});
		socket.on('room.updated', (settings) => this.#dispatch({ type: 'settings', settings }));
		socket.on('participant.updated', (participant) => this.#dispatch({ type: 'participantUpdated', participant }));
		socket.on('lobby.updated', ({ entries }) => this.#dispatch({ type: 'lobby', entries }));
		socket.on('moderation.event', (event) => this.#dispatch({ type: 'timeline', events: [event] }));
		socket.on('moderation.muted', ({ by }) => {
			// The server already paused the microphone; stop sending too. Only this person can unmute.
			this.#producers.get('mic')?.pause();
			this.#dispatch({ type: 'mutedBy', name: by });
		});
		socket.on('disconnect', (reason) => {
			if (this.#closed) return;
			// The server said goodbye (ended, removed...): session.closed has the reason.
			if (reason === 'io server disconnect') return;
			this.#dispatch({ type: 'phase', phase: 'reconnecting' });
			this.#dispatch({ type: 'quality', quality: 'lost' });
		});
		socket.io.on('reconnect', () => {
			if (this.#closed) return;
			this.#resetMedia();
			this.#join().catch(() => this.#end(CloseReason.DISCONNECTED));
		});
	}

	async #join(): Promise<void> {
		const { routerRtpCapabilities } = await this.#signaling.request('room.capabilities', {});
		if (!this.#device) {
			this.#device = new Device();
			await this.#device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
		}
		const result = await this.#signaling.request('room.join', { rtpCapabilities: this.#device.rtpCapabilities as never, wait: this.#wait });
		if (result.status === 'waiting') {
			this.#dispatch({ type: 'waiting', status: result.lobby });
			return;
		}
		await this.#enter(result.room);
	}

	/** Seated (at once, or admitted from the lobby): set up media. */
	async #enter(joined: JoinedRoom): Promise<void> {
		const device = this.#device!;
		this.#dispatch({ type: 'joined', room: joined });
		this.#dispatch({ type: 'quality', quality: 'good' });
		this.#recvTransport = await this.#createTransport('recv');
		const { micTrack, cameraTrack } = this.#state.local;
		if (device.canProduce('audio') || device.canProduce('video')) {
			this.#sendTransport = await this.#createTransport('send');
			if (micTrack && micTrack.readyState === 'live') await this.#produce('mic', micTrack, !this.#state.local.micOn);
			if (cameraTrack && cameraTrack.readyState === 'live') await this.#produce('camera', cameraTrack, !this.#state.local.cameraOn);
		}
		await Promise.all(joined.producers.map((producer) => this.#consume(producer)));
	}

	async #createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
		const device = this.#device!;
		const params = await this.#signaling.request('transport.create', { direction });
		const options = {
			id: params.id,
			iceParameters: params.iceParameters as types.IceParameters,
			iceCandidates: params.iceCandidates as types.IceCandidate[],
			dtlsParameters: params.dtlsParameters as types.DtlsParameters,
			iceServers: this.#iceServers as RTCIceServer[],
		};
		const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
		transport.on('connect', ({ dtlsParameters }, callback, errback) => {
			this.#signaling.request('transport.connect', { transportId: transport.id, dtlsParameters: dtlsParameters as never })
				.then(() => callback(), errback);
		});
		if (direction === 'send') {
			transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
				this.#signaling.request('producer.create', {
					transportId: transport.id,
					kind,
					source: appData.source as MediaSource,
					rtpParameters: rtpParameters as never,
					paused: Boolean(appData.paused),
				}).then(callback, errback);
			});
		}
		transport.on('connectionstatechange', (state) => {
			if (direction !== 'recv') return;
			if (state === 'connected') this.#dispatch({ type: 'quality', quality: 'good' });
			else if (state === 'disconnected') this.#dispatch({ type: 'quality', quality: 'poor' });
			else if (state === 'failed') {
				this.#dispatch({ type: 'quality', quality: 'lost' });
				this.#signaling.request('transport.restartIce', { transportId: transport.id })
					.then(({ iceParameters }) => transport.restartIce({ iceParameters: iceParameters as types.IceParameters }))
					.catch(() => undefined);
			}
		});
		return transport;
	}

	async #produce(source: MediaSource, track: MediaStreamTrack, paused: boolean): Promise<void> {
		if (!this.#sendTransport) return;
		const producer = await this.#sendTransport.produce({
			track,
			// Simulcast for the camera lets the SFU send each viewer what their link and tile can take.
			...(source === 'camera' ? {
				encodings: [
					{ scaleResolutionDownBy: 4, maxBitrate: 150_000 },
					{ scaleResolutionDownBy: 2, maxBitrate: 500_000 },
					{ scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
				],
			} : {}),
			...(source === 'mic' ? { codecOptions: { opusDtx: true, opusFec: true } } : {}),
			stopTracks: false,
			zeroRtpOnPause: true,
			appData: { source, paused },
		});
		if (paused) producer.pause();
		this.#producers.set(source, producer);
	}

	async #consume(producer: ProducerView): Promise<void> {
		const transport = this.#recvTransport;
		if (!transport || this.#consumers.has(producer.id)) return;
		try {
			const params = await this.#signaling.request('consumer.create', { transportId: transport.id, producerId: producer.id });
			const consumer = await transport.consume({
				id: params.id,
				producerId: params.producerId,
				kind: params.kind,
				rtpParameters: params.rtpParameters as types.RtpParameters,
			});
			this.#consumers.set(producer.id, consumer);
			this.#dispatch({ type: 'trackReady', producerId: producer.id, track: consumer.track });
			// The server created it paused; now that the track is ready, let media flow.
			await this.#signaling.request('consumer.resume', { consumerId: consumer.id });
		} catch {
			// The producer may have closed meanwhile; producer.closed cleans up.
		}
	}

	#dropConsumer(producerId: string): void {
		this.#consumers.get(producerId)?.close();
		this.#consumers.delete(producerId);
		this.#dispatch({ type: 'producerRemoved', producerId });
	}

	/** Mute or unmute: pauses the producer on the server so nothing is sent. */
	setMicOn(on: boolean): Promise<void> {
		this.#dispatch({ type: 'local', local: { micOn: on } });
		return this.#setProducing('mic', on);
	}

	setCameraOn(on: boolean): Promise<void> {
		this.#dispatch({ type: 'local', local: { cameraOn: on } });
		return this.#setProducing('camera', on);
	}

	async #setProducing(source: MediaSource, on: boolean): Promise<void> {
		const producer = this.#producers.get(source);
		if (!producer) return;
		if (on) producer.resume();
		else producer.pause();
		await this.#signaling.request(on ? 'producer.resume' : 'producer.pause', { producerId: producer.id });
	}

	async startScreenShare(): Promise<void> {
		if (this.#producers.has('screen')) return;
		const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false });
		const track = stream.getVideoTracks()[0];
		if (!track) return;
		track.addEventListener('ended', () => void this.stopScreenShare());
		this.#dispatch({ type: 'local', local: { screenTrack: track } });
		await this.#produce('screen', track, false);
	}

	async stopScreenShare(): Promise<void> {
		const producer = this.#producers.get('screen');
		this.#producers.delete('screen');
		this.#state.local.screenTrack?.stop();
		this.#dispatch({ type: 'local', local: { screenTrack: undefined } });
		if (!producer) return;
		producer.close();
		await this.#signaling.request('producer.close', { producerId: producer.id }).catch(() => undefined);
	}

	async sendChat(text: string): Promise<void> {
		const message = await this.#signaling.request('chat.send', { text });
		this.#dispatch({ type: 'chat', message });
	}

	// Host and co-host controls. The server checks the caller's role; these only ask.
	updateRoom(patch: RoomSettingsPatch): Promise<RoomSettingsView> {
		return this.#signaling.request('room.update', patch);
	}

	async resetLink(): Promise<{ inviteUrl: string; hostUrl?: string }> {
		return this.#signaling.request('room.resetLink', {});
	}

	async endRoom(): Promise<void> {
		await this.#signaling.request('room.end', {});
	}

	async removeParticipant(participantId: string): Promise<void> {
		await this.#signaling.request('participant.remove', { participantId });
	}

	async muteParticipant(participantId: string): Promise<void> {
		await this.#signaling.request('participant.mute', { participantId });
	}

	async muteEveryone(): Promise<void> {
		await this.#signaling.request('participant.muteAll', {});
	}

	async setRole(participantId: string, role: 'cohost' | 'guest'): Promise<void> {
		await this.#signaling.request('participant.setRole', { participantId, role });
	}

	async admit(participantId: string): Promise<void> {
		await this.#signaling.request('lobby.admit', { participantId });
	}

	async deny(participantId: string): Promise<void> {
		await this.#signaling.request('lobby.deny', { participantId });
	}

	async loadTimeline(): Promise<void> {
		const { events } = await this.#signaling.request('moderation.events', {});
		this.#dispatch({ type: 'timeline', events });
	}

	/** Records that the browser blocked audio playback until a click. */
	setAudioBlocked(blocked: boolean): void {
		this.#dispatch({ type: 'audioBlocked', blocked });
	}

	async leave(): Promise<void> {
		await this.#signaling.request('room.leave', {}).catch(() => undefined);
		this.#end(CloseReason.LEFT);
	}

	#resetMedia(): void {
		for (const consumer of this.#consumers.values()) consumer.close();
		this.#consumers.clear();
		for (const producer of this.#producers.values()) producer.close();
		this.#producers.clear();
		this.#sendTransport?.close();
		this.#recvTransport?.close();
		this.#sendTransport = undefined;
		this.#recvTransport = undefined;
	}

	#end(reason: CloseReason): void {
		this.#dispatch({ type: 'ended', reason });
		this.close();
	}

	/** Stops everything: media, local tracks and the connection. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		clearInterval(this.#refreshTimer);
		this.#resetMedia();
		const { micTrack, cameraTrack, screenTrack } = this.#state.local;
		for (const track of [micTrack, cameraTrack, screenTrack]) track?.stop();
		this.#signaling.close();
	}
}
