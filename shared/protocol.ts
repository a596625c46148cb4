/**
 * The Socket.IO protocol, typed once for the server and the browser.
 * Client requests carry an ack: `{ ok: true, data }` or `{ ok: false, error }`.
 */
import type { z } from 'zod';
import type { CloseReason, ErrorBody } from './errors.js';
import type * as S from './schemas.js';

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export interface ParticipantView {
	id: string;
	name: string;
	role: S.Role;
	/** `app:userId` for people signed in through an app; absent for guests. */
	identity?: string;
	/** The app's display name, for the verified badge. */
	appName?: string;
	joinedAt: string;
}

export interface ProducerView {
	id: string;
	participantId: string;
	kind: 'audio' | 'video';
	source: S.MediaSource;
	paused: boolean;
}

export interface TransportView {
	id: string;
	type: 'webrtc' | 'plain';
	/** WebRTC transports. */
	iceParameters?: unknown;
	iceCandidates?: unknown[];
	dtlsParameters?: unknown;
	/** Plain transports: where the server listens for RTP. */
	ip?: string;
	port?: number;
}

export interface ConsumerView {
	id: string;
	producerId: string;
	participantId: string;
	kind: 'audio' | 'video';
	rtpParameters: unknown;
	type: string;
	producerPaused: boolean;
}

export interface ChatMessage {
	id: string;
	participantId: string;
	name: string;
	text: string;
	sentAt: string;
}

export interface JoinedRoom {
	self: ParticipantView;
	participants: ParticipantView[];
	producers: ProducerView[];
}

type Payload<T extends z.ZodType> = z.input<T>;

/** Request name -> [payload, response]. */
export interface Requests {
	'room.capabilities': [Payload<typeof S.EmptyRequest>, { routerRtpCapabilities: unknown }];
	'room.join': [Payload<typeof S.JoinRoomRequest>, JoinedRoom];
	'room.leave': [Payload<typeof S.EmptyRequest>, Record<string, never>];
	'session.refresh': [Payload<typeof S.EmptyRequest>, { token: string }];
	'transport.create': [Payload<typeof S.CreateTransportRequest>, TransportView];
	'transport.connect': [Payload<typeof S.ConnectTransportRequest>, Record<string, never>];
	'transport.restartIce': [Payload<typeof S.TransportRequest>, { iceParameters: unknown }];
	'producer.create': [Payload<typeof S.ProduceRequest>, { id: string }];
	'producer.pause': [Payload<typeof S.ProducerRequest>, Record<string, never>];
	'producer.resume': [Payload<typeof S.ProducerRequest>, Record<string, never>];
	'producer.close': [Payload<typeof S.ProducerRequest>, Record<string, never>];
	'consumer.create': [Payload<typeof S.ConsumeRequest>, ConsumerView];
	'consumer.resume': [Payload<typeof S.ConsumerRequest>, Record<string, never>];
	'chat.send': [Payload<typeof S.ChatRequest>, ChatMessage];
}

export type RequestName = keyof Requests;
export type RequestPayload<K extends RequestName> = Requests[K][0];
export type ResponseData<K extends RequestName> = Requests[K][1];

export type ClientToServerEvents = {
	[K in RequestName]: (payload: RequestPayload<K>, ack: (response: Ack<ResponseData<K>>) => void) => void;
};

export interface ServerToClientEvents {
	'participant.joined': (participant: ParticipantView) => void;
	'participant.left': (event: { participantId: string; reason: CloseReason }) => void;
	'producer.new': (producer: ProducerView) => void;
	'producer.closed': (event: { producerId: string; participantId: string }) => void;
	'producer.paused': (event: { producerId: string; participantId: string }) => void;
	'producer.resumed': (event: { producerId: string; participantId: string }) => void;
	'consumer.closed': (event: { consumerId: string; producerId: string }) => void;
	'speaker.active': (event: { participantId: string | null }) => void;
	'chat.message': (message: ChatMessage) => void;
	/** This participant's session is over; the socket is disconnected right after. */
	'session.closed': (event: { reason: CloseReason }) => void;
}

/** What the join page shows before anyone joins (`GET /api/v1/invites/:code`). */
export interface InviteView {
	code: string;
	title: string;
	hostName: string;
	status: 'open' | 'ended';
	participantCount: number;
	maxParticipants: number;
	locked: boolean;
	audience: S.Audience;
}

/** A room as its owner app sees it. */
export interface RoomView {
	id: string;
	code: string;
	title: string;
	owner: { identity: string; name: string };
	audience: S.Audience;
	maxParticipants: number;
	locked: boolean;
	status: 'open' | 'ended';
	createdAt: string;
	updatedAt: string;
	endedAt: string | null;
}

export interface JoinResponse {
	token: string;
	room: InviteView;
	role: S.Role;
	iceServers: IceServer[];
}

export interface IceServer {
	urls: string | string[];
	username?: string;
	credential?: string;
}
