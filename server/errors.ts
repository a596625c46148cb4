import { ErrorCode } from '../shared/errors.js';

/**
 * The one error class of the domain: a fixed code and a message safe to show
 * to the caller. Edges map the code to an HTTP status or an ack.
 */
export class RoomsError extends Error {
	override name = 'RoomsError';
	constructor(readonly code: ErrorCode, message: string, readonly reason?: string) {
		super(message);
	}
}

/** The room lives on another node: the client connects to its path instead. */
export class WrongNodeError extends RoomsError {
	constructor(readonly signalingPath: string) {
		super(ErrorCode.WRONG_NODE, 'the room is on another node of this service');
	}
}

export const Errors = {
	invalidPayload: (message: string) => new RoomsError(ErrorCode.INVALID_PAYLOAD, message),
	roomNotFound: () => new RoomsError(ErrorCode.ROOM_NOT_FOUND, 'room not found'),
	inviteNotFound: () => new RoomsError(ErrorCode.INVITE_NOT_FOUND, 'no room has this invite link'),
	linkReset: () => new RoomsError(ErrorCode.INVITE_NOT_FOUND, 'the host reset this link; ask them for the new one', 'link-reset'),
	inviteExpired: () => new RoomsError(ErrorCode.INVITE_EXPIRED, 'this invite link has expired'),
	removed: () => new RoomsError(ErrorCode.REMOVED, 'a host removed you from this room'),
	denied: () => new RoomsError(ErrorCode.DENIED, 'a host turned down your request to join this room'),
	roomEnded: () => new RoomsError(ErrorCode.ROOM_ENDED, 'the room has ended'),
	roomFull: (message = 'the room is full') => new RoomsError(ErrorCode.ROOM_FULL, message),
	roomLocked: () => new RoomsError(ErrorCode.ROOM_LOCKED, 'the room is locked'),
	signedInOnly: () => new RoomsError(ErrorCode.SIGNED_IN_ONLY, 'only people signed in through an app can join'),
	notJoined: () => new RoomsError(ErrorCode.NOT_JOINED, 'join the room first'),
	alreadyJoined: () => new RoomsError(ErrorCode.ALREADY_JOINED, 'already joined'),
	notFound: (what: string) => new RoomsError(ErrorCode.NOT_FOUND, `${what} not found`),
	forbidden: (message: string) => new RoomsError(ErrorCode.FORBIDDEN, message),
	authInvalid: (message = 'invalid credentials') => new RoomsError(ErrorCode.AUTH_INVALID, message),
	authExpired: () => new RoomsError(ErrorCode.AUTH_EXPIRED, 'credentials expired'),
	unavailable: (message: string) => new RoomsError(ErrorCode.UNAVAILABLE, message),
	e2eeRoom: (message: string) => new RoomsError(ErrorCode.E2EE_ROOM, message),
	draining: () => new RoomsError(ErrorCode.DRAINING, 'this server is restarting; join again in a moment'),
	rateLimited: (what: string) => new RoomsError(ErrorCode.RATE_LIMITED, `too many ${what}; slow down`),
	roomQuota: (message: string) => new RoomsError(ErrorCode.RATE_LIMITED, message),
	limitReached: (what: string, limit: number) => new RoomsError(ErrorCode.LIMIT_REACHED, `at most ${limit} ${what} per person`),
};
