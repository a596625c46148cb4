/**
 * The room as the UI sees it, changed only through `roomReducer`. Pure, so
 * the rules (who is shown, what is muted, what ended) are unit-tested.
 */
import { CloseReason } from '../../../shared/errors.js';
import type {
	ChatMessage, JoinedRoom, LobbyEntryView, LobbyStatus, ModerationEvent, ParticipantView, ProducerView, RaisedHandView, RoomSettingsView,
} from '../../../shared/protocol.js';
import type { MediaSource, Reaction } from '../../../shared/schemas.js';
import type { NoiseSuppression } from './Microphone.js';

type WaitReasonView = LobbyEntryView['reason'];

export interface RemoteProducer {
	id: string;
	kind: 'audio' | 'video';
	source: MediaSource;
	paused: boolean;
	/** Set once the consumer exists. */
	track?: MediaStreamTrack;
}

export interface RemoteParticipant extends ParticipantView {
	producers: RemoteProducer[];
}

export interface LocalMedia {
	/** The microphone device's own track. */
	micTrack?: MediaStreamTrack;
	/** What the camera shows and sends: the device's track, or its blurred picture. */
	cameraTrack?: MediaStreamTrack;
	screenTrack?: MediaStreamTrack;
	micOn: boolean;
	cameraOn: boolean;
	/** The camera and speaker chosen (the microphone's is its track's). */
	cameraDeviceId?: string;
	speakerId?: string;
	/** What cleans the microphone's sound now. */
	noiseSuppression: NoiseSuppression;
	backgroundBlur: boolean;
	/** Blur cannot run in this browser (no WebGL, or its model never started). */
	blurUnavailable?: boolean;
}

/** The grid shows everyone alike; the speaker view shows one person large and the others in a strip. */
export type Layout = 'grid' | 'speaker';

export type Phase = 'connecting' | 'waiting' | 'joined' | 'reconnecting' | 'ended';
export type Quality = 'good' | 'poor' | 'lost';

export type Notice =
	/** Someone joined, left, was removed or raised their hand, or `name` muted you. */
	| { id: number; kind: 'joined' | 'left' | 'removed' | 'mutedBy' | 'handRaised'; name: string }
	/** The room locked itself: after a removal (its setting), or because its last host left. */
	| { id: number; kind: 'autoLocked'; why: 'removal' | 'host-away' }
	/** Something this person asked for failed; `code` is the server's reason. */
	| { id: number; kind: 'actionFailed'; code: string }
	/** Something this person asked for cannot work in this browser. */
	| { id: number; kind: 'unavailable'; feature: 'blur' }
	/** Someone came to the door (told to hosts and co-hosts, who see the lobby). */
	| { id: number; kind: 'lobby'; name: string; reason: WaitReasonView }
	/** The server is stopping: the call goes on until the last call ends or `deadline`, whichever is first. */
	| { id: number; kind: 'draining'; deadline: string }
	/** A message arrived while the chat was closed. */
	| { id: number; kind: 'chat'; name: string; text: string; private: boolean };

export interface FloatingReaction {
	id: number;
	participantId: string;
	emoji: Reaction;
}

export interface RoomState {
	phase: Phase;
	endReason?: CloseReason;
	/** This person ended the room: "You ended the room", not "The host ended the room". */
	endingRoom?: boolean;
	self?: ParticipantView;
	/** While in the lobby: why and where in line. */
	waiting?: LobbyStatus;
	settings?: RoomSettingsView;
	/** Who waits to join; filled for hosts and co-hosts only. */
	lobby: LobbyEntryView[];
	/** The moderation timeline, for hosts and co-hosts. */
	timeline: ModerationEvent[];
	participants: RemoteParticipant[];
	/**
	 * The last dominant speaker other than oneself, whom the layouts follow.
	 * When oneself becomes the dominant speaker, it stays: talking does not
	 * move the person one was looking at off the stage or the first page.
	 */
	activeSpeakerId: string | null;
	/** Who is audible now: each tile's speaking indicator. */
	speakingIds: string[];
	/** Whom a host spotlights for everyone. */
	spotlightId: string | null;
	/** This person's own choices: the layout, and whom they pinned for themselves. */
	layout: Layout;
	pinnedId: string | null;
	/** Raised hands, first raised first. */
	hands: RaisedHandView[];
	/** Reactions floating over tiles right now. */
	reactions: FloatingReaction[];
	messages: ChatMessage[];
	/** Whether the chat panel is open; messages that arrive while it is closed count as unread. */
	chatOpen: boolean;
	unread: number;
	local: LocalMedia;
	quality: Quality;
	/** Audio and video cannot get through: a media transport is still failed after its ICE restart. */
	mediaUnreachable: boolean;
	/** End-to-end encrypted rooms: people whose identity did not check out (they get no keys), and people whose media does not open. */
	notVerified: string[];
	undecryptable: string[];
	audioBlocked: boolean;
	notices: Notice[];
}

