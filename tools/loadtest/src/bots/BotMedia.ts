/**
 * A bot's media, apart from how it reaches a room: it replays the clip as
 * SRTP (Opus, and VP8 in three simulcast streams with temporal layers) to
 * where the SFU listens, answers its key frame requests by skipping to the
 * clip's next key frame, and counts what arrives on its receive socket. RTP
 * headers travel in the clear under SRTP, so receiving never decrypts:
 * packets, bytes and sequence gaps (loss) come from the headers. In an end-to-
 * end encrypted room it sends the clip sealed under its sender key
 * (sealedClip.ts), and nothing before it has one.
 */
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { ProtectionProfileAes128CmHmacSha1_80, SrtcpSession } from 'werift-rtp';
import type { SenderKey } from '../../../../shared/e2ee/senderKey.js';
import type { SrtpParameters } from '../../../../shared/schemas.js';
import { type Clip, FRAME_RATE, KEY_FRAME_INTERVAL, OPUS_FRAME_MS, SIMULCAST } from './clip.js';
import { RtpStream, SrtpProtector, vp8Payloads } from './rtp.js';
import { SealedClip } from './sealedClip.js';
import { type NetworkProfile, Shaper } from '../network.js';

export const OPUS_PAYLOAD_TYPE = 100;
export const VP8_PAYLOAD_TYPE = 101;
const VIDEO_CLOCK = 90_000;
const AUDIO_CLOCK = 48_000;
const SENDER_REPORT_MS = 1000;
/** After a stall (a busy machine), sending skips ahead rather than bursting out what it missed. */
const MAX_CATCH_UP_MS = 200;
/** mediasoup's bandwidth probe: padding on its own SSRC, not media, and not counted. */
const PROBATOR_SSRC = 1234;
/**
 * The level a speaking bot reports for its 20 ms frame `index`: syllables
 * (loud for 160 ms, softer for 80 ms) and a breath every 2 s. A steady level
 * would look like background noise to the dominant speaker detection, which
 * learns each microphone's noise floor.
 */
function speechLevel(index: number): number {
	if (index % 100 >= 85) return 100;
	return index % 12 < 8 ? 18 + (index % 4) : 45;
}

/** What arrives on one SSRC. */
export interface ReceivedStream {
	packets: number;
	bytes: number;
	/** Extended sequence numbers: the first seen and the highest. */
	firstSequence: number;
	highestSequence: number;
}

export interface ReceiveTotals {
	packets: number;
	bytes: number;
	/** Packets the sequence numbers say were sent and never arrived. */
	lost: number;
}

function randomSsrc(): number {
	return crypto.randomInt(1, 0x7fff_ffff);
}

export class BotMedia {
	readonly srtp: SrtpParameters;
	readonly audio: RtpStream;
	/** Smallest first, as SIMULCAST. */
	readonly video: RtpStream[];
	readonly received = new Map<number, ReceivedStream>();
	readonly #clip: Clip;
	readonly #send: dgram.Socket;
	readonly #receive: dgram.Socket;
	#audioTarget: { ip: string; port: number } | undefined;
	#videoTarget: { ip: string; port: number } | undefined;
	/** Key frame requests the SFU sent for this bot's video. */
	keyFrameRequests = 0;
	/** Whether the microphone is on: a muted bot sends no audio at all, as a muted browser with DTX nearly does. */
	audioOn = true;
	#startedAt = 0;
	#videoFrames = 0;
	#audioFrames = 0;
	#tl0PicIdx = 0;
	/** Frames skipped in the clip to answer key frame requests. */
	#clipOffset = 0;
	#keyFrameWanted = false;
	/** Decrypts what the SFU sends back on the send socket (RTCP: receiver reports, key frame requests). */
	#feedback: SrtcpSession | undefined;
	#lastReport = 0;
	#closed = false;
	/** The bot's network each way (`--network`); none: the machine's own. */
	#up: Shaper | undefined;
	#down: Shaper | undefined;
	/**
	 * In an end-to-end encrypted room: the clip under this bot's current key,
	 * and under the one before, whose frames already sealed go out while the
	 * new key's are being sealed (receivers keep a few generations).
	 */
	#encrypted = false;
	#sealed: SealedClip | undefined;
	#previous: SealedClip | undefined;

