/**
 * The door: what stands between a person and `admission()`, gathered in one
 * place for every edge (the HTTP join, the Socket.IO handshake and
 * `room.join`). In order: a token issued under a link since reset; a
 * removal; a denial at the door; a server that is stopping, for anyone not
 * already seated. The live room's own lists count with the store's, so a
 * removal counts before its write lands.
 *
 * Each edge refuses what is its to refuse: the handshake only what makes the
 * credential dead (a reset link, a removal); a join refuses a reset link and
 * a stopping server, and hands a removal or a denial to `admission()`, which
 * weighs them against the person's role.
 */
import type { ParticipantClaims } from '../auth/participantTokens.js';
import { Errors, type RoomsError } from '../errors.js';
import type { BarredStore } from '../store/RoomStore.js';
import { type Barred, bansFor } from './bans.js';

export type Door = 'open' | 'link-reset' | 'removed' | 'denied' | 'draining';

/** Who is at the door, as far as known: a token's claims, or a browser's key before it has one. */
export type DoorPerson = Partial<Pick<ParticipantClaims, 'code' | 'pid' | 'identity' | 'gk'>>;

export interface DoorFacts {
	roomId: string;
	/** The room's invite code now. */
	code: string;
	barred: BarredStore;
	/** The live room's own barred people; absent when the room is not live. */
	live?: { removals: Barred; denials: Barred };
	/** Whether the server is stopping. */
	draining: boolean;
	/** Whether the person holds a seat already: their reconnect still comes in while the server stops. */
	seated: boolean;
}

export async function door(person: DoorPerson, facts: DoorFacts): Promise<Door> {
	if (person.code !== undefined && person.code !== facts.code) return 'link-reset';
	const keys = bansFor(person);
	// One read of the store for both reasons: the door is asked at every handshake and join.
	const stored = keys.length > 0 ? await facts.barred.reasonsBarred(facts.roomId, keys) : [];
	if (facts.live?.removals.has(person) || stored.includes('removed')) return 'removed';
	if (facts.live?.denials.has(person) || stored.includes('denied')) return 'denied';
	if (facts.draining && !facts.seated) return 'draining';
	return 'open';
}

const CLOSED: Record<Exclude<Door, 'open'>, () => RoomsError> = {
	'link-reset': Errors.linkReset,
	removed: Errors.removed,
	denied: Errors.denied,
	draining: Errors.draining,
};

/** The error for a door that is not open. */
export function closedDoor(state: Exclude<Door, 'open'>): RoomsError {
	return CLOSED[state]();
}
