/**
 * One visit to a room, coordinating its parts: the signalling connection, the state store the UI renders
 * (`store`), the media session, this person's own media (`local`), chat, hands and reactions (`interactions`)
 * and the host controls (`host`). The UI reads the store and calls those parts and the methods here; it
 * never talks to signalling or media itself.
 *
 * After a dropped connection Socket.IO reconnects (with backoff and jitter) with the latest token and this
 * client joins again from scratch: the server kept the seat for the reconnect grace, and replaces the old
 * session. Closing the tab leaves at once.
 */
import { CloseReason } from '../../../shared/errors.js';
import type { IceServer, JoinedRoom, TransportView } from '../../../shared/protocol.js';
import type { RtpCapabilities } from '../../../shared/schemas.js';
import { SignalingClient } from '../signaling/SignalingClient.js';
import { HostControls } from './HostControls.js';
import { Interactions } from './Interactions.js';
import { LocalMedia } from './LocalMedia.js';
import { MediaSession } from './MediaSession.js';
import { Recovery } from './Recovery.js';
import { followRoomEvents } from './roomEvents.js';
import { RoomStateStore } from './RoomStateStore.js';
import { type Layout, type RoomState, initialRoomState } from './roomState.js';
import { ScreenView, type ShownTile } from './ScreenView.js';
import { TokenRefresh } from './TokenRefresh.js';
import { type E2eeSession, followE2ee, participantIdOf } from './e2ee/followE2ee.js';

export { probeNativeCapabilities } from './nativeCapabilities.js';

export interface RoomClientOptions {
	serverUrl: string;
	/** Socket.IO's path on `serverUrl`: the join's answer (the room's node, in a cluster). */
	signalingPath: string;
	token: string;
	iceServers: IceServer[];
	micTrack?: MediaStreamTrack;
	cameraTrack?: MediaStreamTrack;
	/** Start muted or with the camera off (the tracks are still sent, paused). Default on. */
	micOn?: boolean;
	cameraOn?: boolean;
	/** Wait in the lobby if the room is locked (ask to join) or full (queue). Default false. */
	wait?: boolean;
	/** An end-to-end encrypted room's secret, from the link (`#k=`): media and chat are encrypted under keys made from it. */
	roomSecret?: string;
}

export class RoomClient {
	readonly store: RoomStateStore;
	readonly host: HostControls;
	readonly local: LocalMedia;
	readonly interactions: Interactions;
	readonly #signaling: SignalingClient;
	readonly #media: MediaSession;
	readonly #view: ScreenView;
	readonly #recovery = new Recovery();
	readonly #wait: boolean;
	readonly #tokens: TokenRefresh;
	/** An end-to-end encrypted room: its secret and the seat it proves, then this visit's keys. */
	readonly #e2eeSeed: { secret: string; participantId: string } | undefined;
	#e2ee: E2eeSession | undefined;
	/** From the join's answer: what the Device loads with. */
	#routerRtpCapabilities: RtpCapabilities | undefined;
	#closed = false;