	private constructor(clip: Clip, send: dgram.Socket, receive: dgram.Socket, srtp: SrtpParameters) {
		this.#clip = clip;
		this.#send = send;
		this.#receive = receive;
		this.srtp = srtp;
		const protector = new SrtpProtector(srtp);
		this.audio = new RtpStream(randomSsrc(), OPUS_PAYLOAD_TYPE, AUDIO_CLOCK, protector);
		this.video = SIMULCAST.map(() => new RtpStream(randomSsrc(), VP8_PAYLOAD_TYPE, VIDEO_CLOCK, protector));
		receive.on('message', (packet) => {
			if (!this.#down) this.#count(packet);
			else this.#down.pass(packet.length, () => this.#count(packet));
		});
	}

	/** Puts this bot on a network (`--network`): its loss, delay and throughput, each way. */
	shape(profile: NetworkProfile): void {
		this.#up = Shaper.of(profile, 'up');
		this.#down = Shaper.of(profile, 'down');
	}

	/** Sends one packet, through the bot's network when it has one. */
	#out(packet: Buffer, target: { ip: string; port: number }): void {
		const send = () => {
			// A packet held back by the network may come due after the bot left.
			if (!this.#closed) this.#send.send(packet, target.port, target.ip);
		};
		if (this.#up) this.#up.pass(packet.length, send);
		else send();
	}

	static async open(clip: Clip, srtp: SrtpParameters): Promise<BotMedia> {
		const bind = async () => {
			const socket = dgram.createSocket('udp4');
			await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
			return socket;
		};
		return new BotMedia(clip, await bind(), await bind(), srtp);
	}

	/**
	 * Answers the SFU's key frame requests (PLI, FIR) for this bot's video,
	 * which it sends encrypted with `serverSrtp` on the send transport; a new
	 * viewer then waits for one frame, not for the clip's next key frame.
	 */
	answerKeyFrameRequests(serverSrtp: SrtpParameters): void {
		const raw = Buffer.from(serverSrtp.keyBase64, 'base64');
		const ours = Buffer.from(this.srtp.keyBase64, 'base64');
		this.#feedback = new SrtcpSession({
			keys: { localMasterKey: ours.subarray(0, 16), localMasterSalt: ours.subarray(16, 30), remoteMasterKey: raw.subarray(0, 16), remoteMasterSalt: raw.subarray(16, 30) },
			profile: ProtectionProfileAes128CmHmacSha1_80,
		});
		this.#send.on('message', (packet) => this.#onFeedback(packet));
	}

