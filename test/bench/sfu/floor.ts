/**
 * The floor for `bench:sfu`: the same bots, SRTP and subscriptions against
 * bare mediasoup. One worker and router in this process; transports,
 * producers and consumers made directly, with no rooms, signalling,
 * observers or bookkeeping. What the worker spends here is what forwarding
 * this load costs at the least.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../../../server/media/mediaCodecs.js';
import { preferredLayers } from '../../../server/media/layers.js';
import { newSrtpParameters } from '../../../shared/srtp.js';
import { AUDIO_LEVEL_EXTENSION_ID } from '../../../tools/loadtest/src/bots/rtp.js';
import { botRtpCapabilities } from '../../../tools/loadtest/src/bots/Bot.js';
import { BotMedia, OPUS_PAYLOAD_TYPE, VP8_PAYLOAD_TYPE } from '../../../tools/loadtest/src/bots/BotMedia.js';
import { type Clip, SIMULCAST } from '../../../tools/loadtest/src/bots/clip.js';
import { SRTP_CRYPTO_SUITE, type SrtpParameters } from '../../../shared/schemas.js';

const LISTEN: types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1', portRange: { min: 20_000, max: 31_999 } };

export interface FloorBot {
	media: BotMedia;
	camera: types.Producer;
	mic: types.Producer;
	receive: types.PlainTransport;
}

export interface Grid {
	tiles: number;
	tileHeight: number;
	speakerHeight: number;
}

export class FloorRoom {
	readonly worker: types.Worker;
	readonly router: types.Router;
	readonly bots: FloorBot[] = [];

	private constructor(worker: types.Worker, router: types.Router) {
		this.worker = worker;
		this.router = router;
	}

	/** `workerBin`: another mediasoup-worker binary than the installed one (the bench's before/after comparison). */
	static async start(workerBin?: string): Promise<FloorRoom> {
		const worker = await mediasoup.createWorker({ logLevel: 'warn', ...(workerBin ? { workerBin } : {}) });
		return new FloorRoom(worker, await worker.createRouter({ mediaCodecs: MEDIA_CODECS }));
	}

	/** A bot publishing Opus (paused unless `speaking`) and three-layer VP8 simulcast, with a receive transport. */
	async join(clip: Clip, speaking: boolean): Promise<FloorBot> {
		const media = await BotMedia.open(clip, newSrtpParameters());
		const srtp = { enableSrtp: true, srtpCryptoSuite: SRTP_CRYPTO_SUITE } as const;
		const send = await this.router.createPlainTransport({ listenInfo: LISTEN, rtcpMux: true, comedia: true, ...srtp });
		await send.connect({ srtpParameters: media.srtp });
		const mic = await send.produce({
			kind: 'audio', paused: !speaking,
			rtpParameters: {
				codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PAYLOAD_TYPE, clockRate: 48_000, channels: 2 }],
				headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_EXTENSION_ID }],
				encodings: [{ ssrc: media.audio.ssrc }],
			},
		});
		const camera = await send.produce({
			kind: 'video',
			rtpParameters: {
				codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PAYLOAD_TYPE, clockRate: 90_000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
				encodings: media.video.map(({ ssrc }) => ({ ssrc, scalabilityMode: 'L1T3' })),
			},
		});
		const receive = await this.router.createPlainTransport({ listenInfo: LISTEN, rtcpMux: true, comedia: false, ...srtp });
		await receive.connect({ ip: '127.0.0.1', port: media.receivePort, srtpParameters: media.srtp });
		media.audioOn = speaking;
		media.answerKeyFrameRequests(send.srtpParameters as SrtpParameters);
		media.sendTo({ ip: send.tuple.localAddress, port: send.tuple.localPort }, { ip: send.tuple.localAddress, port: send.tuple.localPort });
		const bot = { media, camera, mic, receive };
		this.bots.push(bot);
		return bot;
	}

	/**
	 * Each bot consumes every live microphone (as the room's clients do: a muted one only once it unmutes), the
	 * first `tiles` other cameras at `tileHeight`, and the speaker's at `speakerHeight`; and, as the room does,
	 * every other camera too, paused (off the page). Resolves how many consumers are so paused.
	 */
	async subscribeGrid(grid: Grid, speaker: FloorBot): Promise<number> {
		let paused = 0;
		for (const viewer of this.bots) {
			for (const other of this.bots.filter((bot) => bot !== viewer)) {
				if (await this.consume(viewer, other, grid, speaker) === 'paused') paused++;
			}
		}
		return paused;
	}

	/**
	 * What `viewer` consumes of `other`: its live microphone, and its camera at its tile's layers, or paused when
	 * it is off the page (not among the first `tiles` of the others, nor the speaker).
	 */
	async consume(viewer: FloorBot, other: FloorBot, grid: Grid, speaker: FloorBot): Promise<'shown' | 'paused'> {
		// The same cast the server makes of what a client sends: the schema checked it, mediasoup checks it again.
		const rtpCapabilities = botRtpCapabilities(this.router.rtpCapabilities) as types.RtpCapabilities;
		const tile = other === speaker ? grid.speakerHeight
			: this.bots.filter((bot) => bot !== viewer).indexOf(other) < grid.tiles ? grid.tileHeight : undefined;
		await Promise.all([
			other.mic.paused ? undefined : viewer.receive.consume({ producerId: other.mic.id, rtpCapabilities }),
			viewer.receive.consume({
				producerId: other.camera.id, rtpCapabilities,
				...(tile === undefined ? { paused: true } : { preferredLayers: preferredLayers(tile, SIMULCAST.at(-1)!.height) }),
			}),
		]);
		return tile === undefined ? 'paused' : 'shown';
	}

	close(): void {
		for (const bot of this.bots) bot.media.close();
		this.worker.close();
	}
}
