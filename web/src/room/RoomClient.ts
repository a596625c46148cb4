/**
 * One visit to a room, coordinating its parts: the signalling connection,
 * the state store the UI renders (`store`), the media session (`media`) and
 * the host controls (`host`). The UI reads the store and calls the public
 * methods; it never talks to signalling or media itself.
 *
 * After a dropped connection Socket.IO reconnects (with backoff and jitter)
 * with the latest token and this client joins again from scratch: the
 * server kept the seat for the reconnect grace, and replaces the old session.
 * Closing the tab leaves at once.
 */
import { CloseReason, ErrorCode } from '../../../shared/errors.js';
import type { IceServer, JoinedRoom } from '../../../shared/protocol.js';
import type { Reaction } from '../../../shared/schemas.js';
import { SignalingClient, SignalingError, errorCode } from '../signaling/SignalingClient.js';
import { callPreferences, saveCallPreferences } from '../preferences.js';
import { Camera } from './Camera.js';
import { openDevice } from './devices.js';
import { HostControls } from './HostControls.js';
import { MediaSession } from './MediaSession.js';
import { Microphone } from './Microphone.js';
import { RoomStateStore } from './RoomStateStore.js';
import { type Layout, type RoomState, initialRoomState } from './roomState.js';
import { ScreenView, type ShownTile } from './ScreenView.js';

