/**
 * The Socket.IO protocol, typed once for the server and the browser.
 * Client requests carry an ack: `{ ok: true, data }` or `{ ok: false, error }`.
 */
import type { CloseReason, ErrorBody } from './errors.js';
import type { RequestName, RequestPayload, ResponseData } from './requests.js';
import type * as S from './schemas.js';

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/**
 * A participant as the others in the room see them: a name, and for people
 * signed in through an app that app's name (the verified badge). Never their
 * app identity: that can be a phone number.
 */
export interface ParticipantView {
	id: string;
	name: string;
	role: S.Role;
	/** The app's display name, for the verified badge. */
	appName?: string;
	joinedAt: string;
}

/** A participant as the room's owner app sees them through the owner API: with the app identity. */
export interface OwnerParticipantView extends ParticipantView {
	/** `app:userId` for people signed in through an app; absent for guests. */
	identity?: string;
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
	iceParameters?: S.IceParameters;
	iceCandidates?: S.IceCandidate[];
	dtlsParameters?: S.DtlsParameters;
	/** Plain transports: where the server listens for SRTP, and the key it encrypts with. */
	ip?: string;
	port?: number;
	/** Only when RTCP has its own port (the ingest API's streams). */
	rtcpPort?: number;
	srtpParameters?: S.SrtpParameters;
}

export interface ConsumerView {
	id: string;
	producerId: string;
	participantId: string;
	kind: 'audio' | 'video';
	rtpParameters: S.RtpParameters;
	type: string;
	producerPaused: boolean;
}

export interface ChatMessage {
	id: string;
	participantId: string;
	name: string;
	text: string;
	sentAt: string;
	/** A private message: only this person (and the sender) receives it. */
	to?: { id: string; name: string };
}

/** The live settings everyone in the room sees (and hosts change). */
export interface RoomSettingsView {
	code: string;
	title: string;
	/** Set when `title` is the default "<owner>'s room": the owner's name, for browsers to say it in their language. */
	defaultTitleOf?: string;
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
	appName?: string;
	reason: WaitReason;
	since: string;
}

/** A raised hand; the room's list is in the order the hands went up. */
export interface RaisedHandView {
	participantId: string;
	raisedAt: string;
}

export interface JoinedRoom {
	self: ParticipantView;
	participants: ParticipantView[];
	producers: ProducerView[];
	settings: RoomSettingsView;
	/** The lobby, for hosts and co-hosts; empty for guests. */
	lobby: LobbyEntryView[];
	/** Raised hands, first raised first. */
	hands: RaisedHandView[];
	/** Whom a host spotlights for everyone, if anyone. */
	spotlightId: string | null;
	/** The dominant speaker now, if anyone has spoken: `speaker.active` only tells of changes. */
	activeSpeakerId: string | null;
	/** Who is audible now: `speaking.changed` only tells of changes. */
	speakingIds: string[];
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

export type { RequestName, RequestPayload, ResponseData } from './requests.js';

/** Every event the server sends, by name, with its one payload. */
export interface ServerEvents {
	'participant.joined': ParticipantView;
	'participant.left': { participantId: string; reason: CloseReason };
	'producer.new': ProducerView;
	'producer.closed': { producerId: string; participantId: string };
	'producer.paused': { producerId: string; participantId: string };
	'producer.resumed': { producerId: string; participantId: string };
	'consumer.closed': { consumerId: string; producerId: string };
	/** The layer the server now forwards to this consumer (null: none, e.g. the sender's bandwidth dropped it). */
	'consumer.layers': { consumerId: string; spatialLayer: number | null; temporalLayer: number | null };
	/** The dominant speaker (mediasoup's ActiveSpeakerObserver): the speaker view follows them. */
	'speaker.active': { participantId: string | null };
	/** Who is audible now (the AudioLevelObserver), for the speaking indicators; empty in silence. */
	'speaking.changed': { participantIds: string[] };
	'chat.message': ChatMessage;
	/** The raised hands changed: the whole queue, first raised first. */
	'hands.updated': { hands: RaisedHandView[] };
	/** Someone sent a reaction; it floats over their tile for a moment. */
	'reaction': { participantId: string; emoji: S.Reaction };
	'room.updated': RoomSettingsView;
	/** A host spotlighted someone for everyone (or cleared it): everyone's speaker view shows them. */
	'spotlight.changed': { participantId: string | null };
	/** A participant's role changed. */
	'participant.updated': ParticipantView;
	/** To hosts and co-hosts: who waits in the lobby now. */
	'lobby.updated': { entries: LobbyEntryView[] };
	/** To a waiting person: why they wait and where they are in line. */
	'lobby.status': LobbyStatus;
	/** To a waiting person: they have a seat now. */
	'room.admitted': JoinedRoom;
	/** To the person a host muted; only they can unmute. */
	'moderation.muted': { by: string };
	/** To hosts and co-hosts: a new line of the moderation timeline. */
	'moderation.event': ModerationEvent;
	/** The server is stopping: calls continue until they end or until `deadline` (ISO time); nobody new joins. */
	'server.draining': { deadline: string };
	/** This participant's session is over; the socket is disconnected right after. */
	'session.closed': { reason: CloseReason };
}

/** Socket.IO's typed maps, derived from the request table (shared/requests.ts) and ServerEvents. */
export type ClientToServerEvents = {
	[K in RequestName]: (payload: RequestPayload<K>, ack: (response: Ack<ResponseData<K>>) => void) => void;
};

export type ServerToClientEvents = {
	[E in keyof ServerEvents]: (payload: ServerEvents[E]) => void;
};

/** What the join page shows before anyone joins (`GET /api/v1/invites/:code`). */
export interface InviteView {
	code: string;
	title: string;
	/** As in RoomSettingsView. */
	defaultTitleOf?: string;
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

/** The join page's view for one browser: the invite, and whether a host removed this browser from the room. */
export interface InviteStatus extends InviteView {
	removed: boolean;
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
