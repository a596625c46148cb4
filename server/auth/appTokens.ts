/**
 * Verifies app JWTs, whose format `shared/appTokens.ts` sets out. A join
 * token travels in links people may forward, so it opens no API, and an API
 * token opens no room.
 */
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { APP_TOKEN_AUDIENCE, APP_TOKEN_MAX_LIFETIME_SECONDS, type AppTokenUse } from '../../shared/appTokens.js';
import { DisplayName } from '../../shared/schemas.js';
import { AppRegistry, type App } from '../apps/AppRegistry.js';
import { Errors } from '../errors.js';

/** Tolerated clock difference between the app's servers and ours. */
const CLOCK_TOLERANCE_SECONDS = 30;

export interface AppUser {
	app: App;
	userId: string;
	/** `app:userId`, the identity rooms are owned by. */
	identity: string;
	name: string;
}

const Claims = z.object({
	iss: z.string(),
	sub: z.string().min(1).max(128),
	exp: z.number(),
});

/** The app part of an `app:userId` identity (`web` for rooms made on the landing page). */
export function appIdOf(identity: string): string {
	return identity.slice(0, identity.indexOf(':'));
}

/** The app id of the owners of rooms made on the landing page: no app, so nobody signs in through one for them. */
export const WEB_APP_ID = 'web';

export function verifyAppToken(token: string, apps: AppRegistry, use: AppTokenUse): AppUser {
	const unverified = jwt.decode(token, { json: true });
	const app = typeof unverified?.iss === 'string' ? apps.get(unverified.iss) : undefined;
	if (!app) throw Errors.authInvalid('unknown app or malformed token');

	let payload: jwt.JwtPayload;
	try {
		payload = jwt.verify(token, app.secret, {
			algorithms: ['HS256'],
			audience: APP_TOKEN_AUDIENCE[use],
			issuer: app.id,
			clockTolerance: CLOCK_TOLERANCE_SECONDS,
		}) as jwt.JwtPayload;
	} catch (error) {
		if (error instanceof jwt.TokenExpiredError) throw Errors.authExpired();
		if (error instanceof jwt.JsonWebTokenError && error.message.startsWith('jwt audience invalid')) {
			throw Errors.authInvalid(`this app token is not for ${use === 'api' ? 'the API' : 'joining'}: its aud must be "${APP_TOKEN_AUDIENCE[use]}"`);
		}
		throw Errors.authInvalid(`invalid app token: ${(error as Error).message}`);
	}
	// Exactly the audience asked for: jsonwebtoken passes an array holding it among others, which would let
	// one token be both a join link's (forwarded in chats) and the API's.
	const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
	if (audiences.length === 0 || audiences.some((audience) => audience !== APP_TOKEN_AUDIENCE[use])) {
		throw Errors.authInvalid(`this app token is not only for ${use === 'api' ? 'the API' : 'joining'}: its aud must be exactly "${APP_TOKEN_AUDIENCE[use]}"`);
	}
	const claims = Claims.safeParse(payload);
	if (!claims.success) throw Errors.authInvalid('app token needs sub, name and exp claims');
	// The name is shown to everyone in the room and on the invite page: the same rules as a name typed at the door.
	const name = DisplayName.safeParse(payload.name);
	if (!name.success) throw Errors.authInvalid(`app token's name claim: ${name.error.issues[0]!.message}`);
	const nowSeconds = Math.floor(Date.now() / 1000);
	if (claims.data.exp > nowSeconds + APP_TOKEN_MAX_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
		throw Errors.authInvalid('app tokens may live at most one hour');
	}
	if (!AppRegistry.isValidUserId(app, claims.data.sub)) {
		throw Errors.authInvalid(`sub is not a valid ${app.name} user id`);
	}
	return { app, userId: claims.data.sub, identity: `${app.id}:${claims.data.sub}`, name: name.data };
}
