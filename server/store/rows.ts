/**
 * The stores' rows and the records they hold, the same for SQLite and
 * PostgreSQL: the tables have the same columns. SQLite returns booleans as
 * 0 or 1 and big integers as numbers; PostgreSQL returns booleans, and
 * BIGINTs as strings. The mappers here take either.
 */
import type { DeliveryAttempt } from '../../shared/api.js';
import type { ModerationEvent } from '../../shared/protocol.js';
import type { IdentityLink } from './IdentityLinkStore.js';
import type { LockedBy, RoomRecord } from './RoomStore.js';
import type { OutboxEntry } from './WebhookOutbox.js';

type Flag = boolean | number;
type BigInteger = number | string;

export interface RoomRow {
	id: string;
	code: string;
	title: string;
	owner_identity: string;
	owner_name: string;
	audience: RoomRecord['audience'];
	max_participants: number;
	locked: Flag;
	locked_by: LockedBy | null;
	wait_for_host: Flag;
	auto_lock_on_remove: Flag;
	e2ee: Flag;
	expires_at: string | null;
	status: RoomRecord['status'];
	host_key_hash: string;
	created_at: string;
	updated_at: string;
	ended_at: string | null;
}

/** Each field of a room record and its column. */
export const ROOM_COLUMNS = {
	id: 'id', code: 'code', title: 'title', ownerIdentity: 'owner_identity', ownerName: 'owner_name', audience: 'audience',
	maxParticipants: 'max_participants', locked: 'locked', lockedBy: 'locked_by', waitForHost: 'wait_for_host',
	autoLockOnRemove: 'auto_lock_on_remove', e2ee: 'e2ee', expiresAt: 'expires_at', status: 'status', hostKeyHash: 'host_key_hash',
	createdAt: 'created_at', updatedAt: 'updated_at', endedAt: 'ended_at',
} as const satisfies Record<keyof RoomRecord, keyof RoomRow>;

export function roomFromRow(row: RoomRow): RoomRecord {
	return {
		id: row.id,
		code: row.code,
		title: row.title,
		ownerIdentity: row.owner_identity,
		ownerName: row.owner_name,
		audience: row.audience,
		maxParticipants: row.max_participants,
		locked: Boolean(row.locked),
		lockedBy: row.locked_by,
		waitForHost: Boolean(row.wait_for_host),
		autoLockOnRemove: Boolean(row.auto_lock_on_remove),
		e2ee: Boolean(row.e2ee),
		expiresAt: row.expires_at,
		status: row.status,
		hostKeyHash: row.host_key_hash,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		endedAt: row.ended_at,
	};
}

export interface EventRow {
	id: BigInteger;
	at: string;
	type: ModerationEvent['type'];
	actor: string;
	subject: string | null;
	data: string | null;
}

export function eventFromRow(row: EventRow): ModerationEvent {
	return {
		id: Number(row.id),
		at: row.at,
		type: row.type,
		actor: JSON.parse(row.actor),
		...(row.subject ? { subject: JSON.parse(row.subject) } : {}),
		...(row.data ? { data: JSON.parse(row.data) } : {}),
	};
}

export interface DeliveryRow {
	seq: BigInteger;
	id: string;
	app_id: string;
	room_id: string;
	event: OutboxEntry['event'];
	body: string;
	status: OutboxEntry['status'];
	attempts: string;
	next_attempt_at: BigInteger;
	created_at: string;
}

export function deliveryFromRow(row: DeliveryRow): OutboxEntry {
	return {
		seq: Number(row.seq),
		id: row.id,
		appId: row.app_id,
		roomId: row.room_id,
		event: row.event,
		body: row.body,
		status: row.status,
		attempts: JSON.parse(row.attempts) as DeliveryAttempt[],
		nextAttemptAt: Number(row.next_attempt_at),
		createdAt: row.created_at,
	};
}

export interface LinkRow {
	id: string;
	from_identity: string;
	to_identity: string;
	status: IdentityLink['status'];
	created_at: string;
	confirmed_at: string | null;
}

export function linkFromRow(row: LinkRow): IdentityLink {
	return { id: row.id, from: row.from_identity, to: row.to_identity, status: row.status, createdAt: row.created_at, confirmedAt: row.confirmed_at };
}