	constructor(options: RoomClientOptions) {
		this.#signaling = new SignalingClient(options.serverUrl, options.token, { path: options.signalingPath });
		this.#wait = options.wait ?? false;
		this.#e2eeSeed = options.roomSecret ? { secret: options.roomSecret, participantId: participantIdOf(options.token) } : undefined;
		this.store = new RoomStateStore(initialRoomState({
			micTrack: options.micTrack,
			cameraTrack: options.cameraTrack,
			micOn: Boolean(options.micTrack) && (options.micOn ?? true),
			cameraOn: Boolean(options.cameraTrack) && (options.cameraOn ?? true),
			cameraDeviceId: options.cameraTrack?.getSettings().deviceId,
		}));
		const { dispatch } = this.store;
		this.#media = new MediaSession(this.#signaling, options.iceServers, {
			quality: (quality) => dispatch({ type: 'quality', quality }),
			unreachable: (unreachable) => dispatch({ type: 'mediaUnreachable', unreachable }),
			track: (producerId, track) => dispatch({ type: 'trackReady', producerId, track }),
		});
		this.#tokens = new TokenRefresh(this.#signaling, this.#media);
		this.local = new LocalMedia(this.store, this.#media, options);
		this.interactions = new Interactions(this.#signaling, this.store);
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
		if (this.#e2eeSeed) {
			this.#e2ee = await followE2ee(this.#e2eeSeed, this.#signaling, this.store, this.#media, this.interactions,
				(reason) => void this.#restartEncryption(reason));
		}
		await this.#join();
		this.#tokens.start();
	}

	readonly #onPageHide = (): void => {
		if (!this.#closed) void this.#signaling.request('room.leave', {}).catch(() => undefined);
	};

	#listen(): void {
		const { dispatch } = this.store;
		followRoomEvents(this.#signaling, this.store, {
			// Sound from every live microphone (a muted one once it unmutes: idle consumers still cost the SFU);
			// video only once it is on screen (the next view consumes it).
			producerAdded: (producer) => {
				if (producer.kind === 'video') this.#view.update(0);
				else if (!producer.paused) void this.#media.consume([producer.id]);
			},
			micUnmuted: (producerId) => void this.#media.consume([producerId]),
			producerGone: (producerId) => {
				this.#media.dropConsumer(producerId);
				this.store.dispatch({ type: 'producerRemoved', producerId });
			},
			sessionClosed: (reason) => {
				// The server's fault, not the person's: come back by ourselves once it can take us again.
				if (reason === CloseReason.MEDIA_FAILURE || reason === CloseReason.SERVER_SHUTDOWN) void this.#recover(reason);
				else this.#end(reason);
			},
			admitted: (room) => this.#enter(room),
			// A reset link voids the tokens issued under the old one: get one under the new link now, so a reconnect works.
			linkReset: () => this.#tokens.now(),
			interactions: this.interactions,
			mutedBy: (name) => this.local.mutedBy(name),
		});
		this.#signaling.onConnection({
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
				if (!this.#closed && !this.#recovery.running) this.#end(CloseReason.DISCONNECTED);
			},
		});
	}

	/**
	 * After a worker died under the call, or the server restarted: connect and
	 * join again (Recovery's policy), the room rebuilt on a live worker and the
	 * same participant taking their seat; or end the visit with the reason.
	 */
	async #recover(reason: CloseReason): Promise<void> {
		if (this.#recovery.running || this.#closed) return;
		this.store.dispatch({ type: 'phase', phase: 'reconnecting' });
		this.store.dispatch({ type: 'quality', quality: 'lost' });
		this.#media.reset();
		const back = await this.#recovery.run(async () => {
			// From a clean state: the old connection may still be closing. The room may have moved to another node.
			this.#signaling.close();
			await this.#signaling.locate();
			await this.#signaling.connect();
			await this.#join();
		}, () => this.#closed);
		if (!back && !this.#closed) this.#end(reason);
	}

	/**
	 * The frame worker died or broke: frames neither leave nor open. A new
	 * worker and identity, then the way back as after a media failure: the
	 * seat is taken back with the new identity, and the others give it keys.
	 */
	async #restartEncryption(reason: string): Promise<void> {
		console.warn(`end-to-end encryption restarts: ${reason}`);
		if (this.#closed || !this.#e2ee) return;
		this.#media.reset();
		try {
			await this.#e2ee.restart();
		} catch {
			return this.#end(CloseReason.MEDIA_FAILURE);
		}
		await this.#recover(CloseReason.MEDIA_FAILURE);
	}

	/**
	 * One round trip to a seat with its receive transport open: the router's capabilities come in the answer
	 * (the Device loads from them as media starts), and this browser's own go with its first consumers.
	 */
	async #join(): Promise<void> {
		const result = await this.#signaling.request('room.join', { receive: 'webrtc', wait: this.#wait, ...(this.#e2ee && { e2ee: this.#e2ee.identity }) });
		this.#routerRtpCapabilities = result.routerRtpCapabilities;
		if (result.status === 'waiting') {
			this.store.dispatch({ type: 'waiting', status: result.lobby });
			return;
		}
		this.#enter(result.room, result.recvTransport);
	}

	/**
	 * Seated (at once, or admitted from the lobby): the room shows at once, and
	 * media is set up behind it, the others' first, so their first frames do
	 * not wait for ours. Media that cannot be set up ends the visit with
	 * DISCONNECTED, which offers to rejoin, unless the connection dropped
	 * meanwhile: the reconnect sets it up again. Nothing is awaited before the
	 * room is in the store: the events held behind the join's answer (keys
	 * sent to this person) come right after it, and must find the people seated.
	 */
	#enter(joined: JoinedRoom, recvTransport?: TransportView): void {
		this.store.dispatch({ type: 'joined', room: joined });
		void this.#e2ee?.seated(joined.participants).catch(() => undefined);
		this.store.dispatch({ type: 'quality', quality: 'good' });
		this.#startMedia(joined, recvTransport).catch(() => {
			// Media cut short by a dropped connection is set up again when it comes back (restored joins afresh).
			if (!this.#closed && this.#signaling.connected) this.#end(CloseReason.DISCONNECTED);
		});
	}

	async #startMedia(joined: JoinedRoom, recvTransport: TransportView | undefined): Promise<void> {
		await this.#media.load(this.#routerRtpCapabilities!);
		await this.#media.startReceiving(recvTransport);
		// Receiving first, so the others' first frames do not wait for ours: live microphones now, video as it comes
		// on screen (a new session starts with everything shown: the view tells it what is, and takes that video).
		const receiving = this.#media.consume(joined.producers.filter(({ kind, paused }) => kind === 'audio' && !paused).map(({ id }) => id));
		this.#view.reset();
		this.#view.update(0);
		await this.local.startSending();
		await receiving;
		this.local.applyPreferences();
	}

	/** Audio and video could not get through (`mediaUnreachable`): their transports try again now. */
	retryConnection(): void {
		this.#media.retryConnection();
	}

	dismissNotice(id: number): void {
		this.store.dispatch({ type: 'noticeExpired', id });
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
		this.#tokens.stop();
		this.#e2ee?.close();
		this.#view.close();
		this.#media.reset();
		this.local.close();
		this.#signaling.close();
	}
}
