import type { Audience } from '../../shared/schemas.js';

export interface RoomRecord {
	id: string;
	code: string;
	title: string;
	ownerIdentity: string;
	ownerName: string;
	audience: Audience;
	maxParticipants: number;
	locked: boolean;
	status: 'open' | 'ended';
	/** SHA-256 of the host credential carried in the host link's fragment. */
	hostKeyHash: string;
	createdAt: string;
	updatedAt: string;
	endedAt: string | null;
}

export type RoomPatch = Partial<Pick<RoomRecord, 'title' | 'audience' | 'maxParticipants' | 'locked' | 'status' | 'endedAt' | 'code'>>;

/**
 * Persistence of rooms. The embedded implementation is SQLite; a networked
 * store (for several nodes) implements the same interface.
 */
export interface RoomStore {
	insertRoom(room: RoomRecord): void;
	getRoom(id: string): RoomRecord | undefined;
	getRoomByCode(code: string): RoomRecord | undefined;
	listRoomsByOwner(ownerIdentity: string): RoomRecord[];
	/** Returns the updated record, or undefined when no such room exists. */
	updateRoom(id: string, patch: RoomPatch): RoomRecord | undefined;
	isOpen(): boolean;
	close(): void;
}
