import { describe, expect, it } from 'vitest';
import { admission, type AdmissionLive, type AdmissionPerson, type AdmissionSettings } from '../../../server/rooms/admission.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const open: AdmissionSettings = { status: 'open', audience: 'link', expiresAt: null, locked: false, waitForHost: false, maxParticipants: 3 };
const live: AdmissionLive = { hostPresent: true, seated: 1, waiting: 0, maxWaiting: 2 };
const guest: AdmissionPerson = { role: 'guest', signedIn: false, banned: false, admitted: false, wait: false };
const host: AdmissionPerson = { ...guest, role: 'host' };
const decide = (settings: Partial<AdmissionSettings>, state: Partial<AdmissionLive>, person: Partial<AdmissionPerson> = {}) =>
	admission({ ...open, ...settings }, { ...live, ...state }, { ...guest, ...person }, NOW);

describe('admission', () => {
	it('seats a guest in an open room with a free seat', () => {
		expect(decide({}, {})).toEqual({ kind: 'seat' });
	});

	it('refuses everyone once the room has ended, hosts too', () => {
		expect(decide({ status: 'ended' }, {})).toEqual({ kind: 'refuse', code: 'ROOM_ENDED' });
		expect(decide({ status: 'ended' }, {}, host)).toEqual({ kind: 'refuse', code: 'ROOM_ENDED' });
	});

	it('refuses a removed person however they come back', () => {
		expect(decide({}, {}, { banned: true })).toEqual({ kind: 'refuse', code: 'REMOVED' });
		expect(decide({}, {}, { banned: true, wait: true, admitted: true })).toEqual({ kind: 'refuse', code: 'REMOVED' });
	});

	it('refuses guests after the link expired, and still lets the host in to reset it', () => {
		const expired = { expiresAt: '2026-06-01T11:59:59Z' };
		expect(decide(expired, {})).toEqual({ kind: 'refuse', code: 'INVITE_EXPIRED' });
		expect(decide(expired, {}, host)).toEqual({ kind: 'seat' });
		expect(decide({ expiresAt: '2026-06-01T12:00:01Z' }, {})).toEqual({ kind: 'seat' });
	});

	it('lets only signed-in guests into a signed-in room; the host needs no app account', () => {
		expect(decide({ audience: 'signed-in' }, {})).toEqual({ kind: 'refuse', code: 'SIGNED_IN_ONLY' });
		expect(decide({ audience: 'signed-in' }, {}, { signedIn: true })).toEqual({ kind: 'seat' });
		expect(decide({ audience: 'signed-in' }, {}, host)).toEqual({ kind: 'seat' });
	});

	it('refuses a locked room unless the person asks to join, and lets an admitted person past the lock', () => {
		expect(decide({ locked: true }, {})).toEqual({ kind: 'refuse', code: 'ROOM_LOCKED' });
		expect(decide({ locked: true }, {}, { wait: true })).toEqual({ kind: 'lobby', reason: 'knock' });
		expect(decide({ locked: true }, {}, { admitted: true })).toEqual({ kind: 'seat' });
		expect(decide({ locked: true }, {}, host)).toEqual({ kind: 'seat' });
	});

	it('has guests wait for the host without asking, and a knock wait for the host when none could answer it', () => {
		expect(decide({ waitForHost: true }, { hostPresent: false })).toEqual({ kind: 'lobby', reason: 'host' });
		expect(decide({ waitForHost: true }, { hostPresent: true })).toEqual({ kind: 'seat' });
		expect(decide({ locked: true }, { hostPresent: false }, { wait: true })).toEqual({ kind: 'lobby', reason: 'host' });
		expect(decide({ waitForHost: false }, { hostPresent: false })).toEqual({ kind: 'seat' });
		expect(decide({ waitForHost: true }, { hostPresent: false }, host)).toEqual({ kind: 'seat' });
	});

	it('refuses a full room, or queues for it when the person accepts to wait; hosts do not skip the seat limit', () => {
		expect(decide({}, { seated: 3 })).toEqual({ kind: 'refuse', code: 'ROOM_FULL' });
		expect(decide({}, { seated: 3 }, { wait: true })).toEqual({ kind: 'lobby', reason: 'queue' });
		expect(decide({}, { seated: 3 }, host)).toEqual({ kind: 'refuse', code: 'ROOM_FULL' });
		expect(decide({}, { seated: 3 }, { admitted: true, wait: true })).toEqual({ kind: 'lobby', reason: 'queue' });
	});

	it('refuses to make anyone wait once the lobby is full', () => {
		expect(decide({ locked: true }, { waiting: 2 }, { wait: true })).toEqual({ kind: 'refuse', code: 'ROOM_FULL' });
		expect(decide({ waitForHost: true }, { hostPresent: false, waiting: 2 })).toEqual({ kind: 'refuse', code: 'ROOM_FULL' });
		expect(decide({}, { waiting: 2 })).toEqual({ kind: 'seat' });
	});
});