/** Refresh the participant token well before the server's 10-minute lifetime runs out. */
const TOKEN_REFRESH_MS = 4 * 60_000;
/** How long the client keeps trying to come back after a worker failure or a server restart. */
const RECOVERY_MS = 60_000;
/** What a server that is restarting, or rebuilding a room, may answer for a while. */
const RECOVERABLE = new Set<ErrorCode>([ErrorCode.UNAVAILABLE, ErrorCode.DRAINING, ErrorCode.TIMEOUT, ErrorCode.INTERNAL, ErrorCode.ALREADY_JOINED]);
/** How long a reaction floats over its sender's tile. */
const REACTION_MS = 4000;

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
	readonly store: RoomStateStore;
	readonly host: HostControls;
	readonly #signaling: SignalingClient;
	readonly #media: MediaSession;
	readonly #wait: boolean;
	#refreshTimer: ReturnType<typeof setInterval> | undefined;
	#reactionSerial = 0;
	readonly #microphone: Microphone | undefined;
	readonly #camera: Camera;
	#closed = false;
	/** Coming back after a worker failure or a server restart (see #recover). */
	#recovering = false;
	readonly #view: ScreenView;

	constructor(options: RoomClientOptions) {
		this.#signaling = new SignalingClient(options.serverUrl, options.token);
		this.#wait = options.wait ?? false;
		this.#microphone = options.micTrack ? new Microphone(options.micTrack) : undefined;
		this.#camera = new Camera(options.cameraTrack);
		this.store = new RoomStateStore(initialRoomState({
			micTrack: options.micTrack,
			cameraTrack: options.cameraTrack,
			micOn: Boolean(options.micTrack) && (options.micOn ?? true),
			cameraOn: Boolean(options.cameraTrack) && (options.cameraOn ?? true),
			cameraDeviceId: this.#camera.deviceId,
		}));
		const { dispatch } = this.store;
		// The tracks sent change without renegotiating: a switched device, blur, or audio processing starting.
		if (this.#microphone) {
			this.#microphone.onTrackChange = (track) => this.#media.replaceTrack('mic', track).catch(() => undefined);
			this.#microphone.onSuppressionChange = (noiseSuppression) => dispatch({ type: 'local', local: { noiseSuppression } });
		}
		this.#camera.onTrackChange = async (track) => {
			dispatch({ type: 'local', local: { cameraTrack: track, cameraDeviceId: this.#camera.deviceId } });
			if (track) await this.#media.replaceTrack('camera', track).catch(() => undefined);
		};

		this.#media = new MediaSession(this.#signaling, options.iceServers, {
			quality: (quality) => dispatch({ type: 'quality', quality }),
			track: (producerId, track) => dispatch({ type: 'trackReady', producerId, track }),
		});
		this.host = new HostControls(this.#signaling, dispatch);
		this.#view = new ScreenView(this.#media, () => this.store.state);
		this.#listen();
	}

	get state(): RoomState {
		return this.store.state;
	}

	async start(): Promise<void> {
		// Closing the tab is leaving: the seat is freed at once, not kept for a reconnect that will not come.
		window.addEventListener('pagehide', this.#onPageHide);
		await this.#signaling.connect();
		await this.#join();
		this.#refreshTimer = setInterval(() => this.#refreshToken(), TOKEN_REFRESH_MS);
	}

	readonly #onPageHide = (): void => {
		if (!this.#closed) void this.#signaling.request('room.leave', {}).catch(() => undefined);
	};

	#refreshToken(): void {
		this.#signaling.request('session.refresh', {})
			.then(({ token, iceServers }) => {
				this.#signaling.setToken(token);
				this.#media.updateIceServers(iceServers);
			})
			.catch(() => { /* the next attempt, or the reconnect, will tell */ });
	}

	#listen(): void {
		const signaling = this.#signaling;
		const { dispatch } = this.store;
		signaling.on('participant.joined', (participant) => dispatch({ type: 'participantJoined', participant }));
		signaling.on('participant.left', ({ participantId }) => dispatch({ type: 'participantLeft', participantId }));
		signaling.on('producer.new', (producer) => {
			dispatch({ type: 'producerAdded', producer });
			// Sound from everyone; video only once it is on screen (the next view consumes it).
			if (producer.kind === 'audio') void this.#media.consume(producer);
			else this.#view.update(0);
		});
		signaling.on('producer.closed', ({ producerId }) => this.#dropConsumer(producerId));
		signaling.on('consumer.closed', ({ producerId }) => this.#dropConsumer(producerId));
		signaling.on('producer.paused', ({ producerId }) => dispatch({ type: 'producerPaused', producerId, paused: true }));
		signaling.on('producer.resumed', ({ producerId }) => dispatch({ type: 'producerPaused', producerId, paused: false }));
		signaling.on('speaker.active', ({ participantId }) => dispatch({ type: 'activeSpeaker', participantId }));
		signaling.on('speaking.changed', ({ participantIds }) => dispatch({ type: 'speaking', participantIds }));
		signaling.on('spotlight.changed', ({ participantId }) => dispatch({ type: 'spotlight', participantId }));
		signaling.on('chat.message', (message) => dispatch({ type: 'chat', message }));
		signaling.on('hands.updated', ({ hands }) => dispatch({ type: 'hands', hands }));
		signaling.on('reaction', ({ participantId, emoji }) => {
			const id = ++this.#reactionSerial;
			dispatch({ type: 'reaction', id, participantId, emoji });
			setTimeout(() => dispatch({ type: 'reactionExpired', id }), REACTION_MS);
		});
		signaling.on('server.draining', ({ deadline }) => dispatch({ type: 'draining', deadline }));
		signaling.on('session.closed', ({ reason }) => {
			// The server's fault, not the person's: come back by ourselves once it can take us again.
			if (reason === CloseReason.MEDIA_FAILURE || reason === CloseReason.SERVER_SHUTDOWN) void this.#recover(reason);
			else this.#end(reason);
		});
		signaling.on('lobby.status', (status) => dispatch({ type: 'waiting', status }));
		signaling.on('room.admitted', (room) => this.#enter(room));
		signaling.on('room.updated', (settings) => {
			// A reset link voids the tokens issued under the old one: get one under the new link now, so a reconnect works.
			if (this.state.settings && settings.code !== this.state.settings.code) this.#refreshToken();
			dispatch({ type: 'settings', settings });
		});
		signaling.on('participant.updated', (participant) => dispatch({ type: 'participantUpdated', participant }));
		signaling.on('lobby.updated', ({ entries }) => dispatch({ type: 'lobby', entries }));
		signaling.on('moderation.event', (event) => dispatch({ type: 'timeline', events: [event] }));
		signaling.on('moderation.muted', ({ by }) => {
			// The server already paused the microphone; stop sending too. Only this person can unmute.
			this.#media.pauseLocally('mic');
			dispatch({ type: 'mutedBy', name: by });
		});
		signaling.onConnection({
			lost: (byServer) => {
				// The server said goodbye (ended, removed...): session.closed has the reason.
				if (this.#closed || byServer) return;
				dispatch({ type: 'phase', phase: 'reconnecting' });
				dispatch({ type: 'quality', quality: 'lost' });
			},
			restored: () => {
				if (this.#closed) return;
				this.#media.reset();
				this.#join().catch(() => this.#end(CloseReason.DISCONNECTED));
			},
			// Never an endless "Reconnecting…": a refused reconnect ends the visit, and the end screen offers to join again.
			// While recovering, the recovery loop judges its own connection attempts.
			refused: () => {
				if (!this.#closed && !this.#recovering) this.#end(CloseReason.DISCONNECTED);
			},
		});
	}

	/**
	 * After a worker died under the call, or the server restarted: connect and
	 * join again (the room is rebuilt on a live worker, the same participant
	 * takes their seat), retrying with backoff and jitter for up to
	 * RECOVERY_MS, then giving up with the reason.
	 */
	async #recover(reason: CloseReason): Promise<void> {
		if (this.#recovering || this.#closed) return;
		this.#recovering = true;
		this.store.dispatch({ type: 'phase', phase: 'reconnecting' });
		this.store.dispatch({ type: 'quality', quality: 'lost' });
		this.#media.reset();
		const deadline = Date.now() + RECOVERY_MS;
		for (let attempt = 0; !this.#closed && Date.now() < deadline; attempt++) {
			const delay = Math.min(5000, 250 * 2 ** attempt);
			await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * delay / 2));
			// From a clean state: the old connection may still be closing.
			this.#signaling.close();
			try {
				await this.#signaling.connect();
				await this.#join();
				this.#recovering = false;
				return;
			} catch (error) {
				// A refusal that will not change (removed, ended...) ends the visit with it; anything else is tried again.
				if (!RECOVERABLE.has(errorCode(error))) break;
			}
		}
		this.#recovering = false;
		if (!this.#closed) this.#end(reason);
	}

	async #join(): Promise<void> {
		const rtpCapabilities = await this.#media.load();
		const result = await this.#signaling.request('room.join', { rtpCapabilities, wait: this.#wait });
		if (result.status === 'waiting') {
			this.store.dispatch({ type: 'waiting', status: result.lobby });
			return;
		}
		this.#enter(result.room);
	}

	/**
	 * Seated (at once, or admitted from the lobby): the room shows at once, and
	 * media is set up behind it, the others' first, so their first frames do
	 * not wait for ours. Media that cannot be set up ends the visit with
	 * DISCONNECTED, which offers to rejoin, unless the connection dropped
	 * meanwhile: the reconnect sets it up again.
	 */
	#enter(joined: JoinedRoom): void {
		this.store.dispatch({ type: 'joined', room: joined });
		this.store.dispatch({ type: 'quality', quality: 'good' });
		this.#startMedia(joined).catch(() => {
			// Media cut short by a dropped connection is set up again when it comes back (restored joins afresh).
			if (!this.#closed && this.#signaling.connected) this.#end(CloseReason.DISCONNECTED);
		});
	}

	async #startMedia(joined: JoinedRoom): Promise<void> {
		const { micOn, cameraOn } = this.state.local;
		await this.#media.startReceiving();
		// Everyone's sound now; video as it comes on screen, so joining a room of 49 cameras costs little.
		const receiving = Promise.all(joined.producers.filter(({ kind }) => kind === 'audio').map((producer) => this.#media.consume(producer)));
		await this.#media.startSending({ micTrack: this.#microphone?.track, cameraTrack: this.#camera.track, micOn, cameraOn });
		// Joining with the camera off: its producer waits paused, and the device is released.
		if (!cameraOn) this.#camera.release();
		await receiving;
		// A new session starts with everything shown: tell it what is on screen, and take that video.
		this.#view.reset();
		this.#view.update(0);
		// Audio processing and blur start once the call flows; the settings apply from then on.
		const preferences = callPreferences();
		void this.setNoiseSuppression(preferences.noiseSuppression, false);
		if (preferences.backgroundBlur) void this.setBackgroundBlur(true, false);
	}

	#dropConsumer(producerId: string): void {
		this.#media.dropConsumer(producerId);
		this.store.dispatch({ type: 'producerRemoved', producerId });
	}

	dismissNotice(id: number): void {
		this.store.dispatch({ type: 'noticeExpired', id });
	}

	setMicOn(on: boolean): Promise<void> {
		this.store.dispatch({ type: 'local', local: { micOn: on } });
		return this.#reporting(this.#media.setProducing('mic', on));
	}

	/**
	 * Turning the camera off pauses it on the server and stops the track, so
	 * the device is released (its light goes off). Turning it on opens the same
	 * device again and sends the new track in place of the old one.
	 */
	setCameraOn(on: boolean): Promise<void> {
		return this.#reporting((async () => {
			if (!on) {
				this.store.dispatch({ type: 'local', local: { cameraOn: false } });
				await this.#media.setProducing('camera', false);
				this.#camera.release();
				return;
			}
			if (!(await this.#camera.open())) throw new SignalingError(ErrorCode.UNAVAILABLE, 'the camera could not be opened');
			this.store.dispatch({ type: 'local', local: { cameraOn: true } });
			await this.#media.setProducing('camera', true);
		})());
	}

	/** Switches camera; while the camera is off, the choice waits for it to be turned on. */
	switchCamera(deviceId: string): Promise<void> {
		return this.#reporting((async () => {
			if (!this.state.local.cameraOn) {
				this.#camera.choose(deviceId);
				this.store.dispatch({ type: 'local', local: { cameraDeviceId: deviceId } });
				return;
			}
			if (!(await this.#camera.open(deviceId))) throw new SignalingError(ErrorCode.UNAVAILABLE, 'that camera could not be opened');
		})());
	}

	/** Switches microphone; what is sent keeps flowing, through the same noise suppression. */
	switchMicrophone(deviceId: string): Promise<void> {
		return this.#reporting((async () => {
			const microphone = this.#microphone;
			if (!microphone) return;
			const device = await openDevice('audio', deviceId);
			if (!device) throw new SignalingError(ErrorCode.UNAVAILABLE, 'that microphone could not be opened');
			await microphone.setDevice(device);
			this.store.dispatch({ type: 'local', local: { micTrack: device } });
		})());
	}

	/** Plays everyone's sound on this output device (where the browser can choose: `setSinkId`). */
	setSpeaker(deviceId: string): void {
		this.store.dispatch({ type: 'local', local: { speakerId: deviceId } });
	}

	/** The microphone's loudness now, 0..1, for a level meter. */
	micLevel(): number {
		return this.#microphone?.level() ?? 0;
	}

	/** Noise suppression on (RNNoise, else the browser's own) or off; remembered for the next call. */
	setNoiseSuppression(on: boolean, remember = true): Promise<void> {
		if (remember) saveCallPreferences({ noiseSuppression: on });
		return this.#reporting((async () => {
			const noiseSuppression = await this.#microphone?.setNoiseSuppression(on);
			if (noiseSuppression) this.store.dispatch({ type: 'local', local: { noiseSuppression } });
		})());
	}

	/** Background blur on or off; remembered for the next call. */
	setBackgroundBlur(on: boolean, remember = true): Promise<void> {
		if (remember) saveCallPreferences({ backgroundBlur: on });
		return this.#reporting((async () => {
			const backgroundBlur = await this.#camera.setBlur(on);
			this.store.dispatch({ type: 'local', local: { backgroundBlur } });
		})());
	}

	/** Runs something the person asked for; a failure becomes a notice instead of vanishing. */
	async #reporting(action: Promise<void>): Promise<void> {
		try {
			await action;
		} catch (error) {
			this.store.dispatch({ type: 'actionFailed', code: errorCode(error) });
		}
	}

	/** Shares a screen; resolves false if the person cancelled the browser's picker. */
	async startScreenShare(): Promise<boolean> {
		if (this.#media.isProducing('screen')) return true;
		let stream: MediaStream;
		try {
			stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false });
		} catch {
			return false;
		}
		const track = stream.getVideoTracks()[0];
		if (!track) return false;
		// Text and slides: the encoder keeps resolution and detail, and gives up frame rate first.
		track.contentHint = 'detail';
		track.addEventListener('ended', () => void this.stopScreenShare());
		this.store.dispatch({ type: 'local', local: { screenTrack: track } });
		try {
			await this.#media.produce('screen', track, false);
			return true;
		} catch (error) {
			await this.stopScreenShare();
			this.store.dispatch({ type: 'actionFailed', code: errorCode(error) });
			return false;
		}
	}

	stopScreenShare(): Promise<void> {
		this.state.local.screenTrack?.stop();
		this.store.dispatch({ type: 'local', local: { screenTrack: undefined } });
		return this.#reporting(this.#media.stopProducing('screen'));
	}

	/** Raises or lowers one's own hand; the answer is the new queue. */
	setHandRaised(raised: boolean): Promise<void> {
		return this.#reporting((async () => {
			const { hands } = await this.#signaling.request(raised ? 'hand.raise' : 'hand.lower', {});
			this.store.dispatch({ type: 'hands', hands });
		})());
	}

	/** Sends a reaction; everyone (oneself included) sees it float over one's tile. */
	react(emoji: Reaction): Promise<void> {
		return this.#reporting(this.#signaling.request('reaction.send', { emoji }).then(() => undefined));
	}

	/** Sends a chat message; resolves whether it was sent (a failure is shown as a notice). */
	async sendChat(text: string, to?: string): Promise<boolean> {
		try {
			const message = await this.#signaling.request('chat.send', { text, ...(to ? { to } : {}) });
			this.store.dispatch({ type: 'chat', message });
			return true;
		} catch (error) {
			this.store.dispatch({ type: 'actionFailed', code: errorCode(error) });
			return false;
		}
	}

	/** The tiles on screen now (see ScreenView): only their video is fetched and sent, each at the size it needs. */
	setView(shown: ShownTile[]): void {
		this.#view.set(shown);
	}

	/** Switches between the grid and the speaker view, for oneself. */
	setLayout(layout: Layout): void {
		this.store.dispatch({ type: 'layout', layout });
	}

	/** Pins someone large for oneself only; null unpins. */
	pin(participantId: string | null): void {
		this.store.dispatch({ type: 'pin', participantId });
	}

	/** Records that the browser blocked audio playback until a click. */
	setAudioBlocked(blocked: boolean): void {
		this.store.dispatch({ type: 'audioBlocked', blocked });
	}

	async leave(): Promise<void> {
		// Leaving happens whatever the server answers; the socket closes next.
		await this.#signaling.request('room.leave', {}).catch(() => undefined);
		this.#end(CloseReason.LEFT);
	}

	#end(reason: CloseReason): void {
		this.store.dispatch({ type: 'ended', reason });
		this.close();
	}

	/** Stops everything: media, local tracks and the connection. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		window.removeEventListener('pagehide', this.#onPageHide);
		clearInterval(this.#refreshTimer);
		this.#view.close();
		this.#media.reset();
		this.#microphone?.close();
		this.#camera.close();
		this.state.local.screenTrack?.stop();
		this.#signaling.close();
	}
}
