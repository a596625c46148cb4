/**
 * Participant tokens: issued by `POST /invites/:code/join`, presented in the
 * Socket.IO handshake. The room comes from here, never from the client.
 */
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { TokenRole } from '../../shared/schemas.js';
import { Errors } from '../errors.js';

const AUDIENCE = 'rooms-participant';
const ISSUER = 'rooms';

const Claims = z.object({
	rid: z.string(),
	/** The invite code the token was issued under: a link reset makes every token issued before it useless. */
	code: z.string(),
	pid: z.string(),
	name: z.string(),
	role: TokenRole,
	identity: z.string().optional(),
	appName: z.string().optional(),
	/** SHA-256 of the browser's guest key, so a removal can ban that browser. */
	gk: z.string().optional(),
	/** Published by the owner app's ingest API: may use plain SRTP transports, and needs no host to let it in. */
	ingest: z.literal(true).optional(),
});
export type ParticipantClaims = z.infer<typeof Claims>;

export class ParticipantTokens {
	constructor(readonly secret: string, readonly ttlSeconds: number) {}

	sign(claims: ParticipantClaims): string {
		return jwt.sign(claims, this.secret, { algorithm: 'HS256', audience: AUDIENCE, issuer: ISSUER, expiresIn: this.ttlSeconds });
	}

	verify(token: unknown): ParticipantClaims {
		if (typeof token !== 'string' || token.length === 0) throw Errors.authInvalid('missing participant token');
		let payload: unknown;
		try {
			payload = jwt.verify(token, this.secret, { algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER });
		} catch (error) {
			if (error instanceof jwt.TokenExpiredError) throw Errors.authExpired();
			throw Errors.authInvalid('invalid participant token');
		}
		const claims = Claims.safeParse(payload);
		if (!claims.success) throw Errors.authInvalid('invalid participant token');
		return claims.data;
	}
}
