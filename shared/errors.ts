/**
 * Error codes seen by HTTP and Socket.IO clients. The server's domain throws
 * these; only the edges (HTTP routes, socket handlers) choose a status.
 */
export const ErrorCode = {
	INVALID_PAYLOAD: 'INVALID_PAYLOAD',
	AUTH_INVALID: 'AUTH_INVALID',
	AUTH_EXPIRED: 'AUTH_EXPIRED',
	FORBIDDEN: 'FORBIDDEN',
	NOT_FOUND: 'NOT_FOUND',
	ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
	INVITE_NOT_FOUND: 'INVITE_NOT_FOUND',
	ROOM_ENDED: 'ROOM_ENDED',
	ROOM_FULL: 'ROOM_FULL',
	ROOM_LOCKED: 'ROOM_LOCKED',
	/** The link expired (`expiresAt`); the host can reset it. */
	INVITE_EXPIRED: 'INVITE_EXPIRED',
	/** A host removed this person; the removal lasts for the room's lifetime. */
	REMOVED: 'REMOVED',
	/** A host turned down this person's request to join; the door stays closed to them while the room is live. */
	DENIED: 'DENIED',
	SIGNED_IN_ONLY: 'SIGNED_IN_ONLY',
	NOT_JOINED: 'NOT_JOINED',
	ALREADY_JOINED: 'ALREADY_JOINED',
	MEDIA_ERROR: 'MEDIA_ERROR',
	RATE_LIMITED: 'RATE_LIMITED',
	/** The room is end-to-end encrypted, and what was asked would put clear media in it (ffmpeg's streams cannot encrypt frames). */
	E2EE_ROOM: 'E2EE_ROOM',
	/** A per-person cap (transports, consumers) is reached: close something first. */
	LIMIT_REACHED: 'LIMIT_REACHED',
	UNAVAILABLE: 'UNAVAILABLE',
	/** The room lives on another node of the cluster: connect to `signalingPath` instead. */
	WRONG_NODE: 'WRONG_NODE',
	/** This server is stopping: calls on it continue, new joins go elsewhere (or after the restart). */
	DRAINING: 'DRAINING',
	INTERNAL: 'INTERNAL',
	TIMEOUT: 'TIMEOUT',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
	code: ErrorCode;
	message: string;
	/** Why, when the code alone is ambiguous: `link-reset` for an INVITE_NOT_FOUND of a reset link. */
	reason?: string;
	/** With WRONG_NODE: where the room's node takes Socket.IO connections. */
	signalingPath?: string;
}

/** Why a participant's session ended; sent to the client so it can say so. */
export const CloseReason = {
	LEFT: 'left',
	REPLACED: 'replaced',
	DISCONNECTED: 'disconnected',
	REMOVED: 'removed',
	ROOM_ENDED: 'room-ended',
	SERVER_SHUTDOWN: 'server-shutdown',
	MEDIA_FAILURE: 'media-failure',
	/** A host turned down a request to join. */
	DENIED: 'denied',
	/** Nobody answered a request to join in time. */
	KNOCK_TIMEOUT: 'knock-timeout',
} as const;

export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];
