/**
 * Roles in a live room and who succeeds whom. `host` comes from the owner's
 * credentials; hosts and co-hosts appoint co-hosts. When the last host
 * leaves, the longest-serving seated co-host stands in as host until an
 * owner returns, then steps back to co-host. Appointments are kept by
 * participant id, so a reconnect keeps its role, and in the store
 * (CohostStore), so a room rebuilt elsewhere starts with them.
 */
import type { Role } from '../../shared/schemas.js';
import type { ParticipantClaims } from '../auth/participantTokens.js';
import type { Participant } from './Participant.js';

/** What the roles need from their room. */
export interface RolesRoom {
	participants(): Participant[];
	seated(participantId: string): Participant | undefined;
	/** A role changed (by appointment or succession): tell the room. */
	roleChanged(participant: Participant, wasModerator: boolean): void;
	/** The room's own change: a co-host stood in for the last host, or stepped back for a returning one. */
	succeeded(participant: Participant, role: Role): void;
	/** The last host left and no co-host could stand in. */
	hostAway(): void;
	/** Someone was appointed co-host, or dismissed: keep it beyond this room's life here. */
	appointed(participantId: string, cohost: boolean): void;
}

export class Roles {
	readonly #room: RolesRoom;
	/** Co-hosts by participant id, in order of appointment. */
	readonly #cohosts = new Set<string>();

	/** `cohosts`: those appointed before the room was rebuilt here, in order of appointment. */
	constructor(room: RolesRoom, cohosts: readonly string[] = []) {
		this.#room = room;
		for (const id of cohosts) this.#cohosts.add(id);
	}

	/** The role a person takes when they sit down. */
	roleOf(claims: Pick<ParticipantClaims, 'pid' | 'role'>): Role {
		if (claims.role === 'host') return 'host';
		return this.#cohosts.has(claims.pid) ? 'cohost' : 'guest';
	}

	/** Appoints or dismisses a co-host, or moves the host role on succession. */
	set(participant: Participant, role: Role): void {
		if (participant.role === role) return;
		const wasModerator = participant.isModerator;
		participant.role = role;
		if (role === 'cohost' && !this.#cohosts.has(participant.id)) {
			this.#cohosts.add(participant.id);
			this.#room.appointed(participant.id, true);
		}
		if (role === 'guest' && this.#cohosts.delete(participant.id)) this.#room.appointed(participant.id, false);
		this.#room.roleChanged(participant, wasModerator);
	}

	/** A host left; if none is left, the longest-serving seated co-host stands in. */
	hostLeft(): void {
		if (this.#room.participants().some(({ role }) => role === 'host')) return;
		const successor = [...this.#cohosts].map((id) => this.#room.seated(id)).find((candidate) => candidate?.role === 'cohost');
		if (!successor) {
			this.#room.hostAway();
			return;
		}
		this.set(successor, 'host');
		this.#room.succeeded(successor, 'host');
	}

	/** An owner is back: co-hosts standing in as host step back to co-host. */
	ownerReturned(): void {
		for (const standIn of this.#room.participants().filter((participant) => participant.role === 'host' && !participant.owner)) {
			this.set(standIn, 'cohost');
			this.#room.succeeded(standIn, 'cohost');
		}
	}
}
