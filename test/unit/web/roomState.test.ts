import { describe, expect, it } from 'vitest';
import type { JoinedRoom } from '../../../shared/protocol.js';
import { MAX_MESSAGES, initialRoomState, producerOf, roomReducer, type RoomAction, type RoomState } from '../../../web/src/room/roomState.js';
import { CloseReason } from '../../../shared/errors.js';

const person = (id: string, name: string) => ({ id, name, role: 'guest' as const, joinedAt: '2026-01-01T00:00:00.000Z' });
const reduce = (state: RoomState, ...actions: RoomAction[]) => actions.reduce(roomReducer, state);

function joinedState(focus: Partial<Pick<JoinedRoom, 'activeSpeakerId' | 'speakingIds'>> = {}): RoomState {
	return reduce(initialRoomState(), {
		type: 'joined',
		room: {
			self: person('me', 'Me'),
			participants: [person('a', 'Ana'), person('b', 'Bo')],
			producers: [{ id: 'pa', participantId: 'a', kind: 'audio', source: 'mic', paused: true }],
			settings: {
				code: 'ABCDEFGHJK', title: 'Standup', audience: 'link', maxParticipants: 50,
				locked: false, waitForHost: false, autoLockOnRemove: true, expiresAt: null, e2ee: false, fromApp: true, lockedBy: null,
			},
			lobby: [],
			hands: [],
			spotlightId: null,
			activeSpeakerId: null,
			speakingIds: [],
			...focus,
		},
	});
}

