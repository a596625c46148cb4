/** A refused or timed-out signalling request, with the server's code. Apart from the client, so pages can check it without loading Socket.IO. */
import { ErrorCode } from '../../../shared/errors.js';

export class SignalingError extends Error {
	override name = 'SignalingError';
	constructor(readonly code: ErrorCode, message: string) {
		super(message);
	}
}

/** The server's code for a failed request, or INTERNAL for anything else. */
export function errorCode(error: unknown): ErrorCode {
	return error instanceof SignalingError ? error.code : ErrorCode.INTERNAL;
}
