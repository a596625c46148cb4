/** A live room's options and events (Room.ts holds the room itself). */
import type { CloseReason } from '../../shared/errors.js';
import type { Role } from '../../shared/schemas.js';
import type { RoomMediaOptions } from '../media/RoomMedia.js';
import type { BarredStore, CohostStore } from '../store/RoomStore.js';
import type { Participant } from './Participant.js';

export interface RoomOptions extends RoomMediaOptions {
	/** How long a request to join a locked room waits for an answer. */
	knockTimeoutMs: number;
	/** At most this many people wait in the lobby. */
	maxLobby: number;
	/** How long a dropped participant's seat waits for them to reconnect. */
	reconnectGraceMs: number;
	/** Removals and denials kept beyond the room's life. */
	barred: BarredStore;
	/** Co-hosts kept beyond the room's life on this server. */
	cohosts: CohostStore;
	/** Whether the server is stopping: nobody new comes in. */
	draining: () => boolean;
}

/** What the registry is configured with; it adds the store and its draining state for each room. */
export type RoomSettings = Omit<RoomOptions, 'barred' | 'cohosts' | 'draining'>;

export interface RoomEvents {
	/** The last connection to the room went away. */
	empty: [];
	close: [CloseReason];
	/** A new seat was taken (not a reconnect). */
	participantJoined: [Participant];
	/** A seat was freed, or the room closed with the person in it. */
	participantLeft: [Participant, CloseReason];
	/** The room's own role change: a co-host succeeded the last host, or handed back to a returning one. */
	roleChanged: [Participant, Role];
	/** The last host left and no co-host could take over. */
	hostAway: [];
	/** A host is seated again after none was. */
	hostReturned: [];
}
