/**
 * A failure as the client reads it: a RoomsError's code and message; anything
 * else is logged here and shown only as INTERNAL.
 */
import { ErrorCode, type ErrorBody } from '../../shared/errors.js';
import { RoomsError, WrongNodeError } from '../errors.js';
import type { Logger } from '../logger.js';

export function toErrorBody(error: unknown, logger: Logger, context: Record<string, unknown>): ErrorBody {
	if (error instanceof WrongNodeError) return { code: error.code, message: error.message, signalingPath: error.signalingPath };
	if (error instanceof RoomsError) return { code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) };
	logger.error({ err: error, ...context }, 'signalling request failed');
	return { code: ErrorCode.INTERNAL, message: 'internal error' };
}
