/**
 * A synthetic participant in a Rooms room, for benchmarks and load tests.
 * The owner app's ingest API creates it (never a guest loophole); it then
 * signals over Socket.IO like the web app (a `BotConnection`): plain SRTP transports, an Opus
 * producer and a three-layer VP8 simulcast producer, and a grid viewer's
 * subscriptions (the first tiles of the grid at thumbnail size, the active
 * speaker larger), told to the server with `view.update`. In an end-to-end
 * encrypted room it keeps the room's keys as a browser does and sends its
 * clip sealed.
 */
import { RoomKeys } from '../../../../shared/e2ee/RoomKeys.js';
import type { ProducerView } from '../../../../shared/protocol.js';
import type { RtpCapabilities } from '../../../../shared/schemas.js';
import { newSrtpParameters } from '../../../../shared/srtp.js';
import { SignalingClient } from '../../../../web/src/signaling/SignalingClient.js';
import { BotConnection, ingestSeat } from './BotConnection.js';
import type { NetworkProfile } from '../network.js';
import { BotMedia, OPUS_PAYLOAD_TYPE, VP8_PAYLOAD_TYPE } from './BotMedia.js';
import type { Clip } from './clip.js';
import { SIMULCAST } from './clip.js';
import { AUDIO_LEVEL_EXTENSION_ID } from './rtp.js';

export interface BotOptions {
	/** The server's base URL. */
	url: string;
	roomId: string;
	/** The owner app's token: only the room's owner may send bots in. */
	appToken: string;
	name: string;
	/** Whether the microphone is on (only a few people speak at once). */
	speaking: boolean;
	/**
	 * Subscribe as a grid viewer: this many tiles of `tileHeight` pixels, and the active speaker at `speakerHeight`.
	 * `consumeAll`: consume every camera, not only the shown ones (the server pauses those off the page), as the web
	 * app ends up doing in a long call. `concurrentView`: send the view without waiting for its answer before
	 * consuming, as the web app can (the bench's storm variant).
	 */
	grid?: { tiles: number; tileHeight: number; speakerHeight: number; consumeAll?: boolean; concurrentView?: boolean };
	/** An end-to-end encrypted room's secret (the invite link's `#k=`): the bot exchanges keys and sends its clip sealed. */
	roomSecret?: string;
	/** The network it runs on (`--network`); none: the machine's own. */
	network?: NetworkProfile;
}

/** What a bot's end-to-end encryption did: key boxes sent and received, and people whose identity did not check out. */
export interface KeyTraffic {
	sent: number;
	received: number;
	unverified: number;
}

/** A layer change the server reported for one of this bot's consumers. */
export interface LayerChange {
	at: number;
	consumerId: string;
	spatialLayer: number | null;
}

const VIEW_THROTTLE_MS = 250;

/**
 * What a bot can receive: every codec the room offers, without congestion
 * control feedback (transport-cc, REMB), which bots do not send. With it, the
 * server would estimate a bot's downlink from feedback that never comes, and
 * starve most of its tiles; without it, each tile gets its preferred layer.
 */
export function botRtpCapabilities(router: RtpCapabilities): RtpCapabilities {
	const feedbackFree = new Set(['transport-cc', 'goog-remb']);
	return {
		codecs: router.codecs?.map((codec) => ({ ...codec, rtcpFeedback: codec.rtcpFeedback?.filter(({ type }) => !feedbackFree.has(type)) ?? [] })),
		headerExtensions: router.headerExtensions?.filter(({ uri }) => !uri.includes('transport-wide-cc') && !uri.includes('abs-send-time')),
	};
}

export class Bot extends BotConnection {
	readonly media: BotMedia;
	readonly layerChanges: LayerChange[] = [];
	/** Requests the server refused, by error code (a load report's "failures by reason"). */
	readonly failures = new Map<string, number>();
	participantId = '';
	readonly #options: BotOptions;
	#grid: BotOptions['grid'];
	/** Video producers of the others, in the order they appeared (the grid's order). */
	readonly #cameras: ProducerView[] = [];
	/** Everyone else's microphones and whether each is live: a muted one is consumed only once it unmutes (idle consumers cost the SFU). */
	readonly #mics = new Map<string, boolean>();
	/** Producer id → consumer id. */
	readonly #consumers = new Map<string, string>();
	readonly #consuming = new Set<string>();
	#activeSpeaker: string | null = null;
	/** Set once the receive transport is connected: consumers wait for it. */
	#receiving = false;
	#viewTimer: NodeJS.Timeout | undefined;
	#lastView = '';
	/** When every wanted subscription was last in place (ms, performance clock). */
	subscribedAt = 0;
	readonly keyTraffic: KeyTraffic = { sent: 0, received: 0, unverified: 0 };
	#keys: RoomKeys | undefined;

