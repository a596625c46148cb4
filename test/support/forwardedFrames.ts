/**
 * What the SFU forwards of a room, as a curious operator could record it: a
 * token-only ingest participant of the owner app consumes every producer over
 * plain SRTP, removes the transport's SRTP with the server's own key, and
 * reads the end of each frame. An end-to-end encrypted frame ends with its
 * trailer (the generation of its key, then the format byte); a clear one
 * almost never does.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { ProtectionProfileAes128CmHmacSha1_80, RtpPacket, SrtpSession } from 'werift-rtp';
import { FRAME_FORMAT } from '../../shared/e2ee/frames.js';
import { newSrtpParameters } from '../../shared/srtp.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';
import { ownerToken } from './rooms.js';

export interface FrameCounts {
	frames: number;
	/** Frames ending with the end-to-end trailer's format byte. */
	sealed: number;
}

export class ForwardedFrames {
	readonly counts = { audio: { frames: 0, sealed: 0 }, video: { frames: 0, sealed: 0 } };
	/** The generation named by each stream's latest sealed frame, by SSRC. */
	readonly generations = new Map<number, number>();
	readonly #socket: dgram.Socket;
	/** The media payload type of each consumer, and its kind (retransmissions are not counted). */
	readonly #kinds = new Map<number, 'audio' | 'video'>();

	private constructor(readonly bot: BotConnection, socket: dgram.Socket) {
		this.#socket = socket;
	}

	/** Seats the recorder and consumes every producer in the room now. */
	static async start(url: string, roomId: string): Promise<ForwardedFrames> {
		const bot = await BotConnection.ingest(url, roomId, 'Recorder', ownerToken());
		const socket = dgram.createSocket('udp4');
		await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
		const recorder = new ForwardedFrames(bot, socket);
		const transport = await bot.signaling.request('transport.create', { direction: 'recv', type: 'plain' });
		await bot.signaling.request('transport.connect', {
			transportId: transport.id, ip: '127.0.0.1', port: (socket.address() as AddressInfo).port, srtpParameters: newSrtpParameters(),
		});
		const raw = Buffer.from(transport.srtpParameters!.keyBase64, 'base64');
		const keys = { key: raw.subarray(0, 16), salt: raw.subarray(16, 30) };
		const srtp = new SrtpSession({
			keys: { localMasterKey: keys.key, localMasterSalt: keys.salt, remoteMasterKey: keys.key, remoteMasterSalt: keys.salt },
			profile: ProtectionProfileAes128CmHmacSha1_80,
		});
		socket.on('message', (packet) => {
			// RTCP shares the port (sender reports: packet types 200 to 204); only RTP carries frames.
			if (packet[1]! >= 200 && packet[1]! <= 204) return;
			recorder.#packet(RtpPacket.deSerialize(srtp.decrypt(packet)));
		});
		const { consumers, refused } = await bot.signaling.request('consumer.createMany', {
			transportId: transport.id, producerIds: bot.joined.producers.map(({ id }) => id), rtpCapabilities: bot.rtpCapabilities!,
		});
		if (refused.length > 0) throw new Error(`could not consume: ${JSON.stringify(refused)}`);
		for (const consumer of consumers) recorder.#kinds.set(consumer.rtpParameters.codecs[0]!.payloadType, consumer.kind);
		await bot.signaling.request('consumer.resumeMany', { consumerIds: consumers.map(({ id }) => id) });
		return recorder;
	}

	#packet({ header, payload }: RtpPacket): void {
		const kind = this.#kinds.get(header.payloadType);
		if (!kind || payload.length === 0 || header.padding) return;
		// An Opus packet is one frame; a VP8 frame ends with the packet that has the marker bit.
		if (kind === 'video' && !header.marker) return;
		this.counts[kind].frames++;
		// The last packet of a split frame holds its tail: the trailer's format byte, and the generation before it.
		if (payload[payload.length - 1] !== FRAME_FORMAT || payload.length < 5) return;
		this.counts[kind].sealed++;
		this.generations.set(header.ssrc, payload.readUInt32BE(payload.length - 5));
	}

	close(): void {
		this.#socket.close();
		this.bot.close();
	}
}
