/**
 * Runtime schemas for every HTTP body and Socket.IO payload. Types are
 * inferred from them, so what is validated is what is typed.
 */
import { z } from 'zod';
import { INVITE_CODE_ALPHABET, LIMITS } from './limits.js';

const displayName = z.string().trim().min(1).max(LIMITS.nameMaxLength)
	// Control characters would corrupt tiles and logs.
	.refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'must not contain control characters');

export const Audience = z.enum(['link', 'signed-in']);
export type Audience = z.infer<typeof Audience>;

export const Role = z.enum(['host', 'guest']);
export type Role = z.infer<typeof Role>;

export const InviteCode = z.string().length(LIMITS.inviteCodeLength)
	.regex(new RegExp(`^[${INVITE_CODE_ALPHABET}]+$`));

export const CreateRoomBody = z.strictObject({
	title: z.string().trim().min(1).max(LIMITS.titleMaxLength).optional(),
	audience: Audience.optional(),
	maxParticipants: z.number().int().min(LIMITS.minParticipants).max(LIMITS.maxParticipants).optional(),
});
export type CreateRoomBody = z.infer<typeof CreateRoomBody>;

/** Creating a room from the landing page, as the built-in `web` app. */
export const WebRoomBody = z.strictObject({
	name: displayName,
	title: z.string().trim().min(1).max(LIMITS.titleMaxLength).optional(),
});

export const JoinBody = z.strictObject({
	name: displayName,
	/** An app's JWT for its signed-in user (needed for `signed-in` rooms). */
	appToken: z.string().min(1).max(4096).optional(),
	/** The host credential from the host link's fragment. */
	hostKey: z.string().min(16).max(128).optional(),
});
export type JoinBody = z.infer<typeof JoinBody>;

// mediasoup validates RTP parameters in depth; these schemas keep the shape
// honest at the edge and bound its size.
const looseRecord = z.record(z.string(), z.unknown());
const RtpCodecCapability = z.looseObject({
	kind: z.enum(['audio', 'video']),
	mimeType: z.string().max(64),
	clockRate: z.number().int().positive(),
});
export const RtpCapabilities = z.looseObject({
	codecs: z.array(RtpCodecCapability).max(64),
	headerExtensions: z.array(looseRecord).max(64).optional(),
});
export const RtpParameters = z.looseObject({
	codecs: z.array(looseRecord).min(1).max(16),
	encodings: z.array(looseRecord).max(8).optional(),
	headerExtensions: z.array(looseRecord).max(32).optional(),
	rtcp: looseRecord.optional(),
	mid: z.string().max(32).optional(),
});
export const DtlsParameters = z.looseObject({
	role: z.enum(['auto', 'client', 'server']).optional(),
	fingerprints: z.array(z.strictObject({ algorithm: z.string().max(16), value: z.string().max(256) })).min(1).max(8),
});

const id = z.string().min(1).max(64);

export const MediaSource = z.enum(['mic', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;

export const JoinRoomRequest = z.strictObject({ rtpCapabilities: RtpCapabilities });
export const CreateTransportRequest = z.strictObject({
	direction: z.enum(['send', 'recv']),
	/** `plain` (unencrypted RTP over UDP) is for load-test tools, when the server enables it. */
	type: z.enum(['webrtc', 'plain']).default('webrtc'),
});
export const ConnectTransportRequest = z.strictObject({
	transportId: id,
	/** WebRTC transports. */
	dtlsParameters: DtlsParameters.optional(),
	/** Plain receive transports: where to send RTP. */
	ip: z.union([z.ipv4(), z.ipv6()]).optional(),
	port: z.number().int().min(1).max(65535).optional(),
});
export const TransportRequest = z.strictObject({ transportId: id });
export const ProduceRequest = z.strictObject({
	transportId: id,
	kind: z.enum(['audio', 'video']),
	source: MediaSource,
	rtpParameters: RtpParameters,
	paused: z.boolean().default(false),
});
export const ProducerRequest = z.strictObject({ producerId: id });
export const ConsumeRequest = z.strictObject({ transportId: id, producerId: id });
export const ConsumerRequest = z.strictObject({ consumerId: id });
export const ChatRequest = z.strictObject({ text: z.string().trim().min(1).max(LIMITS.chatMaxLength) });
export const EmptyRequest = z.strictObject({}).optional();
