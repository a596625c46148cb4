/**
 * Outgoing RTP for bots and synthetic participants: SRTP protection
 * (werift-rtp's, AES_CM_128_HMAC_SHA1_80 as browsers use), one class per
 * stream for sequence numbers and sender reports, and VP8 packetization
 * (RFC 7741) with picture ids and temporal layer indices.
 */
import crypto from 'node:crypto';
import {
	ProtectionProfileAes128CmHmacSha1_80, RtcpSenderInfo, RtcpSrPacket, RtpHeader, SrtcpSession, SrtpSession,
} from 'werift-rtp';
import type { SrtpParameters } from '../../../../shared/schemas.js';

function keysOf({ keyBase64 }: SrtpParameters): { key: Buffer; salt: Buffer } {
	const raw = Buffer.from(keyBase64, 'base64');
	return { key: raw.subarray(0, 16), salt: raw.subarray(16, 30) };
}

/** Encrypts RTP and RTCP with one key; bots never decrypt (RTP headers travel in the clear). */
export class SrtpProtector {
	readonly #rtp: SrtpSession;
	readonly #rtcp: SrtcpSession;

	constructor(local: SrtpParameters) {
		const { key, salt } = keysOf(local);
		// Only the local side is used; the remote key is a placeholder the library needs.
		const keys = { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt };
		this.#rtp = new SrtpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
		this.#rtcp = new SrtcpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
	}

	rtp(header: RtpHeader, payload: Buffer): Buffer {
		return this.#rtp.encrypt(payload, header);
	}

	rtcp(packet: Buffer): Buffer {
		return this.#rtcp.encrypt(packet);
	}
}

/** The header extension id bots give `urn:ietf:params:rtp-hdrext:ssrc-audio-level`. */
export const AUDIO_LEVEL_EXTENSION_ID = 1;

/** NTP time (seconds since 1900, 32.32 fixed point) for sender reports. */
function ntpNow(): bigint {
	const ms = BigInt(Date.now()) + 2_208_988_800_000n;
	return ((ms / 1000n) << 32n) | (((ms % 1000n) << 32n) / 1000n);
}

/** One outgoing stream: its SSRC, sequence numbers and counts. */
export class RtpStream {
	readonly ssrc: number;
	readonly payloadType: number;
	readonly clockRate: number;
	#sequence = crypto.randomInt(0, 0x8000);
	#packets = 0;
	#octets = 0;
	#lastTimestamp = 0;

	constructor(ssrc: number, payloadType: number, clockRate: number, private readonly protector: SrtpProtector) {
		this.ssrc = ssrc;
		this.payloadType = payloadType;
		this.clockRate = clockRate;
	}

	get packetsSent(): number {
		return this.#packets;
	}

	/** `audioLevel`: the RFC 6464 level (0 loudest .. 127 silent, dBov negated) in a one-byte header extension, as browsers send it. */
	packet(payload: Buffer, timestamp: number, marker: boolean, audioLevel?: number): Buffer {
		const header = new RtpHeader({
			payloadType: this.payloadType, sequenceNumber: this.#sequence, timestamp: timestamp >>> 0, ssrc: this.ssrc, marker,
			...(audioLevel === undefined ? {} : {
				extension: true,
				// The voice-activity bit, then the level.
				extensions: [{ id: AUDIO_LEVEL_EXTENSION_ID, payload: Buffer.from([0x80 | audioLevel]) }],
			}),
		});
		this.#sequence = (this.#sequence + 1) & 0xffff;
		this.#packets++;
		this.#octets += payload.length;
		this.#lastTimestamp = timestamp >>> 0;
		return this.protector.rtp(header, payload);
	}

	/**
	 * An SRTCP sender report. mediasoup needs them on every simulcast stream
	 * to line the streams' timestamps up before it switches a viewer's layer.
	 */
	senderReport(): Buffer {
		const senderInfo = new RtcpSenderInfo({
			ntpTimestamp: ntpNow(), rtpTimestamp: this.#lastTimestamp, packetCount: this.#packets, octetCount: this.#octets,
		});
		return this.protector.rtcp(new RtcpSrPacket({ ssrc: this.ssrc, senderInfo }).serialize());
	}
}

/** Room for the SRTP tag and the IP/UDP headers within a 1200-byte datagram. */
const MAX_VP8_PAYLOAD = 1100;

export interface Vp8Picture {
	/** 15-bit picture id, one per frame. */
	pictureId: number;
	/** Index of the last temporal-layer-0 frame, 8 bits. */
	tl0PicIdx: number;
	temporalLayer: number;
	/** A frame that higher temporal layers can switch up at (TL0 and TL1 frames here). */
	layerSync: boolean;
}

/** One VP8 frame as RTP payloads: a 6-byte descriptor (picture id, TL0PICIDX, TID) before each piece. */
export function vp8Payloads(frame: Buffer, picture: Vp8Picture): Buffer[] {
	const payloads: Buffer[] = [];
	for (let offset = 0; offset < frame.length; offset += MAX_VP8_PAYLOAD) {
		const piece = frame.subarray(offset, offset + MAX_VP8_PAYLOAD);
		const descriptor = Buffer.from([
			// X: extensions follow; S: the start of partition 0 on the first piece.
			offset === 0 ? 0x90 : 0x80,
			// I: picture id, L: TL0PICIDX, T: TID present.
			0xe0,
			0x80 | ((picture.pictureId >> 8) & 0x7f),
			picture.pictureId & 0xff,
			picture.tl0PicIdx & 0xff,
			(picture.temporalLayer << 6) | (picture.layerSync ? 0x20 : 0),
		]);
		payloads.push(Buffer.concat([descriptor, piece]));
	}
	return payloads;
}