	/** What it joined with: a churned bot comes back with the same. */
	get options(): BotOptions {
		return this.#options;
	}

	private constructor(options: BotOptions, media: BotMedia, signaling: SignalingClient) {
		super(signaling, { record: false });
		this.#options = options;
		this.#grid = options.grid;
		this.media = media;
	}

	/** Creates the participant through the ingest API, joins, publishes and (for a grid viewer) subscribes. */
	static async join(options: BotOptions, clip: Clip): Promise<Bot> {
		const seat = await ingestSeat(options.url, options.roomId, options.name, options.appToken);
		const media = await BotMedia.open(clip, newSrtpParameters());
		if (options.network) media.shape(options.network);
		const bot = new Bot(options, media, new SignalingClient(options.url, seat.token, { reconnection: false, path: seat.signalingPath }));
		bot.participantId = seat.participantId;
		try {
			if (options.roomSecret !== undefined) bot.#keys = await bot.#followKeys(options.roomSecret);
			await bot.#start();
		} catch (error) {
			bot.close();
			throw error;
		}
		return bot;
	}

	/** The keys of an encrypted room, kept as a browser keeps them (shared/e2ee's RoomKeys); media is sealed under this bot's. */
	async #followKeys(secret: string): Promise<RoomKeys> {
		const traffic = this.keyTraffic;
		const keys = await RoomKeys.create(secret, this.participantId, {
			send: async (to, box) => {
				traffic.sent++;
				await this.request('e2ee.send', { to, box });
			},
			verified: (_id, verified) => {
				if (!verified) traffic.unverified++;
			},
			ownKey: (key) => this.media.useKey(key),
			peerKey: () => {
				traffic.received++;
			},
			forget: () => undefined,
			// Bots do not decrypt what they receive: they only count it.
		}, { decrypts: false });
		this.signaling.on('participant.joined', (participant) => void keys.joined(participant).catch(() => undefined));
		this.signaling.on('participant.updated', (participant) => void keys.seen(participant).catch(() => undefined));
		this.signaling.on('participant.left', ({ participantId }) => void keys.left(participantId).catch(() => undefined));
		this.signaling.on('e2ee.message', ({ from, box }) => void keys.received(from, box).catch(() => undefined));
		return keys;
	}

	async #start(): Promise<void> {
		this.signaling.on('producer.new', (producer) => this.#producerAdded(producer));
		this.signaling.on('producer.closed', ({ producerId }) => this.#producerClosed(producerId));
		this.signaling.on('consumer.closed', ({ producerId }) => this.#producerClosed(producerId));
		this.signaling.on('producer.resumed', ({ producerId }) => this.#producerResumed(producerId));
		this.signaling.on('speaker.active', ({ participantId }) => {
			this.#activeSpeaker = participantId;
			this.#scheduleView();
		});
		this.signaling.on('consumer.layers', ({ consumerId, spatialLayer }) =>
			this.layerChanges.push({ at: performance.now(), consumerId, spatialLayer }));
		await this.signaling.connect();
		const joined = await this.join({ receive: botRtpCapabilities, openReceiver: Boolean(this.#grid), ...(this.#keys && { e2ee: this.#keys.identity }) });
		if (joined.status !== 'joined') throw new Error('bot put in the lobby');
		// Frames in clear would show as noise to every browser there: an encrypted room needs the link's key.
		if (joined.room.settings.e2ee && !this.#keys) throw new Error('this room is end-to-end encrypted: give the full invite link, with its #k= key');
		void this.#keys?.seated(joined.room.participants).catch(() => undefined);
		this.#activeSpeaker ??= joined.room.activeSpeakerId;
		// Receiving first, as the web app does: the others' media does not wait for this bot's to start.
		const receiving = this.#startReceiving(joined.room.producers);
		await this.#startSending();
		await receiving;
	}

	async #startReceiving(producers: ProducerView[]): Promise<void> {
		if (!this.#grid) return;
		await this.openReceiver(this.media.receivePort, this.media.srtp);
		this.#receiving = true;
		for (const producer of producers) this.#producerAdded(producer);
		this.#scheduleView();
	}

	async #startSending(): Promise<void> {
		const send = await this.request('transport.create', { direction: 'send', type: 'plain' });
		await this.request('transport.connect', { transportId: send.id, srtpParameters: this.media.srtp });
		await this.request('producer.create', {
			transportId: send.id, kind: 'audio', source: 'mic', paused: !this.#options.speaking,
			rtpParameters: {
				codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PAYLOAD_TYPE, clockRate: 48_000, channels: 2, parameters: { useinbandfec: 1, usedtx: 1 } }],
				headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_EXTENSION_ID }],
				encodings: [{ ssrc: this.media.audio.ssrc }],
			},
		});
		this.media.audioOn = this.#options.speaking;
		await this.request('producer.create', {
			transportId: send.id, kind: 'video', source: 'camera', paused: false, height: SIMULCAST.at(-1)!.height,
			rtpParameters: {
				codecs: [{
					mimeType: 'video/VP8', payloadType: VP8_PAYLOAD_TYPE, clockRate: 90_000,
					rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
				}],
				encodings: this.media.video.map(({ ssrc }) => ({ ssrc, scalabilityMode: 'L1T3' })),
			},
		});
		const target = { ip: send.ip!, port: send.port! };
		this.media.answerKeyFrameRequests(send.srtpParameters!);
		this.media.sendTo(target, target);
	}

	#producerAdded(producer: ProducerView): void {
		if (!this.#grid) return;
		// Live microphones are consumed at once, muted ones when they unmute; video follows the view.
		if (producer.kind === 'audio') {
			this.#mics.set(producer.id, !producer.paused);
			if (!producer.paused) void this.#consume([producer.id]);
		} else if (producer.source === 'camera') {
			this.#cameras.push(producer);
			this.#scheduleView();
		}
	}

	#producerResumed(producerId: string): void {
		if (!this.#mics.has(producerId)) return;
		this.#mics.set(producerId, true);
		void this.#consume([producerId]);
	}

	#producerClosed(producerId: string): void {
		this.#consumers.delete(producerId);
		this.#mics.delete(producerId);
		const index = this.#cameras.findIndex(({ id }) => id === producerId);
		if (index >= 0) {
			this.#cameras.splice(index, 1);
			this.#scheduleView();
		}
	}

	/** Consumes these producers (those not consumed or being consumed) in one request, and resumes them in another. */
	async #consume(producerIds: string[]): Promise<void> {
		const wanted = producerIds.filter((id) => !this.#consumers.has(id) && !this.#consuming.has(id));
		if (wanted.length === 0 || !this.#receiving) return;
		for (const id of wanted) this.#consuming.add(id);
		try {
			const { consumers, refused } = await this.consume(wanted);
			// A producer may have gone away meanwhile; the grid moves on, and the refusal is counted.
			for (const { error } of refused) this.#countFailure(error.code);
			for (const consumer of consumers) this.#consumers.set(consumer.producerId, consumer.id);
			if (consumers.length > 0) await this.resume(consumers.map(({ id }) => id));
		} catch (error) {
			this.#countFailure((error as { code?: string }).code ?? 'UNKNOWN');
		} finally {
			for (const id of wanted) this.#consuming.delete(id);
		}
	}

	#countFailure(code: string): void {
		this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
	}

	/** The tiles this bot shows: the grid's first tiles, and the active speaker's larger one. */
	#tiles(): { producerId: string; height: number }[] {
		const grid = this.#grid!;
		const tiles = new Map(this.#cameras.slice(0, grid.tiles).map(({ id }) => [id, grid.tileHeight]));
		const speaker = this.#cameras.find(({ participantId }) => participantId === this.#activeSpeaker);
		if (speaker) tiles.set(speaker.id, grid.speakerHeight);
		return [...tiles].map(([producerId, height]) => ({ producerId, height }));
	}

	#scheduleView(): void {
		if (!this.#grid || this.#viewTimer || !this.#receiving) return;
		this.#viewTimer = setTimeout(() => {
			this.#viewTimer = undefined;
			void this.#applyView();
		}, VIEW_THROTTLE_MS);
	}

	async #applyView(): Promise<void> {
		const tiles = this.#tiles();
		const key = JSON.stringify(tiles);
		let view = Promise.resolve();
		if (key !== this.#lastView) {
			this.#lastView = key;
			view = this.request('view.update', { tiles }).then(() => undefined, () => undefined);
		}
		if (!this.#grid?.concurrentView) await view;
		const cameras = this.#grid?.consumeAll ? this.#cameras.map(({ id }) => id) : tiles.map(({ producerId }) => producerId);
		const liveMics = [...this.#mics].flatMap(([id, live]) => (live ? [id] : []));
		await Promise.all([view, this.#consume([...cameras, ...liveMics])]);
		if (tiles.every(({ producerId }) => this.#consumers.has(producerId))) this.subscribedAt = performance.now();
	}

	/** Shows another grid (a grid viewer only): consumers follow within the view throttle. */
	setGrid(grid: NonNullable<BotOptions['grid']>): void {
		if (!this.#grid) throw new Error('not a grid viewer');
		this.#grid = grid;
		this.#scheduleView();
	}

	/** The dominant speaker the server announced last. */
	get activeSpeaker(): string | null {
		return this.#activeSpeaker;
	}

	/** Whether every tile the grid wants has its consumer. */
	get subscribed(): boolean {
		return this.#tiles().every(({ producerId }) => this.#consumers.has(producerId));
	}

	override close(): void {
		this.#keys?.close();
		clearTimeout(this.#viewTimer);
		super.close();
		this.media.close();
	}
}
