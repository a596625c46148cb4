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

/** The live settings everyone in the room sees (and hosts change). */
export interface RoomSettingsView {
	code: string;
	title: string;
	audience: S.Audience;
	maxParticipants: number;
	locked: boolean;
	waitForHost: boolean;
	autoLockOnRemove: boolean;
	expiresAt: string | null;
}

/** Why someone waits in the lobby: for the host to arrive, for a host to let them in, or for a seat. */
export type WaitReason = 'host' | 'knock' | 'queue';

/** What a waiting person is told. `position` counts from 1 among those waiting for the same thing. */
export interface LobbyStatus {
	reason: WaitReason;
	position: number;
}

/** A waiting person, as hosts and co-hosts see them. */
export interface LobbyEntryView {
	id: string;
	name: string;
	identity?: string;
	appName?: string;
	reason: WaitReason;
	since: string;
}

export interface JoinedRoom {
	self: ParticipantView;
	participants: ParticipantView[];
	producers: ProducerView[];
	settings: RoomSettingsView;
	/** The lobby, for hosts and co-hosts; empty for guests. */
	lobby: LobbyEntryView[];
}

export type JoinResult =
	| { status: 'joined'; room: JoinedRoom }
	/** In the lobby: `room.admitted` follows when a seat is given, `session.closed` when turned away. */
	| { status: 'waiting'; lobby: LobbyStatus };

/** Who did something: a person in the room, an app through the API, or the server itself. */
export interface ActorView {
	kind: 'participant' | 'app' | 'system';
	name: string;
	/** Participant id or app identity. */
	id?: string;
}

export type ModerationEventType =
	| 'participant.joined' | 'participant.left' | 'participant.removed' | 'participant.muted'
	| 'participant.role_changed' | 'lobby.admitted' | 'lobby.denied'
	| 'room.locked' | 'room.unlocked' | 'room.link_reset' | 'room.settings_changed' | 'room.ended';

/** One line of the moderation timeline. */
export interface ModerationEvent {
	id: number;
	at: string;
	type: ModerationEventType;
	actor: ActorView;
	subject?: { id: string; name: string };
	data?: Record<string, unknown>;
}

type Payload<T extends z.ZodType> = z.input<T>;

/** Request name -> [payload, response]. */
export interface Requests {
	'room.capabilities': [Payload<typeof S.EmptyRequest>, { routerRtpCapabilities: unknown }];
	'room.join': [Payload<typeof S.JoinRoomRequest>, JoinResult];
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
	// Host and co-host controls; the server checks the caller's live role.
	'room.update': [Payload<typeof S.RoomSettingsPatch>, RoomSettingsView];
	'room.resetLink': [Payload<typeof S.EmptyRequest>, { code: string; inviteUrl: string; hostUrl?: string }];
	'room.end': [Payload<typeof S.EmptyRequest>, Record<string, never>];
	'participant.remove': [Payload<typeof S.ParticipantRequest>, Record<string, never>];
	'participant.mute': [Payload<typeof S.ParticipantRequest>, { muted: boolean }];
	'participant.muteAll': [Payload<typeof S.EmptyRequest>, { muted: number }];
	'participant.setRole': [Payload<typeof S.SetRoleRequest>, ParticipantView];
	'lobby.admit': [Payload<typeof S.ParticipantRequest>, Record<string, never>];
	'lobby.deny': [Payload<typeof S.ParticipantRequest>, Record<string, never>];
	'moderation.events': [Payload<typeof S.EmptyRequest>, { events: ModerationEvent[] }];
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
	'room.updated': (settings: RoomSettingsView) => void;
	/** A participant's role changed. */
	'participant.updated': (participant: ParticipantView) => void;
	/** To hosts and co-hosts: who waits in the lobby now. */
	'lobby.updated': (event: { entries: LobbyEntryView[] }) => void;
	/** To a waiting person: why they wait and where they are in line. */
	'lobby.status': (status: LobbyStatus) => void;
	/** To a waiting person: they have a seat now. */
	'room.admitted': (room: JoinedRoom) => void;
	/** To the person a host muted; only they can unmute. */
	'moderation.muted': (event: { by: string }) => void;
	/** To hosts and co-hosts: a new line of the moderation timeline. */
	'moderation.event': (event: ModerationEvent) => void;
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
	/** Whether the host is in the room now (guests wait for them when `waitForHost`). */
	hostPresent: boolean;
	waitForHost: boolean;
}

/** A room as its owner app sees it: its settings, and who owns it and when. */
export interface RoomView extends RoomSettingsView {
	id: string;
	owner: { identity: string; name: string };
	status: 'open' | 'ended';
	createdAt: string;
	updatedAt: string;
	endedAt: string | null;
}

export interface JoinResponse {
	token: string;
	room: InviteView;
	role: S.TokenRole;
	iceServers: IceServer[];
}

export interface IceServer {
	urls: string | string[];
	username?: string;
	credential?: string;
}
