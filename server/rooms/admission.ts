/**
 * The one rule for who may come in: seated now, waiting in the lobby (and
 * for what), or refused (and why). Pure, so both edges ask it: the HTTP join
 * for a quick answer before issuing a token, and Room.join as the authority
 * at the socket, where settings changed since the token (audience, expiry,
 * lock) and removals are enforced.
 */
import { ErrorCode } from '../../shared/errors.js';
import type { WaitReason } from '../../shared/protocol.js';
import type { Role } from '../../shared/schemas.js';
import { Errors, type RoomsError } from '../errors.js';
import type { RoomRecord } from '../store/RoomStore.js';

export type AdmissionSettings = Pick<RoomRecord, 'status' | 'audience' | 'expiresAt' | 'locked' | 'waitForHost' | 'maxParticipants'>;

/** What the live room looks like now; a room nobody has opened has nobody in it. */
export interface AdmissionLive {
	/** A host (or a co-host who succeeded one) is seated. */
	hostPresent: boolean;
	seated: number;
	waiting: number;
	/** At most this many people wait in the lobby. */
	maxWaiting: number;
}

/** A room nobody has opened yet: nobody in, nobody waiting. */
export const UNOPENED_ROOM: AdmissionLive = { hostPresent: false, seated: 0, waiting: 0, maxWaiting: Infinity };

export interface AdmissionPerson {
	role: Role;
	/** Signed in through an app (their token carries an identity). */
	signedIn: boolean;
	/** A removal bans their participant id, identity or browser key. */
	banned: boolean;
	/** A host turned them away at the door (same participant id, identity or browser key) while the room is live. */
	denied?: boolean;
	/** A host let them in from the lobby; they still need a seat. */
	admitted: boolean;
	/** They accept to wait (ask to join a locked room, queue for a full one) rather than be refused. */
	wait: boolean;
}

export type AdmissionDecision =
	| { kind: 'seat' }
	| { kind: 'lobby'; reason: WaitReason }
	| { kind: 'refuse'; code: RefusalCode };

export type RefusalCode = typeof ErrorCode.ROOM_ENDED | typeof ErrorCode.REMOVED | typeof ErrorCode.DENIED | typeof ErrorCode.INVITE_EXPIRED
	| typeof ErrorCode.SIGNED_IN_ONLY | typeof ErrorCode.ROOM_LOCKED | typeof ErrorCode.ROOM_FULL;

const refuse = (code: RefusalCode): AdmissionDecision => ({ kind: 'refuse', code });

export function isExpired(settings: Pick<RoomRecord, 'expiresAt'>, now = Date.now()): boolean {
	return settings.expiresAt !== null && Date.parse(settings.expiresAt) <= now;
}

/**
 * Hosts skip the door (expiry, audience, lock, waiting for the host), never
 * the seat limit. A host's admission skips the lock. Waiting for the host
 * needs no consent; knocking and queueing do.
 */
export function admission(settings: AdmissionSettings, live: AdmissionLive, person: AdmissionPerson, now = Date.now()): AdmissionDecision {
	if (settings.status === 'ended') return refuse(ErrorCode.ROOM_ENDED);
	if (person.banned) return refuse(ErrorCode.REMOVED);
	const host = person.role === 'host';
	if (!host && person.denied) return refuse(ErrorCode.DENIED);
	if (!host && isExpired(settings, now)) return refuse(ErrorCode.INVITE_EXPIRED);
	if (!host && settings.audience === 'signed-in' && !person.signedIn) return refuse(ErrorCode.SIGNED_IN_ONLY);

	let decision: AdmissionDecision;
	if (!host && !person.admitted && settings.locked && !person.wait) decision = refuse(ErrorCode.ROOM_LOCKED);
	// With no host in, nobody could answer a knock: wait for the host instead.
	else if (!host && !person.admitted && !live.hostPresent && (settings.waitForHost || settings.locked)) decision = { kind: 'lobby', reason: 'host' };
	else if (!host && !person.admitted && settings.locked) decision = { kind: 'lobby', reason: 'knock' };
	else if (live.seated < settings.maxParticipants) decision = { kind: 'seat' };
	else decision = person.wait ? { kind: 'lobby', reason: 'queue' } : refuse(ErrorCode.ROOM_FULL);

	if (decision.kind === 'lobby' && live.waiting >= live.maxWaiting) return refuse(ErrorCode.ROOM_FULL);
	return decision;
}

const REFUSALS: Record<RefusalCode, () => RoomsError> = {
	ROOM_ENDED: Errors.roomEnded,
	REMOVED: Errors.removed,
	DENIED: Errors.denied,
	INVITE_EXPIRED: Errors.inviteExpired,
	SIGNED_IN_ONLY: Errors.signedInOnly,
	ROOM_LOCKED: Errors.roomLocked,
	ROOM_FULL: () => Errors.roomFull(),
};

/** The error for an admission refusal. */
export function refusal(code: RefusalCode): RoomsError {
	return REFUSALS[code]();
}
