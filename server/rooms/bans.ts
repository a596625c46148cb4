/** What a removal bans, and what a join is checked against. */
import type { ParticipantClaims } from '../auth/participantTokens.js';
import type { Ban } from '../store/RoomStore.js';

/** The person's participant id, their identity if signed in, and their browser's (hashed) guest key, as far as known. */
export function bansFor(claims: Partial<Pick<ParticipantClaims, 'pid' | 'identity' | 'gk'>>): Ban[] {
	return [
		...(claims.pid ? [{ kind: 'participant' as const, value: claims.pid }] : []),
		...(claims.identity ? [{ kind: 'identity' as const, value: claims.identity }] : []),
		...(claims.gk ? [{ kind: 'guest-key' as const, value: claims.gk }] : []),
	];
}

const banKey = (ban: Ban): string => `${ban.kind}:${ban.value}`;

/**
 * People barred from one live room, in memory: those a host removed (kept
 * beside the store's bans, so they count before the store's write lands) or
 * turned away at the door.
 */
export class Barred {
	readonly #keys = new Set<string>();

	add(person: Partial<Pick<ParticipantClaims, 'pid' | 'identity' | 'gk'>>): void {
		for (const ban of bansFor(person)) this.#keys.add(banKey(ban));
	}

	/** Bars what the store kept (a room going live again). */
	addBans(bans: Ban[]): void {
		for (const ban of bans) this.#keys.add(banKey(ban));
	}

	has(person: Partial<Pick<ParticipantClaims, 'pid' | 'identity' | 'gk'>>): boolean {
		return bansFor(person).some((ban) => this.#keys.has(banKey(ban)));
	}
}