describe('roomReducer', () => {
	it('seats the people and producers the server reported on join', () => {
		const state = joinedState();
		expect(state.phase).toBe('joined');
		expect(state.participants.map(({ name }) => name)).toEqual(['Ana', 'Bo']);
		expect(producerOf(state.participants[0]!, 'mic')).toMatchObject({ id: 'pa', paused: true });
	});

	it('starts from the speaker and speaking indicators of the room joined, since only changes follow', () => {
		const state = joinedState({ activeSpeakerId: 'a', speakingIds: ['a', 'b'] });
		expect(state.activeSpeakerId).toBe('a');
		expect(state.speakingIds).toEqual(['a', 'b']);
	});

	it('says why the room changed: who was removed, and a lock nobody here asked for, once', () => {
		const settings = joinedState().settings!;
		let state = reduce(joinedState(), { type: 'participantLeft', participantId: 'b', reason: CloseReason.REMOVED },
			{ type: 'settings', settings: { ...settings, locked: true, lockedBy: 'removal' } },
			{ type: 'settings', settings: { ...settings, locked: true, lockedBy: 'removal', title: 'Renamed' } });
		expect(state.notices.map((notice) => notice.kind === 'autoLocked' ? `locked:${notice.why}` : `${notice.kind}:${'name' in notice ? notice.name : ''}`))
			.toEqual(['removed:Bo', 'locked:removal']);
		// A host's own lock is not news; the last host leaving is.
		state = reduce(joinedState(), { type: 'settings', settings: { ...settings, locked: true, lockedBy: 'host' } });
		expect(state.notices).toEqual([]);
		state = reduce(joinedState(), { type: 'settings', settings: { ...settings, locked: true, lockedBy: 'host-away' } });
		expect(state.notices).toMatchObject([{ kind: 'autoLocked', why: 'host-away' }]);
	});

	it('remembers that this person ended the room, unless asking failed', () => {
		expect(reduce(joinedState(), { type: 'endingRoom', ending: true }, { type: 'ended', reason: CloseReason.ROOM_ENDED }).endingRoom).toBe(true);
		expect(reduce(joinedState(), { type: 'endingRoom', ending: true }, { type: 'endingRoom', ending: false }).endingRoom).toBe(false);
	});

	it('adds, mutes, unmutes and removes producers', () => {
		let state = reduce(joinedState(), { type: 'producerAdded', producer: { id: 'vb', participantId: 'b', kind: 'video', source: 'camera', paused: false } });
		expect(producerOf(state.participants[1]!, 'camera')?.paused).toBe(false);
		state = reduce(state, { type: 'producerPaused', producerId: 'vb', paused: true });
		expect(producerOf(state.participants[1]!, 'camera')?.paused).toBe(true);
		state = reduce(state, { type: 'producerRemoved', producerId: 'vb' });
		expect(producerOf(state.participants[1]!, 'camera')).toBeUndefined();
	});

	it('announces joins and leaves once, and forgets a leaver who was speaking', () => {
		let state = reduce(joinedState(), { type: 'participantJoined', participant: person('c', 'Cy') }, { type: 'participantJoined', participant: person('c', 'Cy') });
		expect(state.participants).toHaveLength(3);
		state = reduce(state, { type: 'activeSpeaker', participantId: 'c' }, { type: 'participantLeft', participantId: 'c', reason: CloseReason.LEFT });
		expect(state.participants).toHaveLength(2);
		expect(state.activeSpeakerId).toBeNull();
		expect(state.notices.map((notice) => `${notice.kind}:${'name' in notice ? notice.name : ''}`)).toEqual(['joined:Cy', 'left:Cy']);
	});

	it("turns a failed action into a notice with the server's reason", () => {
		const state = reduce(joinedState(), { type: 'actionFailed', code: 'FORBIDDEN' });
		expect(state.notices).toEqual([expect.objectContaining({ kind: 'actionFailed', code: 'FORBIDDEN' })]);
	});

	it('announces a hand newly raised by someone else, by name, once', () => {
		const hand = (participantId: string) => ({ participantId, raisedAt: '2026-01-01T00:00:01.000Z' });
		let state = reduce(joinedState(), { type: 'hands', hands: [hand('a')] }, { type: 'hands', hands: [hand('a'), hand('me')] });
		state = reduce(state, { type: 'hands', hands: [hand('a'), hand('me'), hand('b')] });
		expect(state.notices.filter((notice) => notice.kind === 'handRaised').map((notice) => notice.kind === 'handRaised' && notice.name)).toEqual(['Ana', 'Bo']);
		expect(state.hands.map(({ participantId }) => participantId)).toEqual(['a', 'me', 'b']);
	});

	it('counts messages from others as unread and shows a notice while the chat is closed, and clears the count on opening', () => {
		const message = (id: string, participantId: string, name: string, text: string) => ({ id, participantId, name, text, sentAt: '' });
		let state = reduce(joinedState(), { type: 'chat', message: message('1', 'a', 'Ana', 'hello') }, { type: 'chat', message: message('2', 'me', 'Me', 'mine') });
		expect(state.unread).toBe(1);
		expect(state.notices).toEqual([expect.objectContaining({ kind: 'chat', name: 'Ana', text: 'hello', private: false })]);
		state = reduce(state, { type: 'chatOpen', open: true }, { type: 'chat', message: message('3', 'b', 'Bo', 'seen at once') });
		expect(state.unread).toBe(0);
		expect(state.notices).toHaveLength(1);
	});

	it('keeps only the most recent chat messages', () => {
		let state = joinedState();
		for (let i = 0; i < MAX_MESSAGES + 5; i++) {
			state = roomReducer(state, { type: 'chat', message: { id: String(i), participantId: 'a', name: 'Ana', text: `m${i}`, sentAt: '' } });
		}
		expect(state.messages).toHaveLength(MAX_MESSAGES);
		expect(state.messages[0]!.id).toBe('5');
	});

	it('ignores room events once the visit has ended', () => {
		const ended = reduce(joinedState(), { type: 'ended', reason: 'room-ended' });
		expect(ended.phase).toBe('ended');
		expect(reduce(ended, { type: 'participantJoined', participant: person('z', 'Zed') })).toBe(ended);
		expect(reduce(ended, { type: 'phase', phase: 'reconnecting' }).phase).toBe('ended');
	});
});
