/**
 * The app token: how a chat app's backend vouches for one of its users. This
 * format is a public contract (README, "App tokens"); the server verifies it
 * (`server/auth/appTokens.ts`) and the CLI, the load tool and the tests sign it.
 *
 * A JWT signed HS256 with the app's secret, with these claims:
 * - `iss`: the app's id;
 * - `sub`: the user's id in that app;
 * - `name`: the name shown in rooms (the same rules as a name typed at the door);
 * - `aud`: exactly one of `APP_TOKEN_AUDIENCE`: `rooms` for the owner API,
 *   `rooms:join` for joining a room as that user (a link's `#app=`);
 * - `exp`: at most `APP_TOKEN_MAX_LIFETIME_SECONDS` ahead.
 */
import jwt from 'jsonwebtoken';

export const APP_TOKEN_AUDIENCE = { api: 'rooms', join: 'rooms:join' } as const;
export type AppTokenUse = keyof typeof APP_TOKEN_AUDIENCE;
export const APP_TOKEN_MAX_LIFETIME_SECONDS = 3600;

/** Signs an app token, as a chat app's backend does. */
export function signAppToken(app: { id: string; secret: string }, userId: string, name: string, lifetimeSeconds = 300, use: AppTokenUse = 'api'): string {
	return jwt.sign({ name }, app.secret, {
		algorithm: 'HS256',
		issuer: app.id,
		subject: userId,
		audience: APP_TOKEN_AUDIENCE[use],
		expiresIn: lifetimeSeconds,
	});
}
