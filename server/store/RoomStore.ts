/**
 * What is persisted about rooms: the rooms and their invite codes, removals
 * (bans) and the moderation timeline. Every method is async, so a networked
 * store shared by several nodes can implement the same interfaces; SQLite
 * (`sqlite/`) is the embedded default.
 */
import type { ModerationEvent } from '../../shared/protocol.js';
import type { Audience } from '../../shared/schemas.js';

import type { LockReason } from '../../shared/views.js';

/** Who locked a room: a host or app on purpose, the removal rule, or the host leaving with no co-host. */
export type LockedBy = LockReason;

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
	/** End-to-end encrypted: media and chat are encrypted in the browsers under keys the server never holds. Set at creation only. */
	e2ee: boolean;
	/** When the invite link stops working; null for never. */
	expiresAt: string | null;
	status: 'open' | 'ended';
	/** SHA-256 of the host credential carried in the host link's fragment. */
	hostKeyHash: string;
	createdAt: string;
	updatedAt: string;
	endedAt: string | null;
}

/** Where a listing of rooms stopped. */
export interface RoomPosition {
	createdAt: string;
	id: string;
}

export interface PurgeCounts {
	rooms: number;
	events: number;
	retiredCodes: number;
	deliveries: number;
}

export type RoomPatch = Partial<Pick<RoomRecord, 'title' | 'audience' | 'maxParticipants' | 'locked' | 'lockedBy' | 'waitForHost'
	| 'autoLockOnRemove' | 'expiresAt' | 'status' | 'endedAt' | 'hostKeyHash'>>;

/** What a removal bans: the person's identity, their browser's guest key (hashed), and their participant id. */
export interface Ban {
	kind: 'identity' | 'guest-key' | 'participant';
	value: string;
}

export type NewModerationEvent = Omit<ModerationEvent, 'id' | 'at'>;

/** An invite code is in use by a room, or was retired by a link reset; the caller picks another. */
export class CodeTakenError extends Error {
	override name = 'CodeTakenError';
}

/** Limits on one owner's rooms, checked in the insert's own transaction so that concurrent creates cannot all pass. */
export interface OwnerQuota {
	/** Rooms still open (not ended, link not expired) the owner may have. */
	maxOpen: number;
	/** Rooms the owner may have created since `since` (ISO time). */
	maxCreatedSince: number;
	since: string;
}

/** The owner is at one of their OwnerQuota limits; nothing was inserted. */
export class OwnerQuotaError extends Error {
	override name = 'OwnerQuotaError';
	constructor(readonly limit: 'open' | 'created', readonly max: number) {
		super(`owner is at the ${limit} rooms limit of ${max}`);
	}
}

export interface RoomStore {
	/**
	 * Inserts atomically; rejects with CodeTakenError if the code is used or
	 * retired, and with OwnerQuotaError if the owner is at a limit of `quota`.
	 */
	insertRoom(room: RoomRecord, quota?: OwnerQuota): Promise<void>;
	getRoom(id: string): Promise<RoomRecord | undefined>;
	getRoomByCode(code: string): Promise<RoomRecord | undefined>;
	/** Newest first (by creation, then id); `after` continues a listing after that room. */
	listRoomsByOwners(ownerIdentities: string[], page: { limit: number; after?: RoomPosition }): Promise<RoomRecord[]>;
	/**
	 * Deletes rooms that ended, or whose link expired, before `roomsBefore`, with
	 * their timeline, removals, retired codes and settled webhook deliveries;
	 * codes retired before it; and delivered or failed webhook deliveries
	 * created before `deliveriesBefore`. Rooms in `keep` (live ones) stay, and so,
	 * on a cluster's store, do rooms placed on a node not marked dead. Resolves with what went.
	 */
	purge(cutoffs: { roomsBefore: Date; deliveriesBefore: Date; keep: ReadonlySet<string> }): Promise<PurgeCounts>;
	/** Resolves with the updated record, or undefined when no such room exists. */
	updateRoom(id: string, patch: RoomPatch): Promise<RoomRecord | undefined>;
	/**
	 * Gives the room a new code and retires the old one, atomically; rejects
	 * with CodeTakenError if the new code is used or retired.
	 */
	replaceCode(id: string, code: string, patch: RoomPatch): Promise<RoomRecord | undefined>;
	/** Whether `code` belonged to a room before its link was reset. */
	isRetiredCode(code: string): Promise<boolean>;
}

/** Why someone is barred from a room: a host removed them, or turned them away at the door. */
export type BarReason = 'removed' | 'denied';

/** People barred from a room, for the room's life: one table of keys (Ban), each with its reason. */
export interface BarredStore {
	bar(roomId: string, reason: BarReason, keys: Ban[]): Promise<void>;
	/** Every reason any of the candidate keys is barred for (none: not barred), in one request. */
	reasonsBarred(roomId: string, candidates: Ban[]): Promise<BarReason[]>;
	/** Every key barred for that reason, for a room going live again (after a restart). */
	barredOf(roomId: string, reason: BarReason): Promise<Ban[]>;
}

/**
 * The co-hosts appointed in a room, kept so that they keep their role when
 * the room is rebuilt: after a restart, or on another node of a cluster.
 */
export interface CohostStore {
	/** In order of appointment. */
	cohostsOf(roomId: string): Promise<string[]>;
	setCohost(roomId: string, participantId: string, cohost: boolean): Promise<void>;
}

export interface TimelineStore {
	/** Stores the event as happening at `at` (default now). */
	appendEvent(roomId: string, event: NewModerationEvent, at?: Date): Promise<ModerationEvent>;
	/** Oldest first, after the event id `afterId`. */
	listEvents(roomId: string, afterId: number, limit: number): Promise<ModerationEvent[]>;
}