export type RoomAction =
	| { type: 'joined'; room: JoinedRoom }
	| { type: 'waiting'; status: LobbyStatus }
	| { type: 'settings'; settings: RoomSettingsView }
	| { type: 'lobby'; entries: LobbyEntryView[] }
	| { type: 'participantUpdated'; participant: ParticipantView }
	| { type: 'timeline'; events: ModerationEvent[] }
	| { type: 'mutedBy'; name: string }
	| { type: 'participantJoined'; participant: ParticipantView }
	| { type: 'participantLeft'; participantId: string; reason: CloseReason }
	/** This person asked to end the room (false again if that failed): its end is then theirs to be told of. */
	| { type: 'endingRoom'; ending: boolean }
	| { type: 'producerAdded'; producer: ProducerView }
	| { type: 'producerRemoved'; producerId: string }
	| { type: 'producerPaused'; producerId: string; paused: boolean }
	| { type: 'trackReady'; producerId: string; track: MediaStreamTrack }
	| { type: 'activeSpeaker'; participantId: string | null }
	| { type: 'speaking'; participantIds: string[] }
	| { type: 'spotlight'; participantId: string | null }
	| { type: 'layout'; layout: Layout }
	| { type: 'pin'; participantId: string | null }
	| { type: 'chat'; message: ChatMessage }
	| { type: 'chatOpen'; open: boolean }
	| { type: 'phase'; phase: Exclude<Phase, 'ended'> }
	| { type: 'ended'; reason: CloseReason }
	| { type: 'local'; local: Partial<LocalMedia> }
	| { type: 'quality'; quality: Quality }
	| { type: 'mediaUnreachable'; unreachable: boolean }
	| { type: 'verified'; participantId: string; verified: boolean }
	| { type: 'decrypting'; participantId: string; ok: boolean }
	| { type: 'audioBlocked'; blocked: boolean }
	| { type: 'actionFailed'; code: string }
	| { type: 'unavailable'; feature: 'blur' }
	| { type: 'draining'; deadline: string }
	| { type: 'hands'; hands: RaisedHandView[] }
	| { type: 'reaction'; id: number; participantId: string; emoji: Reaction }
	| { type: 'reactionExpired'; id: number }
	| { type: 'noticeExpired'; id: number };

/** Chat is not persisted; a long call keeps its most recent messages only. */
export const MAX_MESSAGES = 500;
/** The timeline shown in the room keeps its most recent lines. */
export const MAX_TIMELINE = 500;
let nextNoticeId = 1;

export function initialRoomState(local: Partial<LocalMedia> = {}): RoomState {
	return {
		phase: 'connecting',
		lobby: [],
		timeline: [],
		participants: [],
		activeSpeakerId: null,
		speakingIds: [],
		spotlightId: null,
		layout: 'grid',
		pinnedId: null,
		hands: [],
		reactions: [],
		messages: [],
		chatOpen: false,
		unread: 0,
		local: { micOn: Boolean(local.micTrack), cameraOn: Boolean(local.cameraTrack), noiseSuppression: 'off', backgroundBlur: false, ...local },
		quality: 'good',
		mediaUnreachable: false,
		notVerified: [],
		undecryptable: [],
		audioBlocked: false,
		notices: [],
	};
}

function toRemote(producer: ProducerView): RemoteProducer {
	return { id: producer.id, kind: producer.kind, source: producer.source, paused: producer.paused };
}

function mapProducers(state: RoomState, producerId: string, change: (producer: RemoteProducer) => RemoteProducer | undefined): RoomState {
	return {
		...state,
		participants: state.participants.map((participant) => {
			if (!participant.producers.some(({ id }) => id === producerId)) return participant;
			const producers = participant.producers.flatMap((producer) => {
				if (producer.id !== producerId) return [producer];
				const changed = change(producer);
				return changed ? [changed] : [];
			});
			return { ...participant, producers };
		}),
	};
}

