import type { ModerationEvent } from '../../shared/protocol.js';
import type { Audience } from '../../shared/schemas.js';

/** Who locked a room: a host or app on purpose, the removal rule, or the host leaving with no co-host. */
export type LockedBy = 'host' | 'removal' | 'host-away';

export interface RoomRecord {
	id: string;
	code: string;
	title: string;
	ownerIdentity: string;
	ownerName: string;
	audience: Audience;
	maxParticipants: number;
	locked: boolean;
	/** Why the room is locked; null when unlocked. A `host-away` lock lifts when the host returns. */
	lockedBy: LockedBy | null;
	waitForHost: boolean;
	autoLockOnRemove: boolean;
	/** When the invite link stops working; null for never. */
	expiresAt: string | null;
	status: 'open' | 'ended';
	/** SHA-256 of the host credential carried in the host link's fragment. */
	hostKeyHash: string;
	createdAt: string;
	updatedAt: string;
	endedAt: string | null;
}

export type RoomPatch = Partial<Pick<RoomRecord, 'title' | 'audience' | 'maxParticipants' | 'locked' | 'lockedBy' | 'waitForHost'
	| 'autoLockOnRemove' | 'expiresAt' | 'status' | 'endedAt' | 'code' | 'hostKeyHash'>>;

/** What a removal bans: the person's identity, their browser's guest key (hashed), and their participant id. */
export interface Ban {
	kind: 'identity' | 'guest-key' | 'participant';
	value: string;
}

export type NewModerationEvent = Omit<ModerationEvent, 'id' | 'at'>;

/**
 * Persistence of rooms and what belongs to them: retired invite codes,
 * removals and the moderation timeline. The embedded implementation is
 * SQLite; a networked store (for several nodes) implements the same interface.
 */
export interface RoomStore {
	insertRoom(room: RoomRecord): void;
	getRoom(id: string): RoomRecord | undefined;
	getRoomByCode(code: string): RoomRecord | undefined;
	listRoomsByOwners(ownerIdentities: string[]): RoomRecord[];
	/** Returns the updated record, or undefined when no such room exists. */
	updateRoom(id: string, patch: RoomPatch): RoomRecord | undefined;
	/** Gives the room a new code; the old one is remembered as reset. Atomic. */
	replaceCode(id: string, code: string, patch: RoomPatch): RoomRecord | undefined;
	/** Whether `code` belonged to a room before its link was reset. */
	isRetiredCode(code: string): boolean;
	addBans(roomId: string, bans: Ban[]): void;
	isBanned(roomId: string, candidates: Ban[]): boolean;
	appendEvent(roomId: string, event: NewModerationEvent): ModerationEvent;
	listEvents(roomId: string, afterId: number, limit: number): ModerationEvent[];
	isOpen(): boolean;
	close(): void;
}
