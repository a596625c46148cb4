/** The HTTP edge's one mapping from error codes to statuses. */
import type { ErrorRequestHandler, Response } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import { RoomsError } from '../errors.js';
import type { Logger } from '../logger.js';

const STATUS: Record<ErrorCode, number> = {
	INVALID_PAYLOAD: 400,
	AUTH_INVALID: 401,
	AUTH_EXPIRED: 401,
	FORBIDDEN: 403,
	ROOM_LOCKED: 403,
	REMOVED: 403,
	DENIED: 403,
	SIGNED_IN_ONLY: 403,
	NOT_FOUND: 404,
	ROOM_NOT_FOUND: 404,
	INVITE_NOT_FOUND: 404,
	ROOM_FULL: 409,
	ALREADY_JOINED: 409,
	NOT_JOINED: 409,
	ROOM_ENDED: 410,
	INVITE_EXPIRED: 410,
	RATE_LIMITED: 429,
	LIMIT_REACHED: 409,
	E2EE_ROOM: 409,
	INTERNAL: 500,
	MEDIA_ERROR: 500,
	UNAVAILABLE: 503,
	DRAINING: 503,
	// Misdirected Request: this node does not hold the room.
	WRONG_NODE: 421,
	TIMEOUT: 504,
};

export function sendError(res: Response, code: ErrorCode, message: string, status = STATUS[code], reason?: string): void {
	res.status(status).json({ error: { code, message, ...(reason ? { reason } : {}) } });
}

/** Last handler: domain errors keep their code; body-parser errors become INVALID_PAYLOAD; the rest is INTERNAL. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
	return (error: unknown, req, res, _next) => {
		if (error instanceof RoomsError) return sendError(res, error.code, error.message, STATUS[error.code], error.reason);
		const httpError = error as { status?: number; type?: string; expose?: boolean; message?: string };
		if (typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500 && httpError.expose) {
			const message = httpError.type === 'entity.parse.failed' ? 'request body is not valid JSON' : String(httpError.message);
			return sendError(res, ErrorCode.INVALID_PAYLOAD, message, httpError.status === 413 ? 413 : 400);
		}
		logger.error({ err: error, method: req.method, path: req.path }, 'unhandled request error');
		sendError(res, ErrorCode.INTERNAL, 'internal error');
	};
}
