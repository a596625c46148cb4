/**
 * Who may do what to a room, in one table. The owner app (and identities
 * linked to it) and hosts may do everything; co-hosts everything but end the
 * room; guests nothing. Who may be the *target* of a control is a separate
 * rule: never a host, and never oneself.
 */
import type { Role } from '../../shared/schemas.js';

/**
 * `moderate`: settings, locks, removals, mutes, roles, the lobby. `spotlight`: choose whom everyone's speaker
 * view shows. `lower-hands`: lower someone else's raised hand (anyone lowers their own). `end`: end the room.
 */
export type Permission = 'moderate' | 'spotlight' | 'lower-hands' | 'end';

/** The owner app acting through the REST API counts as `owner`. */
export type Authority = Role | 'owner';

const TABLE: Record<Authority, ReadonlySet<Permission>> = {
	owner: new Set(['moderate', 'spotlight', 'lower-hands', 'end']),
	host: new Set(['moderate', 'spotlight', 'lower-hands', 'end']),
	cohost: new Set(['moderate', 'spotlight', 'lower-hands']),
	guest: new Set(),
};

export function may(authority: Authority, permission: Permission): boolean {
	return TABLE[authority].has(permission);
}

/**
 * What a seated person may do: their role's rights, except that a co-host
 * standing in for an absent host keeps a co-host's rights. Only someone
 * holding the owner's credentials ends the room.
 */
export function authorityOf(participant: { role: Role; owner: boolean }): Authority {
	return participant.role === 'host' && !participant.owner ? 'cohost' : participant.role;
}

/** Why a control may not target this person, or undefined when it may. */
export function targetRefusal(target: { id: string; role: Role }, actorId: string | undefined): string | undefined {
	if (target.role === 'host') return 'hosts cannot be the target of this';
	if (target.id === actorId) return 'use leave or your own mute';
	return undefined;
}
