/**
 * What the server shows of rooms, people and media: the views carried by the
 * protocol's answers and events (protocol.ts, requests.ts) and the HTTP API.
 * They depend on nothing but the schemas and the error codes, so both tables can import them.
 */
import type { ErrorBody } from './errors.js';
import type * as S from './schemas.js';

/**
 * A person's end-to-end encryption identity in an encrypted room: their
 * visit's ECDH public key and its proof, an HMAC keyed by the room's secret
 * (shared/e2ee/identity.ts), both base64url. The server passes them on; only
 * link holders can check them.
 */
export interface E2eeIdentityView {
	publicKey: string;
	proof: string;
}

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
	/** In an end-to-end encrypted room: the identity they joined with, if any (without one they get no keys). */
	e2ee?: E2eeIdentityView;
	/**
	 * Their connection is in trouble: their audio and video cannot get through (their browser says so), or their
	 * signalling dropped and the seat waits for them to come back. The others mark the tile.
	 */
	connectionTrouble?: true;
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

/** A chat message as people read it. */
export interface ChatMessage {
	id: string;
	participantId: string;
	name: string;
	text: string;
	sentAt: string;
	/** A private message: only this person (and the sender) receives it. */
	to?: { id: string; name: string };
	/** End-to-end encrypted rooms: this browser could not open the message (`text` is empty). */
	unreadable?: true;
}

/** A chat message as the server relays it: the text in a clear room, the sealed `box` in an end-to-end encrypted one. */
export type RelayedChatMessage = Omit<ChatMessage, 'text'> & ({ text: string; box?: undefined } | { box: string; text?: undefined });

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
	/** End-to-end encrypted (set at creation only): media and chat are opened only by people holding the full link. */
	e2ee: boolean;
	/** Made by an app, whose users can sign in through it; false for a room made on the landing page ("signed in only" means nothing there). */
	fromApp: boolean;
	/** Why a locked room is locked, so everyone can be told: a host locked it, it locked itself after a removal, or its last host left. */
	lockedBy: LockReason | null;
}

export type LockReason = 'host' | 'removal' | 'host-away';

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

/** The answer to `room.join`: the seat (or the lobby), with what the client needs to receive without asking again. */
export type JoinAnswer = JoinResult & {
	routerRtpCapabilities: S.RtpCapabilities;
	/** Seated, and asked for (`receive`): the person's receive transport, open already. */
	recvTransport?: TransportView;
};

/** What `consumer.createMany` made, and why each producer it could not consume was refused. */
export interface ConsumersCreated {
	consumers: ConsumerView[];
	refused: { producerId: string; error: ErrorBody }[];
}

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
	| 'room.locked' | 'room.unlocked' | 'room.link_reset' | 'room.settings_changed' | 'room.ended'
	/** The room's node died or drained, and the room was rebuilt on another (`data.from`, `data.to`: node ids). */
	| 'room.moved';

/** One line of the moderation timeline. */
export interface ModerationEvent {
	id: number;
	at: string;
	type: ModerationEventType;
	actor: ActorView;
	subject?: { id: string; name: string };
	data?: Record<string, unknown>;
}

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
	/** End-to-end encrypted: the page needs the link's key (`#k=`) and a browser that can encrypt frames. */
	e2ee: boolean;
}

/**
 * The join page's view for one browser: the invite, and whether a host
 * removed this browser from the room or turned down its request to join, so
 * the page says so before any button.
 */
export interface InviteStatus extends InviteView {
	removed: boolean;
	denied: boolean;
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
	/** Where to open Socket.IO (on this origin): the room's node's path in a cluster, else `/socket.io`. */
	signalingPath: string;
}

/** What `POST /api/v1/locate` answers: where the participant's room takes Socket.IO connections now. */
export interface LocateResponse {
	signalingPath: string;
}

export interface IceServer {
	urls: string | string[];
	username?: string;
	credential?: string;
}
