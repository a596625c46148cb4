/**
 * Runtime schemas for every HTTP body and Socket.IO payload. Types are
 * inferred from them, so what is validated is what is typed.
 */
import { z } from 'zod';
import { REACTIONS } from './reactions.js';
import { INVITE_CODE_ALPHABET, LIMITS } from './limits.js';

/**
 * A random key the browser keeps for itself. Removing a guest bans this key,
 * so a fresh join from the same browser stays out.
 */
const guestKey = z.string().regex(/^[\w-]{16,128}$/, 'must be 16-128 of A-Z, a-z, 0-9, _ and -');

/**
 * Characters a name or title must not hold: control characters (they corrupt
 * tiles and logs), bidirectional marks, overrides and isolates (they make
 * "Ana" read as someone else, or turn the text around it), and invisible
 * spaces and joiners (they make two names look the same). The zero-width
 * joiner and non-joiner stay allowed: Persian and Indic names and emoji
 * sequences need them.
 */
const DECEPTIVE = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const shownText = (max: number) => z.string().trim().min(1).max(max)
	.refine((value) => !DECEPTIVE.test(value), 'must not contain control, bidirectional-override or zero-width characters');

/** A person's name as others see it: from a join, or from an app token's `name` claim. */
export const DisplayName = shownText(LIMITS.nameMaxLength);
const displayName = DisplayName;

export const Audience = z.enum(['link', 'signed-in']);
export type Audience = z.infer<typeof Audience>;

/** A room role. `host` comes from the owner's credentials; `cohost` is granted in the room. */
export const Role = z.enum(['host', 'cohost', 'guest']);
export type Role = z.infer<typeof Role>;

/** The role a join token carries; co-hosts are appointed live, never by token. */
export const TokenRole = z.enum(['host', 'guest']);
export type TokenRole = z.infer<typeof TokenRole>;

export const InviteCode = z.string().length(LIMITS.inviteCodeLength)
	.regex(new RegExp(`^[${INVITE_CODE_ALPHABET}]+$`));

const title = shownText(LIMITS.titleMaxLength);
const seats = z.number().int().min(LIMITS.minParticipants).max(LIMITS.maxParticipants);
/** When the invite link stops working; null for never. Must lie in the future. */
const expiresAt = z.iso.datetime({ offset: true }).nullable()
	.refine((value) => value === null || Date.parse(value) > Date.now(), 'must be in the future');

const roomSettings = {
	title,
	audience: Audience,
	maxParticipants: seats,
	/** Guests who arrive before the host wait until the host is in. Default true. */
	waitForHost: z.boolean(),
	/** The room locks itself after a removal, as Messenger Rooms did. Default true. */
	autoLockOnRemove: z.boolean(),
	expiresAt,
};

export const CreateRoomBody = z.strictObject({
	...roomSettings,
	/** End-to-end encrypted (default false): chosen at creation only; the settings cannot change it. */
	e2ee: z.boolean(),
}).partial();
export type CreateRoomBody = z.infer<typeof CreateRoomBody>;

/** What hosts (REST PATCH or in the room) may change. At least one field. */
export const RoomSettingsPatch = z.strictObject({ ...roomSettings, locked: z.boolean() }).partial()
	.refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type RoomSettingsPatch = z.infer<typeof RoomSettingsPatch>;

export const LinkResetBody = z.strictObject({ expiresAt: expiresAt.optional() });

/** An app declares that its user is the same person as `userId` of app `app`. */
export const IdentityLinkBody = z.strictObject({
	app: z.string().min(1).max(32),
	userId: z.string().min(1).max(128),
});

/** A page of the owner's rooms: `cursor` is the `nextCursor` of the page before. */
export const RoomsQuery = z.object({
	limit: z.coerce.number().int().min(1).max(200).default(50),
	cursor: z.string().max(200).optional(),
});

