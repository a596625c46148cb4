/**
 * The Socket.IO protocol, typed once for the server and the browser.
 * Client requests carry an ack: `{ ok: true, data }` or `{ ok: false, error }`.
 */
import type { CloseReason, ErrorBody } from './errors.js';
import type { RequestName, RequestPayload, ResponseData } from './requests.js';
import type * as S from './schemas.js';
import type {
	JoinedRoom, LobbyEntryView, LobbyStatus, ModerationEvent, ParticipantView, ProducerView, RaisedHandView, RelayedChatMessage, RoomSettingsView,
} from './views.js';

// The views are the protocol's vocabulary: importers of the protocol find them here too.
export type * from './views.js';

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

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
	'chat.message': RelayedChatMessage;
	/** In an end-to-end encrypted room: a box another person sent this one (a sender key), relayed unread. */
	'e2ee.message': { from: string; box: string };
	/** The raised hands changed: the whole queue, first raised first. */
	'hands.updated': { hands: RaisedHandView[] };
	/** Someone sent a reaction; it floats over their tile for a moment. */
	'reaction': { participantId: string; emoji: S.Reaction };
	'room.updated': RoomSettingsView;
	/** A host spotlighted someone for everyone (or cleared it): everyone's speaker view shows them. */
	'spotlight.changed': { participantId: string | null };
	/** A participant's role changed, or their connection trouble (`connectionTrouble`) began or ended. */
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
