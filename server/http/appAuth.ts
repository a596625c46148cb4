import type { Request, RequestHandler } from 'express';
import type { AppRegistry } from '../apps/AppRegistry.js';
import { type AppUser, verifyAppToken } from '../auth/appTokens.js';
import { Errors } from '../errors.js';

const appUsers = new WeakMap<Request, AppUser>();

/** Requires `Authorization: Bearer <app JWT>`. */
export function requireApp(apps: AppRegistry): RequestHandler {
	return (req, _res, next) => {
		const header = req.get('authorization') ?? '';
		const match = /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/.exec(header);
		if (!match) throw Errors.authInvalid('Authorization: Bearer <app token> required');
		appUsers.set(req, verifyAppToken(match[1]!, apps, 'api'));
		next();
	};
}

export function appUser(req: Request): AppUser {
	const user = appUsers.get(req);
	if (!user) throw new Error('requireApp must run before appUser');
	return user;
}