export const EventsQuery = z.object({
	/** Only events after this id, for paging. */
	after: z.coerce.number().int().min(0).default(0),
	limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** What the join page asks about an invite for its own browser. */
export const InviteStatusBody = z.strictObject({ guestKey });
/** A participant asking where their room is now (after a dropped connection): their token. */
export const LocateBody = z.strictObject({ token: z.string().min(1).max(4096) });

/** Creating a room from the landing page, as the built-in `web` app. */
export const WebRoomBody = z.strictObject({
	name: displayName,
	title: title.optional(),
	e2ee: z.boolean().optional(),
});

/**
 * `POST /rooms/:id/ingest`: a participant published by the owner app, not
 * a browser. With `audio` or `video`, it is seated at once and the answer
 * says where to stream SRTP (an ffmpeg, an encoder); with neither, the answer
 * is only its token, for a client that does its own signalling (a bot).
 */
export const IngestBody = z.strictObject({
	name: displayName,
	audio: z.boolean().default(false),
	video: z.boolean().default(false),
});
export type IngestBody = z.infer<typeof IngestBody>;

export const JoinBody = z.strictObject({
	name: displayName,
	/** An app's JWT for its signed-in user (needed for `signed-in` rooms). */
	appToken: z.string().min(1).max(4096).optional(),
	/** The host credential from the host link's fragment. */
	hostKey: z.string().min(16).max(128).optional(),
	/**
	 * A random key the browser keeps for itself. Removing a guest bans this
	 * key, so a fresh join from the same browser stays out.
	 */
	guestKey: guestKey.optional(),
	/** Wait in the room's lobby (ask to join a locked room, queue for a full one) instead of being refused. */
	wait: z.boolean().optional(),
});
export type JoinBody = z.infer<typeof JoinBody>;

// RTP and DTLS shapes, as mediasoup and mediasoup-client exchange them. The
// schemas check every field's type and bound every size; mediasoup checks
// the values (which codecs, which header extension URIs) and answers
// INVALID_PAYLOAD for what it rejects. Unknown fields pass through untouched.
const MediaKind = z.enum(['audio', 'video']);
const mimeType = z.string().regex(/^(audio|video)\/[\w.+-]+$/i).max(64);
const payloadType = z.number().int().min(0).max(127);
/** Codec parameters (`profile-id`, `useinbandfec`...): at most 32, each a short string or a number. */
const codecParameters = z.record(z.string().max(64), z.unknown())
	.refine((parameters) => Object.keys(parameters).length <= 32, 'at most 32 codec parameters')
	.refine((parameters) => Object.values(parameters).every((value) =>
		typeof value === 'number' || (typeof value === 'string' && value.length <= 512)), 'codec parameters are strings or numbers');
const RtcpFeedback = z.looseObject({ type: z.string().min(1).max(32), parameter: z.string().max(32).optional() });
const rtcpFeedback = z.array(RtcpFeedback).max(16);
const ssrc = z.number().int().min(0).max(0xffffffff);

export const RtpCapabilities = z.looseObject({
	codecs: z.array(z.looseObject({
		kind: MediaKind,
		mimeType,
		preferredPayloadType: payloadType.optional(),
		clockRate: z.number().int().positive(),
		channels: z.number().int().min(1).max(8).optional(),
		parameters: codecParameters.optional(),
		rtcpFeedback: rtcpFeedback.optional(),
	})).max(64).optional(),
	headerExtensions: z.array(z.looseObject({
		kind: MediaKind,
		uri: z.string().min(1).max(256),
		preferredId: z.number().int().min(1).max(255),
		preferredEncrypt: z.boolean().optional(),
		direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
	})).max(64).optional(),
});
export type RtpCapabilities = z.infer<typeof RtpCapabilities>;

export const RtpParameters = z.looseObject({
	mid: z.string().max(32).optional(),
	msid: z.string().max(256).optional(),
	codecs: z.array(z.looseObject({
		mimeType,
		payloadType,
		clockRate: z.number().int().positive(),
		channels: z.number().int().min(1).max(8).optional(),
		parameters: codecParameters.optional(),
		rtcpFeedback: rtcpFeedback.optional(),
	})).min(1).max(16),
	headerExtensions: z.array(z.looseObject({
		uri: z.string().min(1).max(256),
		id: z.number().int().min(1).max(255),
		encrypt: z.boolean().optional(),
		parameters: codecParameters.optional(),
	})).max(32).optional(),
	encodings: z.array(z.looseObject({
		ssrc: ssrc.optional(),
		rid: z.string().max(32).optional(),
		codecPayloadType: payloadType.optional(),
		rtx: z.looseObject({ ssrc }).optional(),
		dtx: z.boolean().optional(),
		scalabilityMode: z.string().max(16).optional(),
		scaleResolutionDownBy: z.number().min(1).max(64).optional(),
		maxBitrate: z.number().int().positive().optional(),
		maxFramerate: z.number().positive().optional(),
	})).max(8).optional(),
	rtcp: z.looseObject({
		cname: z.string().max(256).optional(),
		reducedSize: z.boolean().optional(),
		mux: z.boolean().optional(),
	}).optional(),
});
export type RtpParameters = z.infer<typeof RtpParameters>;

export const DtlsParameters = z.looseObject({
	role: z.enum(['auto', 'client', 'server']).optional(),
	fingerprints: z.array(z.strictObject({
		algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
		value: z.string().max(256),
	})).min(1).max(8),
});
export type DtlsParameters = z.infer<typeof DtlsParameters>;

/** The server's ICE parameters, sent to clients (never validated from them). */
export interface IceParameters {
	usernameFragment: string;
	password: string;
	iceLite?: boolean;
}

export interface IceCandidate {
	foundation: string;
	priority: number;
	/** The same as `address` (mediasoup sends both; mediasoup-client reads `ip`). */
	ip: string;
	address: string;
	protocol: 'udp' | 'tcp';
	port: number;
	type: 'host' | 'srflx' | 'prflx' | 'relay';
	tcpType?: 'passive';
}

const id = z.string().min(1).max(64);

export const MediaSource = z.enum(['mic', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;

/** Exactly `bytes` bytes as unpadded base64url. */
const base64url = (bytes: number) => z.string().length(Math.ceil((bytes * 4) / 3)).regex(/^[A-Za-z0-9_-]+$/);
/** An end-to-end encryption identity: a 65-byte P-256 public key and a 32-byte HMAC-SHA-256 proof. */
export const E2eeIdentity = z.strictObject({ publicKey: base64url(65), proof: base64url(32) });
export const JoinRoomRequest = z.strictObject({
	/**
	 * What the client can receive. A client that has not loaded the router's capabilities yet leaves it out
	 * (they come in the answer) and gives its own with its first `consumer.createMany`.
	 */
	rtpCapabilities: RtpCapabilities.optional(),
	/** Open this person's receive transport with the seat, in the same answer: one round trip less to the first frame. */
	receive: z.enum(['webrtc', 'plain']).optional(),
	/** Wait in the lobby when the room is locked or full, instead of being refused. */
	wait: z.boolean().default(false),
	/** In an end-to-end encrypted room: this visit's identity (refused in other rooms). */
	e2ee: E2eeIdentity.optional(),
});
export const ParticipantRequest = z.strictObject({ participantId: id });
export const SetRoleRequest = z.strictObject({ participantId: id, role: z.enum(['cohost', 'guest']) });
export const CreateTransportRequest = z.strictObject({
	direction: z.enum(['send', 'recv']),
	/** `plain` (SRTP over UDP, no ICE or DTLS) is for the owner app's ingest participants only. */
	type: z.enum(['webrtc', 'plain']).default('webrtc'),
});
/** The one SRTP suite on offer, the one browsers negotiate. */
export const SRTP_CRYPTO_SUITE = 'AES_CM_128_HMAC_SHA1_80';
/** SRTP keying: a 16-byte master key and a 14-byte salt, in Base64. */
export const SrtpParameters = z.strictObject({
	cryptoSuite: z.literal(SRTP_CRYPTO_SUITE),
	keyBase64: z.base64().length(40),
});
export type SrtpParameters = z.infer<typeof SrtpParameters>;
export const ConnectTransportRequest = z.strictObject({
	transportId: id,
	/** WebRTC transports. */
	dtlsParameters: DtlsParameters.optional(),
	/** Plain receive transports: where to send SRTP (the address this connection comes from). */
	ip: z.union([z.ipv4(), z.ipv6()]).optional(),
	port: z.number().int().min(1).max(65535).optional(),
	/** Plain transports: the key this side encrypts with. */
	srtpParameters: SrtpParameters.optional(),
});
export const TransportRequest = z.strictObject({ transportId: id });
export const ProduceRequest = z.strictObject({
	transportId: id,
	kind: z.enum(['audio', 'video']),
	source: MediaSource,
	rtpParameters: RtpParameters,
	paused: z.boolean().default(false),
	/** A camera's picture height, so that each viewer gets the simulcast layer its tile needs. */
	height: z.number().int().min(1).max(4320).optional(),
});
/**
 * The video tiles on this person's screen now and their heights in device
 * pixels. Video from anyone else is paused on the server; each shown one
 * gets the layer its tile needs. An empty list (a hidden tab) pauses all.
 */
export const ViewRequest = z.strictObject({
	tiles: z.array(z.strictObject({ producerId: id, height: z.number().int().min(0).max(8640) })).max(LIMITS.maxViewTiles),
});
export const ProducerRequest = z.strictObject({ producerId: id });
/** Consumers of several producers in one request, created paused; `rtpCapabilities` if the join did not bring them. */
export const ConsumeManyRequest = z.strictObject({
	transportId: id,
	producerIds: z.array(id).min(1).max(LIMITS.maxConsumers),
	rtpCapabilities: RtpCapabilities.optional(),
});
export const ConsumersRequest = z.strictObject({ consumerIds: z.array(id).min(1).max(LIMITS.maxConsumers) });
/** Encrypted bytes as unpadded base64url, at most `maxBytes` of them. */
const sealed = (maxBytes: number) => z.string().min(1).max(Math.ceil((maxBytes * 4) / 3)).regex(/^[A-Za-z0-9_-]+$/);
export const ChatRequest = z.strictObject({
	// The same characters as names are refused: an override would turn a link's text around in everyone's chat.
	text: shownText(LIMITS.chatMaxLength).optional(),
	/** In an end-to-end encrypted room, the message sealed in the browser (shared/e2ee/chat.ts) instead of `text`. */
	box: sealed(LIMITS.maxChatBoxBytes).optional(),
	/** Sends privately to this participant; absent for everyone. */
	to: id.optional(),
}).refine((request) => (request.text === undefined) !== (request.box === undefined), 'send either text or box');
/** A box for one person in an end-to-end encrypted room, relayed as it is. */
export const E2eeSendRequest = z.strictObject({ to: id, box: sealed(LIMITS.maxBoxBytes) });
/** Asks the sender for a key frame (a key that came late, so earlier frames could not be decrypted). */
export const KeyFrameRequest = z.strictObject({ consumerId: id });
/** The reactions on offer: a fixed set, so nothing else can float over a tile. */
export const Reaction = z.enum(REACTIONS);
export type Reaction = z.infer<typeof Reaction>;
export const ReactionRequest = z.strictObject({ emoji: Reaction });
/** Lowers one's own hand, or (for hosts and co-hosts) someone else's. */
export const LowerHandRequest = z.strictObject({ participantId: id.optional() });
/** What the browser sees of its own media connection: whether audio and video cannot get through. */
export const MediaHealthRequest = z.strictObject({ unreachable: z.boolean() });
/** Spotlights one participant for everyone, or clears the spotlight (null). */
export const SpotlightRequest = z.strictObject({ participantId: id.nullable() });
export const EmptyRequest = z.strictObject({}).optional();
