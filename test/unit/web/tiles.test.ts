import { describe, expect, it } from 'vitest';
import { initialRoomState, roomReducer, type RoomAction, type RoomState } from '../../../web/src/room/roomState.js';
import { buildTiles, type TileLabels } from '../../../web/src/room/tiles.js';
import { CloseReason } from '../../../shared/errors.js';

const person = (id: string, name: string, role: 'host' | 'cohost' | 'guest' = 'guest') => ({ id, name, role, joinedAt: '2026-01-01T00:00:00.000Z' });
const settings = { code: 'ABCDEFGHJK', title: 'Standup', audience: 'link' as const, maxParticipants: 50, locked: false, waitForHost: false, autoLockOnRemove: true, expiresAt: null, e2ee: false, fromApp: true, lockedBy: null };
const labels: TileLabels = { you: (name) => `${name} (you)`, badge: (p) => (p.role === 'guest' ? undefined : p.role) };
// Stands in for a MediaStreamTrack: tile building only passes tracks along.
const track = (label: string) => ({ label }) as unknown as MediaStreamTrack;

function room(...actions: RoomAction[]): RoomState {
	const start = initialRoomState({ micTrack: track('my-mic'), cameraTrack: track('my-camera') });
	return [{
		type: 'joined',
		room: {
			self: person('me', 'Kim', 'host'),
			participants: [person('a', 'Ana'), person('b', 'Bo', 'cohost')],
			producers: [
				{ id: 'a-mic', participantId: 'a', kind: 'audio', source: 'mic', paused: false },
				{ id: 'a-cam', participantId: 'a', kind: 'video', source: 'camera', paused: false },
				{ id: 'b-mic', participantId: 'b', kind: 'audio', source: 'mic', paused: true },
			],
			settings,
			lobby: [],
			hands: [],
			spotlightId: null,
			activeSpeakerId: null,
			speakingIds: [],
		},
	} satisfies RoomAction, ...actions].reduce(roomReducer, start);
}

describe('buildTiles', () => {
	it('gives oneself a mirrored tile first, labelled as you, and each other person a tile with their badge', () => {
		const { tiles, stage } = buildTiles(room(), labels);
		expect(tiles.map(({ label, badge }) => [label, badge])).toEqual([['Kim (you)', 'host'], ['Ana', undefined], ['Bo', 'cohost']]);
		expect(tiles[0]).toMatchObject({ mirrored: true, micMuted: false, videoTrack: track('my-camera') });
		expect(stage).toBeUndefined();
	});

	it('shows a remote camera only once its track is ready and while it is not paused', () => {
		expect(buildTiles(room(), labels).tiles[1]!.videoTrack).toBeUndefined();
		const ready = room({ type: 'trackReady', producerId: 'a-cam', track: track('ana-camera') });
		expect(buildTiles(ready, labels).tiles[1]!.videoTrack).toEqual(track('ana-camera'));
		const paused = room({ type: 'trackReady', producerId: 'a-cam', track: track('ana-camera') }, { type: 'producerPaused', producerId: 'a-cam', paused: true });
		expect(buildTiles(paused, labels).tiles[1]!.videoTrack).toBeUndefined();
	});

	it('marks people muted when their microphone is paused or absent, and oneself when the mic is off', () => {
		const state = room({ type: 'participantJoined', participant: person('c', 'Cy') }, { type: 'local', local: { micOn: false, cameraOn: false } });
		const { tiles } = buildTiles(state, labels);
		expect(tiles.map(({ name, micMuted }) => [name, micMuted])).toEqual([['Kim', true], ['Ana', false], ['Bo', true], ['Cy', true]]);
		expect(tiles[0]!.videoTrack).toBeUndefined();
	});

	it('marks a person whose connection is in trouble while their view says so, keeping their media', () => {
		const ready = { type: 'trackReady', producerId: 'a-cam', track: track('ana-camera') } satisfies RoomAction;
		const troubled = room(ready, { type: 'participantUpdated', participant: { ...person('a', 'Ana'), connectionTrouble: true } });
		expect(buildTiles(troubled, labels).tiles.map(({ name, connectionTrouble }) => [name, connectionTrouble]))
			.toEqual([['Kim', undefined], ['Ana', true], ['Bo', false]]);
		// A view without the field ends the trouble: it replaces the last view, it is not merged into it.
		const healed = room(ready, { type: 'participantUpdated', participant: { ...person('a', 'Ana'), connectionTrouble: true } },
			{ type: 'participantUpdated', participant: person('a', 'Ana') });
		expect(buildTiles(healed, labels).tiles[1]).toMatchObject({ connectionTrouble: false, videoTrack: track('ana-camera') });
	});

	it('moves the active speaker right after oneself', () => {
		const state = room({ type: 'participantJoined', participant: person('c', 'Cy') }, { type: 'activeSpeaker', participantId: 'c' });
		expect(buildTiles(state, labels).tiles.map(({ name }) => name)).toEqual(['Kim', 'Cy', 'Ana', 'Bo']);
	});

	it('lights the speaking indicator of everyone audible, oneself included, apart from who is dominant', () => {
		const state = room({ type: 'activeSpeaker', participantId: 'b' }, { type: 'speaking', participantIds: ['me', 'a'] });
		expect(buildTiles(state, labels).tiles.map(({ name, speaking }) => [name, speaking])).toEqual([['Kim', true], ['Bo', false], ['Ana', true]]);
		const left = roomReducer(state, { type: 'participantLeft', participantId: 'a', reason: CloseReason.LEFT });
		expect(left.speakingIds).toEqual(['me']);
	});

	it('numbers raised hands in the order they went up, and carries the reactions floating over each tile', () => {
		const state = room(
			{ type: 'hands', hands: [{ participantId: 'b', raisedAt: '' }, { participantId: 'me', raisedAt: '' }] },
			{ type: 'reaction', id: 7, participantId: 'a', emoji: '🎉' },
		);
		const { tiles } = buildTiles(state, labels);
		expect(tiles.map(({ name, handPosition }) => [name, handPosition])).toEqual([['Kim', 2], ['Ana', undefined], ['Bo', 1]]);
		expect(tiles[1]!.reactions).toEqual([{ id: 7, participantId: 'a', emoji: '🎉' }]);
	});

	it("puts a screen share on the stage, one's own before anyone else's", () => {
		const remote = room(
			{ type: 'producerAdded', producer: { id: 'b-screen', participantId: 'b', kind: 'video', source: 'screen', paused: false } },
			{ type: 'trackReady', producerId: 'b-screen', track: track('bo-screen') },
		);
		expect(buildTiles(remote, labels).stage).toMatchObject({ participantId: 'b', isScreen: true, videoTrack: track('bo-screen') });
		const mine = roomReducer(remote, { type: 'local', local: { screenTrack: track('my-screen') } });
		expect(buildTiles(mine, labels).stage).toMatchObject({ participantId: 'me', videoTrack: track('my-screen') });
	});
});

