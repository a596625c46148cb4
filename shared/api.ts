/**
 * The REST API's and webhooks' shapes, for the web app and for chat-app
 * integrators: what `POST /rooms` answers, the room card every webhook
 * carries, and a webhook delivery as the owner API lists it.
 */
import type { RoomView } from './views.js';

export interface CreatedRoom {
	room: RoomView;
	inviteUrl: string;
	/** The invite link with the host credential in its fragment. Shown once. */
	hostUrl: string;
}

export type WebhookEventType = 'room.created' | 'room.started' | 'participant.joined' | 'participant.left'
	| 'room.locked' | 'room.unlocked' | 'room.link_reset' | 'room.ended';

/** The live room card a chat thread shows: "3 people in the room: Ana, Bo, Cy. Join". */
export interface RoomCard {
	id: string;
	title: string;
	status: 'open' | 'ended';
	locked: boolean;
	participantCount: number;
	maxParticipants: number;
	/** First names only, in order of arrival, at most 10. */
	participantNames: string[];
	/** Null once the room has ended. In an end-to-end encrypted room, the app appends the key (`#k=…`) it made on the user's device. */
	inviteUrl: string | null;
	/** End-to-end encrypted: show a padlock; the link needs its key. */
	e2ee: boolean;
}

/**
 * A webhook's JSON body. `participant` comes with the participant events,
 * `reason` with `participant.left`.
 */
export interface WebhookEvent {
	/** The delivery id, also sent as the `rooms-delivery` header. */
	id: string;
	type: WebhookEventType;
	createdAt: string;
	room: RoomCard;
	participant?: { id: string; name: string };
	reason?: string;
}

export interface DeliveryAttempt {
	at: string;
	/** The HTTP status, when the endpoint answered. */
	status?: number;
	/** Why the attempt failed without an answer (timeout, refused...). */
	error?: string;
	durationMs: number;
}

/** One webhook delivery, as `GET /rooms/:id/webhooks` lists it. */
export interface DeliveryView {
	id: string;
	event: WebhookEventType;
	roomId: string;
	status: 'pending' | 'delivered' | 'failed';
	attempts: DeliveryAttempt[];
	/** When the next attempt is due, while pending. */
	nextAttemptAt: string | null;
	createdAt: string;
}

/** Where one stream of an ingest participant goes: plain SRTP over UDP, and SRTCP to its own port. */
export interface IngestStream {
	producerId: string;
	ip: string;
	port: number;
	rtcpPort: number;
	payloadType: number;
	ssrc: number;
	/** `opus` (48 kHz, 2 channels) or `VP8` (90 kHz). */
	codec: 'opus' | 'VP8';
	clockRate: number;
}

/** What `POST /rooms/:id/ingest` answers. The key is secret: whoever holds it can publish as this participant. */
export interface IngestResponse {
	participantId: string;
	/** The participant's token for Socket.IO signalling (ingest participants may create plain SRTP transports). */
	token: string;
	/** Where to open Socket.IO: the room's node's path in a cluster, else `/socket.io`. */
	signalingPath: string;
	/** With audio or video: the key to encrypt every stream with. */
	srtp?: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80'; keyBase64: string };
	audio?: IngestStream;
	video?: IngestStream;
}
