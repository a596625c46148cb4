/**
 * Who may do what to a room, in one table. The owner app (and identities
 * linked to it) and hosts may do everything; co-hosts everything but end the
 * room; guests nothing. Who may be the *target* of a control is a separate
 * rule: never a host, and never oneself.
 */
import type { Role } from '../../shared/schemas.js';

export type Permission = 'moderate' | 'end';

/** The owner app acting through the REST API counts as `owner`. */
export type Authority = Role | 'owner';

const TABLE: Record<Authority, ReadonlySet<Permission>> = {
	owner: new Set(['moderate', 'end']),
	host: new Set(['moderate', 'end']),
	cohost: new Set(['moderate']),
	guest: new Set(),
};

export function may(authority: Authority, permission: Permission): boolean {
	return TABLE[authority].has(permission);
}

/** Why a control may not target this person, or undefined when it may. */
export function targetRefusal(target: { id: string; role: Role }, actorId: string | undefined): string | undefined {
	if (target.role === 'host') return 'hosts cannot be the target of this';
	if (target.id === actorId) return 'use leave or your own mute';
	return undefined;
}
