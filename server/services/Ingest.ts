/**
 * Participants the owner app publishes itself (`POST /rooms/:id/ingest`):
 * an encoder such as ffmpeg, a recorded talk, a load-test bot. They reach
 * the room over plain SRTP (no ICE, no DTLS), which only they may use.
 *
 * With streams asked for, the participant is seated at once, without a
 * signalling connection: one plain send transport per stream, with RTCP on a
 * port of its own (an encoder sends each stream, and its RTCP, from sockets
 * of their own, and a comedia transport follows the first source it hears),
 * all keyed with one server-made SRTP key. It leaves
 * when its room ends, when a host or the owner app removes it, or after
 * `idleMs` without a packet. Without streams, the answer is only a token for
 * a client that does its own signalling (a bot).
 */
import crypto from 'node:crypto';
import { nanoid } from 'nanoid';
import { CloseReason } from '../../shared/errors.js';
import type { IngestResponse, IngestStream } from '../../shared/api.js';
import type { ServerEvents } from '../../shared/protocol.js';
import type { IngestBody, SrtpParameters } from '../../shared/schemas.js';
import { newSrtpParameters } from '../../shared/srtp.js';
import type { AppUser } from '../auth/appTokens.js';
import type { ParticipantClaims, ParticipantTokens } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RoomStore } from '../store/RoomStore.js';
import type { LiveRoomDirectory } from '../rooms/LiveRoomDirectory.js';
import type { Moderation } from './Moderation.js';
import type { Participant, ParticipantConnection } from '../rooms/Participant.js';
import type { Room } from '../rooms/Room.js';

/** Payload types and codecs offered to encoders; the router maps them to its own. */
const STREAMS = {
	audio: { codec: 'opus', mimeType: 'audio/opus', clockRate: 48_000, payloadType: 100, channels: 2 },
	video: { codec: 'VP8', mimeType: 'video/VP8', clockRate: 90_000, payloadType: 101 },
} as const;

export interface IngestOptions {
	/** An HTTP-streamed participant leaves after this long without a packet. */
	idleMs: number;
	/** Where the participant opens Socket.IO: this node's path (the room's node answers). */
	signalingPath: string;
}

/** A seat without a client: events go nowhere, and its end frees the room. */
class HeadlessConnection implements ParticipantConnection {
	#gone = false;

	constructor(private readonly onGone: () => void) {}

	emit<E extends keyof ServerEvents>(_event: E, _payload: ServerEvents[E]): void {}

	disconnect(): void {
		if (this.#gone) return;
		this.#gone = true;
		this.onGone();
	}
}

/** An SRTP master key and salt (30 bytes) for AES_CM_128_HMAC_SHA1_80. */
function randomSsrc(): number {
	// Below 2^31: ffmpeg's -ssrc option takes a signed 32-bit integer.
	return crypto.randomInt(1, 0x7fff_ffff);
}

export class Ingest {
	constructor(
		private readonly rooms: RoomStore,
		private readonly liveRooms: LiveRoomDirectory,
		private readonly moderation: Moderation,
		private readonly tokens: ParticipantTokens,
		private readonly options: IngestOptions,
		private readonly logger: Logger,
	) {}

	async create(user: AppUser, roomId: string, body: IngestBody): Promise<IngestResponse> {
		if (this.liveRooms.draining) throw Errors.draining();
		const record = await this.rooms.getRoom(roomId);
		if (!record || !(await this.moderation.owns(user, record))) throw Errors.roomNotFound();
		if (record.status === 'ended') throw Errors.roomEnded();
		// No identity: the stream is the app's, not its user's, and nobody sees the user's app id through it.
		const claims: ParticipantClaims = { rid: record.id, code: record.code, pid: nanoid(), name: body.name, role: 'guest', appName: user.app.name, ingest: true };
		const token = this.tokens.sign(claims);
		const seat = { participantId: claims.pid, token, signalingPath: this.options.signalingPath };
		if (!body.audio && !body.video) return seat;
		// Token-only ingest (a client that signals itself, like the bots) can encrypt; ffmpeg's plain SRTP streams cannot.
		if (record.e2ee) throw Errors.e2eeRoom('this room is end-to-end encrypted: streams from ffmpeg would be in clear; ask for a token only');
		return { ...seat, ...await this.#seatStreaming(claims, body) };
	}

	async #seatStreaming(claims: ParticipantClaims, body: IngestBody): Promise<Pick<IngestResponse, 'srtp' | 'audio' | 'video'>> {
		const room = await this.liveRooms.open(claims.rid);
		room.retain();
		let watchdog: NodeJS.Timeout | undefined;
		const connection = new HeadlessConnection(() => {
			clearInterval(watchdog);
			room.release();
		});
		let participant: Participant;
		try {
			// Admitted by the app and not waiting: seated, or refused (a full room).
			room.join(claims, { rtpCapabilities: room.media.rtpCapabilities }, connection, { wait: false, banned: false });
			participant = room.seated(claims.pid)!;
		} catch (error) {
			connection.disconnect();
			throw error;
		}
		try {
			const srtp = newSrtpParameters();
			const audio = body.audio ? await this.#stream(room, participant, 'audio', srtp) : undefined;
			const video = body.video ? await this.#stream(room, participant, 'video', srtp) : undefined;
			watchdog = this.#watchIdle(room, participant);
			participant.logger.info({ audio: Boolean(audio), video: Boolean(video) }, 'ingest streaming');
			return { srtp, ...(audio ? { audio } : {}), ...(video ? { video } : {}) };
		} catch (error) {
			room.leave(participant, CloseReason.MEDIA_FAILURE);
			throw error;
		}
	}

	async #stream(room: Room, participant: Participant, kind: 'audio' | 'video', srtp: SrtpParameters): Promise<IngestStream> {
		const spec = STREAMS[kind];
		// Encoders send RTCP from a second socket; a transport following one source would drop it.
		const transport = await room.media.createTransport(participant.media, 'send', 'plain', { rtcpMux: false });
		await room.media.connectTransport(participant.media, transport.id, { srtpParameters: srtp });
		const ssrc = randomSsrc();
		const { id } = await room.media.produce(participant.media, {
			transportId: transport.id,
			kind,
			source: kind === 'audio' ? 'mic' : 'camera',
			paused: false,
			rtpParameters: {
				codecs: [{
					mimeType: spec.mimeType, payloadType: spec.payloadType, clockRate: spec.clockRate,
					...(kind === 'audio' ? { channels: STREAMS.audio.channels } : {}),
				}],
				encodings: [{ ssrc }],
			},
		});
		return { producerId: id, ip: transport.ip!, port: transport.port!, rtcpPort: transport.rtcpPort!, payloadType: spec.payloadType, ssrc, codec: spec.codec, clockRate: spec.clockRate };
	}

	/** Frees the seat once no packet has arrived on any of its transports for `idleMs`. */
	#watchIdle(room: Room, participant: Participant): NodeJS.Timeout {
		let lastBytes = -1;
		let lastChange = Date.now();
		const timer = setInterval(async () => {
			const bytes = await participant.media.bytesReceived().catch(() => lastBytes);
			if (bytes !== lastBytes) {
				lastBytes = bytes;
				lastChange = Date.now();
			} else if (Date.now() - lastChange >= this.options.idleMs) {
				this.logger.info({ roomId: room.id, participantId: participant.id }, 'ingest idle: leaving');
				room.leave(participant, CloseReason.LEFT);
			}
		}, Math.min(5000, Math.max(100, this.options.idleMs / 4)));
		timer.unref();
		return timer;
	}
}
