/**
 * The one place where RTP and DTLS parameters from clients become mediasoup's
 * types. The shared schemas have already checked every field's type and
 * size; mediasoup's own types are narrower in values (literal unions of the
 * header extension URIs and fingerprint algorithms it knows), and mediasoup
 * checks those values itself, rejecting bad ones with TypeError, which
 * RoomMedia answers as INVALID_PAYLOAD.
 */
import { errors, type types } from 'mediasoup';
import type * as S from '../../shared/schemas.js';
import { Errors } from '../errors.js';

export const asMediasoup = {
	rtpCapabilities: (capabilities: S.RtpCapabilities) => capabilities as types.RtpCapabilities,
	rtpParameters: (parameters: S.RtpParameters) => parameters as types.RtpParameters,
	dtlsParameters: (parameters: S.DtlsParameters) => parameters as types.DtlsParameters,
};

/** Runs a mediasoup call on client parameters: what mediasoup rejects is the caller's mistake, not ours. */
export async function checkedByMediasoup<T>(operation: Promise<T>): Promise<T> {
	try {
		return await operation;
	} catch (error) {
		if (error instanceof TypeError || error instanceof errors.UnsupportedError) throw Errors.invalidPayload(error.message);
		throw error;
	}
}