describe('the stage', () => {
	const stageOf = (state: RoomState) => buildTiles(state, labels).stage?.participantId;
	const stripOf = (state: RoomState) => buildTiles(state, labels).tiles.map(({ participantId }) => participantId);

	it('is empty in the grid, and in the speaker view holds the active speaker, else the first other person', () => {
		expect(stageOf(room())).toBeUndefined();
		expect(stageOf(room({ type: 'layout', layout: 'speaker' }))).toBe('a');
		const speaking = room({ type: 'layout', layout: 'speaker' }, { type: 'activeSpeaker', participantId: 'b' });
		expect(stageOf(speaking)).toBe('b');
		expect(stripOf(speaking)).toEqual(['me', 'a']);
		// One's own voice does not put oneself on one's own stage.
		expect(stageOf(room({ type: 'layout', layout: 'speaker' }, { type: 'activeSpeaker', participantId: 'me' }))).toBe('a');
	});

	it('keeps the last other speaker on the stage and first in the grid while oneself talks', () => {
		const grid = room({ type: 'participantJoined', participant: person('c', 'Cy') }, { type: 'activeSpeaker', participantId: 'c' },
			{ type: 'activeSpeaker', participantId: 'me' });
		expect(stripOf(grid)).toEqual(['me', 'c', 'a', 'b']);
		expect(stageOf(roomReducer(grid, { type: 'layout', layout: 'speaker' }))).toBe('c');
	});

	it('puts one\'s own pin above a host\'s spotlight, the spotlight above a screen share, and forgets both when the person leaves', () => {
		const spotlit = room({ type: 'spotlight', participantId: 'a' });
		expect(stageOf(spotlit)).toBe('a');
		expect(buildTiles(spotlit, labels).stage).toMatchObject({ spotlit: true, pinned: false });
		const pinned = room({ type: 'spotlight', participantId: 'a' }, { type: 'pin', participantId: 'b' });
		expect(stageOf(pinned)).toBe('b');
		expect(stripOf(pinned)).toEqual(['me', 'a']);
		const left = room({ type: 'spotlight', participantId: 'a' }, { type: 'pin', participantId: 'b' }, { type: 'participantLeft', participantId: 'b', reason: CloseReason.LEFT },
			{ type: 'participantLeft', participantId: 'a', reason: CloseReason.LEFT });
		expect(left.pinnedId).toBeNull();
		expect(left.spotlightId).toBeNull();
		expect(stageOf(left)).toBeUndefined();
	});

	it('shows a screen share unless someone is pinned or spotlighted', () => {
		const sharing = room({ type: 'local', local: { screenTrack: track('my-screen') } }, { type: 'layout', layout: 'speaker' });
		expect(buildTiles(sharing, labels).stage).toMatchObject({ isScreen: true, videoTrack: track('my-screen') });
		expect(stripOf(sharing)).toEqual(['me', 'a', 'b']);
		const spotlit = buildTiles(roomReducer(sharing, { type: 'spotlight', participantId: 'b' }), labels);
		expect(spotlit.stage).toMatchObject({ participantId: 'b', spotlit: true });
		expect(spotlit.stage?.isScreen).toBeUndefined();
		// The share stays in view, first in the strip.
		expect(spotlit.tiles.map(({ participantId, isScreen }) => [participantId, Boolean(isScreen)])).toEqual([['me', true], ['me', false], ['a', false]]);
	});
});

describe('the speaker view after the dominant speaker mutes', () => {
	it('shows whoever is audible instead, and keeps the dominant speaker while nobody else is', () => {
		// Ana's mic is live at first; then she mutes while Bo (mic resumed) speaks.
		const base = room({ type: 'layout', layout: 'speaker' }, { type: 'activeSpeaker', participantId: 'a' });
		expect(buildTiles(base, labels).stage?.participantId).toBe('a');
		const muted = roomReducer(base, { type: 'producerPaused', producerId: 'a-mic', paused: true });
		expect(buildTiles(muted, labels).stage?.participantId).toBe('a');
		const boSpeaks = roomReducer(roomReducer(muted, { type: 'producerPaused', producerId: 'b-mic', paused: false }), { type: 'speaking', participantIds: ['b'] });
		expect(buildTiles(boSpeaks, labels).stage?.participantId).toBe('b');
	});
});
