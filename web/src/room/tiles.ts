/**
 * Pure tile building: who gets a tile, with what video, sound and labels,
 * what goes on the stage, and the active speaker first. The UI adds only
 * callbacks and sizes.
 *
 * The stage, most specific first: the person one pinned, the person a host
 * spotlights for everyone, a screen share, and in the speaker view the
 * active speaker (else the first other person).
 */
import type { ParticipantView } from '../../../shared/protocol.js';
import { type FloatingReaction, producerOf, type RoomState } from './roomState.js';

export interface TileModel {
	participantId: string;
	name: string;
	label: string;
	videoTrack?: MediaStreamTrack;
	audioTrack?: MediaStreamTrack;
	micMuted: boolean;
	mirrored?: boolean;
	speaking?: boolean;
	badge?: string;
	isScreen?: boolean;
	/** Their hand is up; `handPosition` counts from 1 in the order hands went up. */
	handPosition?: number;
	/** Reactions floating over the tile now. */
	reactions?: FloatingReaction[];
	/** Pinned by this person, or spotlighted for everyone by a host. */
	pinned?: boolean;
	spotlit?: boolean;
	/** Their audio and video cannot get through, or their connection dropped (ParticipantView.connectionTrouble). */
	connectionTrouble?: boolean;
	/** End-to-end encrypted rooms: their identity did not check out, or their media does not open (no picture is shown then). */
	notVerified?: boolean;
	undecryptable?: boolean;
}

export interface TileLabels {
	/** The self tile's label, e.g. "Kim (you)". */
	you(name: string): string;
	/** Host, co-host or verified-by-app badge, if any. */
	badge(participant: ParticipantView): string | undefined;
}

export interface Tiles {
	/** Everyone not on the stage: the grid, or the strip beside the stage. */
	tiles: TileModel[];
	/** Shown large: a person, or a screen share (one's own first, else the first remote one). */
	stage?: TileModel;
}

export function buildTiles(state: RoomState, labels: TileLabels): Tiles {
	const { self, local } = state;
	const tiles: TileModel[] = [];
	let stage: TileModel | undefined;
	if (self) {
		tiles.push({
			participantId: self.id, name: self.name, label: labels.you(self.name),
			videoTrack: local.cameraOn ? local.cameraTrack : undefined, micMuted: !local.micOn, mirrored: true,
			speaking: state.speakingIds.includes(self.id), badge: labels.badge(self),
		});
		if (local.screenTrack) stage = { participantId: self.id, name: self.name, label: self.name, videoTrack: local.screenTrack, micMuted: false, isScreen: true };
	}
	for (const participant of state.participants) {
		const camera = producerOf(participant, 'camera');
		const mic = producerOf(participant, 'mic');
		const screen = producerOf(participant, 'screen');
		const undecryptable = state.undecryptable.includes(participant.id);
		tiles.push({
			participantId: participant.id, name: participant.name, label: participant.name,
			// Never a frozen last frame for media that no longer opens.
			videoTrack: camera && !camera.paused && !undecryptable ? camera.track : undefined,
			audioTrack: mic?.track, micMuted: !mic || mic.paused,
			speaking: state.speakingIds.includes(participant.id),
			badge: labels.badge(participant),
			connectionTrouble: participant.connectionTrouble ?? false,
			notVerified: state.notVerified.includes(participant.id),
			undecryptable,
		});
		// On the stage before its video arrives: being on screen is what has its video fetched.
		if (screen && !stage) {
			stage = { participantId: participant.id, name: participant.name, label: participant.name, videoTrack: screen.track, micMuted: false, isScreen: true };
		}
	}
	for (const tile of tiles) {
		tile.pinned = tile.participantId === state.pinnedId;
		tile.spotlit = tile.participantId === state.spotlightId;
		const position = state.hands.findIndex(({ participantId }) => participantId === tile.participantId);
		if (position >= 0) tile.handPosition = position + 1;
		const reactions = state.reactions.filter(({ participantId }) => participantId === tile.participantId);
		if (reactions.length > 0) tile.reactions = reactions;
	}
	// The (last other) dominant speaker stays on the first page, right after oneself.
	const speakerIndex = tiles.findIndex((tile) => !tile.isScreen && tile.participantId === state.activeSpeakerId);
	if (speakerIndex > 0) tiles.splice(1, 0, ...tiles.splice(speakerIndex, 1));

	const featuredId = state.pinnedId ?? state.spotlightId ?? (stage ? null : speakerViewFocus(state));
	const featured = tiles.findIndex(({ participantId }) => participantId === featuredId);
	if (featured >= 0) {
		// A screen share moved off the stage stays in view, first in the strip.
		if (stage) tiles.unshift(stage);
		stage = tiles.splice(featured + (stage ? 1 : 0), 1)[0];
	}
	return { tiles, ...(stage ? { stage } : {}) };
}

/**
 * Whom the speaker view shows large: the last dominant speaker other than
 * oneself (RoomState.activeSpeakerId), unless they muted while someone else
 * is audible (mediasoup keeps a muted speaker dominant until another takes
 * over); else the first other person, else oneself.
 */
function speakerViewFocus(state: RoomState): string | null {
	if (state.layout !== 'speaker') return null;
	const others = (id: string | null) => (id !== state.self?.id ? id : null);
	const dominant = state.activeSpeakerId;
	const dominantMuted = state.participants.some(({ id, producers }) => id === dominant && !producers.some((p) => p.source === 'mic' && !p.paused));
	const audible = state.speakingIds.find((id) => others(id) !== null) ?? null;
	const speaker = dominant && !(dominantMuted && audible) ? dominant : audible ?? dominant;
	return speaker ?? state.participants[0]?.id ?? state.self?.id ?? null;
}