/** The dominant speaker if it is someone else; null for oneself or nobody. */
function otherSpeaker(participantId: string | null, selfId: string | undefined): string | null {
	return participantId !== selfId ? participantId : null;
}

export function roomReducer(state: RoomState, action: RoomAction): RoomState {
	if (state.phase === 'ended' && action.type !== 'local' && action.type !== 'noticeExpired') return state;
	switch (action.type) {
		case 'joined':
			// A rejoin after a reconnect starts from the server's view again.
			return {
				...state,
				phase: 'joined',
				waiting: undefined,
				self: action.room.self,
				settings: action.room.settings,
				lobby: action.room.lobby,
				hands: action.room.hands,
				spotlightId: action.room.spotlightId,
				activeSpeakerId: otherSpeaker(action.room.activeSpeakerId, action.room.self.id)
					?? (action.room.participants.some(({ id }) => id === state.activeSpeakerId) ? state.activeSpeakerId : null),
				speakingIds: action.room.speakingIds,
				participants: action.room.participants.map((participant) => ({
					...participant,
					producers: action.room.producers.filter((p) => p.participantId === participant.id).map(toRemote),
				})),
			};
		case 'waiting':
			return { ...state, phase: 'waiting', waiting: action.status };
		case 'settings': {
			// A lock nobody here asked for is explained to everyone.
			const { lockedBy } = action.settings;
			if (state.settings?.locked || (lockedBy !== 'removal' && lockedBy !== 'host-away')) return { ...state, settings: action.settings };
			return { ...state, settings: action.settings, notices: [...state.notices, { id: nextNoticeId++, kind: 'autoLocked', why: lockedBy }] };
		}
		case 'lobby': {
			const known = new Set(state.lobby.map(({ id }) => id));
			const arrived = action.entries.filter(({ id }) => !known.has(id))
				.map((entry): Notice => ({ id: nextNoticeId++, kind: 'lobby', name: entry.name, reason: entry.reason }));
			return { ...state, lobby: action.entries, notices: [...state.notices, ...arrived] };
		}
		case 'participantUpdated': {
			const { participant } = action;
			if (state.self?.id === participant.id) {
				// Someone who stops moderating no longer sees the lobby.
				const moderator = participant.role !== 'guest';
				return { ...state, self: participant, lobby: moderator ? state.lobby : [], timeline: moderator ? state.timeline : [] };
			}
			// The view replaces the last one whole (a field it leaves out, like connectionTrouble, is over); the producers stay.
			return { ...state, participants: state.participants.map((p) => (p.id === participant.id ? { ...participant, producers: p.producers } : p)) };
		}
		case 'timeline': {
			const known = new Set(state.timeline.map(({ id }) => id));
			const merged = [...state.timeline, ...action.events.filter(({ id }) => !known.has(id))].sort((a, b) => a.id - b.id);
			return { ...state, timeline: merged.slice(-MAX_TIMELINE) };
		}
		case 'mutedBy':
			return {
				...state,
				local: { ...state.local, micOn: false },
				notices: [...state.notices, { id: nextNoticeId++, kind: 'mutedBy', name: action.name }],
			};
		case 'participantJoined':
			if (state.participants.some(({ id }) => id === action.participant.id)) return state;
			return {
				...state,
				participants: [...state.participants, { ...action.participant, producers: [] }],
				notices: [...state.notices, { id: nextNoticeId++, kind: 'joined', name: action.participant.name }],
			};
		case 'endingRoom':
			return { ...state, endingRoom: action.ending };
		case 'participantLeft': {
			const leaving = state.participants.find(({ id }) => id === action.participantId);
			if (!leaving) return state;
			return {
				...state,
				participants: state.participants.filter(({ id }) => id !== action.participantId),
				activeSpeakerId: state.activeSpeakerId === action.participantId ? null : state.activeSpeakerId,
				pinnedId: state.pinnedId === action.participantId ? null : state.pinnedId,
				speakingIds: state.speakingIds.filter((id) => id !== action.participantId),
				spotlightId: state.spotlightId === action.participantId ? null : state.spotlightId,
				notices: [...state.notices, { id: nextNoticeId++, kind: action.reason === CloseReason.REMOVED ? 'removed' : 'left', name: leaving.name }],
			};
		}
		case 'producerAdded':
			return {
				...state,
				participants: state.participants.map((participant) => (participant.id === action.producer.participantId
					? { ...participant, producers: [...participant.producers.filter(({ id }) => id !== action.producer.id), toRemote(action.producer)] }
					: participant)),
			};
		case 'producerRemoved':
			return mapProducers(state, action.producerId, () => undefined);
		case 'producerPaused':
			return mapProducers(state, action.producerId, (producer) => ({ ...producer, paused: action.paused }));
		case 'trackReady':
			return mapProducers(state, action.producerId, (producer) => ({ ...producer, track: action.track }));
		case 'activeSpeaker':
			return { ...state, activeSpeakerId: otherSpeaker(action.participantId, state.self?.id) ?? state.activeSpeakerId };
		case 'speaking':
			return { ...state, speakingIds: action.participantIds };
		case 'spotlight':
			return { ...state, spotlightId: action.participantId };
		case 'layout':
			return { ...state, layout: action.layout };
		case 'pin':
			return { ...state, pinnedId: action.participantId };
		case 'chat': {
			const messages = [...state.messages, action.message].slice(-MAX_MESSAGES);
			if (state.chatOpen || action.message.participantId === state.self?.id) return { ...state, messages };
			const { name, text, to } = action.message;
			const shown = action.message.unreadable ? '🔒' : text;
			const notice: Notice = { id: nextNoticeId++, kind: 'chat', name, text: shown.length > 80 ? `${shown.slice(0, 79)}…` : shown, private: Boolean(to) };
			return { ...state, messages, unread: state.unread + 1, notices: [...state.notices, notice] };
		}
		case 'chatOpen':
			return { ...state, chatOpen: action.open, unread: action.open ? 0 : state.unread };
		case 'phase':
			return { ...state, phase: action.phase };
		case 'ended':
			return { ...state, phase: 'ended', endReason: action.reason };
		case 'local':
			return { ...state, local: { ...state.local, ...action.local } };
		case 'quality':
			return { ...state, quality: action.quality };
		case 'mediaUnreachable':
			return { ...state, mediaUnreachable: action.unreachable };
		case 'verified':
			return { ...state, notVerified: listed(state.notVerified, action.participantId, !action.verified) };
		case 'decrypting':
			return { ...state, undecryptable: listed(state.undecryptable, action.participantId, !action.ok) };
		case 'audioBlocked':
			return { ...state, audioBlocked: action.blocked };
		case 'hands': {
			// Announce hands newly raised by others, by name.
			const before = new Set(state.hands.map(({ participantId }) => participantId));
			const raised = action.hands.filter(({ participantId }) => !before.has(participantId) && participantId !== state.self?.id)
				.flatMap(({ participantId }) => state.participants.filter(({ id }) => id === participantId))
				.map(({ name }): Notice => ({ id: nextNoticeId++, kind: 'handRaised', name }));
			return { ...state, hands: action.hands, notices: [...state.notices, ...raised] };
		}
		case 'reaction':
			return { ...state, reactions: [...state.reactions, { id: action.id, participantId: action.participantId, emoji: action.emoji }] };
		case 'reactionExpired':
			return { ...state, reactions: state.reactions.filter(({ id }) => id !== action.id) };
		case 'draining':
			return { ...state, notices: [...state.notices, { id: nextNoticeId++, kind: 'draining', deadline: action.deadline }] };
		case 'actionFailed':
			return { ...state, notices: [...state.notices, { id: nextNoticeId++, kind: 'actionFailed', code: action.code }] };
		case 'unavailable':
			return { ...state, notices: [...state.notices, { id: nextNoticeId++, kind: 'unavailable', feature: action.feature }] };
		case 'noticeExpired':
			return { ...state, notices: state.notices.filter(({ id }) => id !== action.id) };
	}
}

/** Whether this person may use host controls (the server checks again). */
export function isModerator(participant: ParticipantView | undefined): boolean {
	return participant?.role === 'host' || participant?.role === 'cohost';
}

/** The producer of a source, if the participant has one. */
/** The list with `id` in it or not. */
function listed(ids: string[], id: string, present: boolean): string[] {
	const without = ids.filter((other) => other !== id);
	return present ? [...without, id] : without;
}

export function producerOf(participant: RemoteParticipant, source: MediaSource): RemoteProducer | undefined {
	return participant.producers.find((producer) => producer.source === source);
}
