/**
 * The ICE servers a participant's browser is given: the configured ones
 * (ROOMS_ICE_SERVERS), and for configured TURN servers (ROOMS_TURN_URLS)
 * credentials of their own under the TURN REST scheme that coturn
 * implements with `use-auth-secret`: the username is the expiry time and
 * the participant id, the password an HMAC-SHA1 of it with the shared
 * secret. They are short-lived and are renewed with the participant's token
 * (session.refresh), so a credential copied out of a page soon opens nothing.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../../shared/protocol.js';

export interface TurnOptions {
	urls: string[];
	secret: string;
	ttlSeconds: number;
}

export class IceServers {
	constructor(private readonly configured: IceServer[], private readonly turn: TurnOptions | undefined) {}

	for(participantId: string, now = Date.now()): IceServer[] {
		if (!this.turn) return this.configured;
		const username = `${Math.floor(now / 1000) + this.turn.ttlSeconds}:${participantId}`;
		const credential = createHmac('sha1', this.turn.secret).update(username).digest('base64');
		return [...this.configured, { urls: this.turn.urls, username, credential }];
	}
}