	#onFeedback(packet: Buffer): void {
		let rtcp: Buffer;
		try {
			rtcp = this.#feedback!.decrypt(packet);
		} catch {
			return;
		}
		const ours = new Set(this.video.map(({ ssrc }) => ssrc));
		// A compound packet: each part has a 4-byte header whose length counts 32-bit words after it.
		for (let offset = 0; offset + 12 <= rtcp.length; offset += (rtcp.readUInt16BE(offset + 2) + 1) * 4) {
			const format = rtcp[offset]! & 0x1f;
			const type = rtcp[offset + 1]!;
			// Payload-specific feedback (206): PLI is format 1, FIR format 4 (its media SSRC is in the FCI, also at +12).
			if (type !== 206 || (format !== 1 && format !== 4)) continue;
			const media = format === 1 ? rtcp.readUInt32BE(offset + 8) : (offset + 16 <= rtcp.length ? rtcp.readUInt32BE(offset + 12) : 0);
			if (!ours.has(media)) continue;
			this.#keyFrameWanted = true;
			this.keyFrameRequests++;
		}
	}

	/** End-to-end encrypted from now on, under `key` (sealedClip.ts); nothing goes out before the first key. */
	useKey(key: SenderKey): void {
		this.#encrypted = true;
		this.#previous = this.#sealed;
		this.#sealed = new SealedClip(this.#clip, key);
	}

	/** Why this bot's frames could not be encrypted, if they could not: it sends nothing then, never frames in clear. */
	get encryptionError(): string | undefined {
		return this.#sealed?.error;
	}

	/** Where the SFU expects this bot's media; both may be the same transport. */
	sendTo(audio: { ip: string; port: number } | undefined, video: { ip: string; port: number } | undefined): void {
		this.#audioTarget = audio;
		this.#videoTarget = video;
		this.#startedAt = performance.now();
	}

	get receivePort(): number {
		return (this.#receive.address() as AddressInfo).port;
	}

	/** Sends what is due by now; called often (every few ms) by one clock for all bots. */
	tick(now: number): void {
		if (this.#closed || this.#startedAt === 0) return;
		const elapsed = now - this.#startedAt;
		const videoDue = Math.floor(elapsed * FRAME_RATE / 1000);
		if (videoDue - this.#videoFrames > MAX_CATCH_UP_MS * FRAME_RATE / 1000) this.#videoFrames = videoDue - 1;
		while (this.#videoFrames <= videoDue) this.#sendVideoFrame(this.#videoFrames++);
		const audioDue = Math.floor(elapsed / OPUS_FRAME_MS);
		if (audioDue - this.#audioFrames > MAX_CATCH_UP_MS / OPUS_FRAME_MS) this.#audioFrames = audioDue - 1;
		while (this.#audioFrames <= audioDue) this.#sendAudioFrame(this.#audioFrames++);
		if (now - this.#lastReport >= SENDER_REPORT_MS) {
			this.#lastReport = now;
			this.#sendReports();
		}
	}

	#sendVideoFrame(index: number): void {
		const target = this.#videoTarget;
		if (!target) return;
		const clipLength = this.#clip.video[0]!.length;
		let frameInClip = (index + this.#clipOffset) % clipLength;
		if (this.#keyFrameWanted) {
			// Asked for a key frame: skip ahead to the clip's next one (the picture jumps, as a real encoder's would not).
			const skip = (KEY_FRAME_INTERVAL - (frameInClip % KEY_FRAME_INTERVAL)) % KEY_FRAME_INTERVAL;
			const keyFrame = (frameInClip + skip) % clipLength;
			// Encrypted, it goes once sealed under the current key: this frame waits (sealing takes well under one).
			if (this.#encrypted && !this.#sealed?.video(keyFrame)) return;
			this.#keyFrameWanted = false;
			this.#clipOffset += skip;
			frameInClip = keyFrame;
		}
		const timestamp = index * (VIDEO_CLOCK / FRAME_RATE);
		const { temporalLayer, layerSync } = this.#clip.video[0]![frameInClip]!;
		if (temporalLayer === 0 && index > 0) this.#tl0PicIdx = (this.#tl0PicIdx + 1) & 0xff;
		const frames = this.#encrypted
			? this.#sealed?.video(frameInClip) ?? this.#previous?.video(frameInClip, false)
			: this.#clip.video.map((layer) => layer[frameInClip]!.data);
		if (!frames) return;
		this.video.forEach((stream, layer) => {
			const payloads = vp8Payloads(frames[layer]!, { pictureId: index & 0x7fff, tl0PicIdx: this.#tl0PicIdx, temporalLayer, layerSync });
			payloads.forEach((payload, i) => this.#out(stream.packet(payload, timestamp, i === payloads.length - 1), target));
		});
	}

	#sendAudioFrame(index: number): void {
		const target = this.#audioTarget;
		if (!target || !this.audioOn) return;
		const packet = index % this.#clip.audio.length;
		const payload = this.#encrypted ? this.#sealed?.audio(packet) ?? this.#previous?.audio(packet, false) : this.#clip.audio[packet]!;
		if (!payload) return;
		this.#out(this.audio.packet(payload, index * (AUDIO_CLOCK * OPUS_FRAME_MS / 1000), false, speechLevel(index)), target);
	}

	#sendReports(): void {
		for (const stream of this.video) if (this.#videoTarget) this.#out(stream.senderReport(), this.#videoTarget);
		if (this.#audioTarget && this.audio.packetsSent > 0) this.#out(this.audio.senderReport(), this.#audioTarget);
	}

	#count(packet: Buffer): void {
		if (packet.length < 12) return;
		// RTCP shares the port (rtcp-mux): packet types 200..206 where RTP has its marker and payload type.
		const type = packet[1]!;
		if (type >= 200 && type <= 206) return;
		const ssrc = packet.readUInt32BE(8);
		if (ssrc === PROBATOR_SSRC) return;
		const sequence = packet.readUInt16BE(2);
		const stream = this.received.get(ssrc);
		if (!stream) {
			this.received.set(ssrc, { packets: 1, bytes: packet.length, firstSequence: sequence, highestSequence: sequence });
			return;
		}
		stream.packets++;
		stream.bytes += packet.length;
		// Extend to 32 bits: the nearest value to the highest so far with these low 16 bits.
		const highest = stream.highestSequence;
		let extended = (highest & ~0xffff) | sequence;
		if (extended < highest - 0x8000) extended += 0x10000;
		else if (extended > highest + 0x8000) extended -= 0x10000;
		if (extended > highest) stream.highestSequence = extended;
	}

	/** What has arrived so far, over every stream. */
	totals(): ReceiveTotals {
		let packets = 0;
		let bytes = 0;
		let expected = 0;
		for (const stream of this.received.values()) {
			packets += stream.packets;
			bytes += stream.bytes;
			expected += stream.highestSequence - stream.firstSequence + 1;
		}
		return { packets, bytes, lost: Math.max(0, expected - packets) };
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#send.close();
		this.#receive.close();
	}
}
