/**
 * How the application services (server/services) reach live rooms: the one
 * seam between them and the rooms. On one node LiveRooms is it; with many
 * nodes, a directory of nodes and rooms takes its place without either side
 * changing. Services act on a room through its verbs (door, bar, turnAway,
 * answerKnock, muteMic, leave...), never through its parts.
 */
import type { RoomRecord } from '../store/RoomStore.js';
import type { Door, DoorPerson } from './door.js';
import type { Room } from './Room.js';

export interface LiveRoomsEvents {
	/** A room went live; listeners attach before anyone joins it. */
	open: [Room];
}

export interface LiveRoomDirectory {
	/** The room, if it is live. */
	get(roomId: string): Room | undefined;
	/** The live room, opened if it was not. */
	open(roomId: string): Promise<Room>;
	/** The door for a person, whether the room is live or not (door.ts). */
	door(record: RoomRecord, person: DoorPerson): Promise<Door>;
	/** Whether the server is stopping: calls go on, nobody new comes in. */
	readonly draining: boolean;
	/** Each room as it goes live, before anyone joins it. */
	on<K extends keyof LiveRoomsEvents>(event: K, listener: (...args: LiveRoomsEvents[K]) => void): unknown;
}
