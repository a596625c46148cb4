/**
 * The rules behind every host control, shared by the REST API (the owner
 * app acts) and Socket.IO (a host or co-host in the room acts). Each control
 * authorizes the actor, persists, applies to the live room, and leaves a
 * line on the timeline and a webhook where one is due.
 *
 * Who may do what: the owner app (and linked identities), and hosts, may do
 * everything; co-hosts may do everything except end the room, and cannot
 * act on a host; guests may do nothing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { customAlphabet, nanoid } from 'nanoid';
import { CloseReason } from '../../shared/errors.js';
import { INVITE_CODE_ALPHABET, LIMITS } from '../../shared/limits.js';
import type { ModerationEvent, RoomSettingsView } from '../../shared/protocol.js';
import type { RoomSettingsPatch } from '../../shared/schemas.js';
import type { AppUser } from '../auth/appTokens.js';
import type { ParticipantClaims } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { IdentityLinks } from '../identity/IdentityLinks.js';
import type { Ban, LockedBy, RoomPatch, RoomRecord, RoomStore } from '../store/RoomStore.js';
import type { Participant } from './Participant.js';
import type { Room } from './Room.js';
import { settingsView } from './Room.js';
import { type Actor, type RoomActivity, SYSTEM, subjectOf } from './RoomActivity.js';
import type { RoomManager } from './RoomManager.js';

const randomInviteCode = customAlphabet(INVITE_CODE_ALPHABET, LIMITS.inviteCodeLength);

/** A code no room uses and no reset link used, so an old link never leads to a new room. */
export function freshInviteCode(store: RoomStore): string {
	let code = randomInviteCode();
	while (store.getRoomByCode(code) || store.isRetiredCode(code)) code = randomInviteCode();
	return code;
}

export function hashSecret(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
}

export function matchesHash(secret: string, hash: string): boolean {
	return timingSafeEqual(Buffer.from(hashSecret(secret), 'hex'), Buffer.from(hash, 'hex'));
}

/** What a join is checked against: the person's participant id, identity and browser key. */
export function bansFor(claims: Pick<ParticipantClaims, 'pid' | 'identity' | 'gk'>): Ban[] {
	return [
		{ kind: 'participant', value: claims.pid },
		...(claims.identity ? [{ kind: 'identity' as const, value: claims.identity }] : []),
		...(claims.gk ? [{ kind: 'guest-key' as const, value: claims.gk }] : []),
	];
}

type Permission = 'moderate' | 'end';

export interface RoomControlOptions {
	maxParticipants: number;
	inviteUrl: (code: string) => string;
}

export class RoomControl {
	constructor(
		private readonly store: RoomStore,
		private readonly manager: RoomManager,
		private readonly links: IdentityLinks,
		private readonly activity: RoomActivity,
		private readonly options: RoomControlOptions,
	) {
		manager.on('open', (room) => this.#watch(room));
	}

	/** Whether the app user, or an identity linked to them, owns the room. */
	owns(user: AppUser, record: RoomRecord): boolean {
		return this.links.identitiesOf(user.identity).includes(record.ownerIdentity);
	}

	/** The room, if the actor may do `permission` on it; someone else's room looks missing. */
	#authorize(roomId: string, actor: Actor, permission: Permission): RoomRecord {
		const record = this.store.getRoom(roomId);
		if (actor.kind === 'app') {
			if (!record || !this.owns(actor.user, record)) throw Errors.roomNotFound();
		} else if (actor.kind === 'participant') {
			const { participant } = actor;
			if (!record || participant.closed) throw Errors.notJoined();
			if (!participant.isModerator) throw Errors.forbidden('only hosts and co-hosts can do that');
			if (permission === 'end' && participant.role !== 'host') throw Errors.forbidden('only the host can end the room');
		}
		if (!record) throw Errors.roomNotFound();
		if (record.status === 'ended') throw Errors.roomEnded();
		return record;
	}

	/** Co-hosts cannot act on a host; nobody removes or demotes a host. */
	#target(actor: Actor, room: Room | undefined, participantId: string): Participant {
		const target = room?.seated(participantId);
		if (!target) throw Errors.notFound('participant');
		if (target.role === 'host') throw Errors.forbidden('hosts cannot be the target of this');
		if (actor.kind === 'participant' && actor.participant.id === target.id) throw Errors.forbidden('use leave or your own mute');
		return target;
	}

	#apply(record: RoomRecord, patch: RoomPatch): RoomRecord {
		const next = this.store.updateRoom(record.id, patch)!;
		this.manager.get(record.id)?.applyRecord(next);
		return next;
	}

	/** Changes settings (PATCH, or the in-room settings). Only what differs counts. */
	update(roomId: string, actor: Actor, patch: RoomSettingsPatch): RoomSettingsView {
		const record = this.#authorize(roomId, actor, 'moderate');
		if (patch.maxParticipants !== undefined && patch.maxParticipants > this.options.maxParticipants) {
			throw Errors.invalidPayload(`maxParticipants: this server allows at most ${this.options.maxParticipants}`);
		}
		const { locked, ...settings } = patch;
		const changed = Object.fromEntries(Object.entries(settings)
			.filter(([key, value]) => record[key as keyof typeof settings] !== value)) as Partial<RoomRecord>;
		let next = record;
		if (Object.keys(changed).length > 0) {
			next = this.#apply(record, changed);
			this.activity.log(roomId, actor, { type: 'room.settings_changed', data: changed });
		}
		if (locked !== undefined && locked !== next.locked) next = this.#setLocked(next, actor, locked ? 'host' : null);
		// Locking a room that locked itself makes the lock deliberate: it stays when the host returns.
		else if (locked && next.lockedBy !== 'host') next = this.#apply(next, { lockedBy: 'host' });
		return settingsView(next);
	}

	#setLocked(record: RoomRecord, actor: Actor, lockedBy: LockedBy | null): RoomRecord {
		const locked = lockedBy !== null;
		const next = this.#apply(record, { locked, lockedBy });
		this.activity.log(record.id, actor, { type: locked ? 'room.locked' : 'room.unlocked', ...(lockedBy ? { data: { why: lockedBy } } : {}) });
		this.activity.notify(next, locked ? 'room.locked' : 'room.unlocked');
		return next;
	}

	/** A new invite code and host key; the old link answers "reset" from now on. Clears the expiry unless one is given. */
	resetLink(roomId: string, actor: Actor, expiresAt: string | null = null): { record: RoomRecord; inviteUrl: string; hostUrl?: string } {
		const record = this.#authorize(roomId, actor, 'moderate');
		const code = freshInviteCode(this.store);
		const hostKey = nanoid(32);
		const next = this.store.replaceCode(roomId, code, { hostKeyHash: hashSecret(hostKey), expiresAt })!;
		this.manager.get(roomId)?.applyRecord(next);
		this.activity.log(roomId, actor, { type: 'room.link_reset' });
		this.activity.notify(next, 'room.link_reset');
		const inviteUrl = this.options.inviteUrl(code);
		// The new host link goes only to the owner: an app, or a person holding the owner's credentials.
		const owner = actor.kind === 'app' || (actor.kind === 'participant' && actor.participant.owner);
		return { record: next, inviteUrl, ...(owner ? { hostUrl: `${inviteUrl}#host=${hostKey}` } : {}) };
	}

	/**
	 * Disconnects the person with "You were removed" and bans them for the
	 * room's lifetime: their participant id, their identity if signed in,
	 * and their browser's guest key. Locks the room if `autoLockOnRemove`.
	 */
	remove(roomId: string, actor: Actor, participantId: string): void {
		const record = this.#authorize(roomId, actor, 'moderate');
		const room = this.manager.get(roomId);
		const target = this.#target(actor, room, participantId);
		this.store.addBans(roomId, bansFor(target.claims));
		this.activity.log(roomId, actor, { type: 'participant.removed', subject: subjectOf(target) });
		room!.leave(target, CloseReason.REMOVED);
		if (record.autoLockOnRemove && !record.locked) this.#setLocked(this.store.getRoom(roomId)!, actor, 'removal');
	}

	assertNotBanned(roomId: string, claims: Pick<ParticipantClaims, 'pid' | 'identity' | 'gk'>): void {
		if (this.store.isBanned(roomId, bansFor(claims))) throw Errors.removed();
	}

	/** Mutes one person's microphone. Only they can unmute; they are told who muted them. */
	async mute(roomId: string, actor: Actor, participantId: string): Promise<boolean> {
		this.#authorize(roomId, actor, 'moderate');
		const room = this.manager.get(roomId);
		const target = this.#target(actor, room, participantId);
		const muted = await room!.muteMic(target, this.#actorName(actor));
		if (muted) this.activity.log(roomId, actor, { type: 'participant.muted', subject: subjectOf(target) });
		return muted;
	}

	/** Mutes everyone but the actor (and, for a co-host, the hosts). */
	async muteAll(roomId: string, actor: Actor): Promise<number> {
		this.#authorize(roomId, actor, 'moderate');
		const room = this.manager.get(roomId);
		if (!room) return 0;
		const by = this.#actorName(actor);
		const targets = room.participants().filter((participant) => participant.role !== 'host'
			&& !(actor.kind === 'participant' && actor.participant.id === participant.id));
		const results = await Promise.all(targets.map((participant) => room.muteMic(participant, by)));
		const muted = results.filter(Boolean).length;
		if (muted > 0) this.activity.log(roomId, actor, { type: 'participant.muted', data: { everyone: true, count: muted } });
		return muted;
	}

	#actorName(actor: Actor): string {
		if (actor.kind === 'participant') return actor.participant.name;
		if (actor.kind === 'app') return actor.user.name;
		return 'Rooms';
	}

	/** Appoints (`cohost`) or dismisses (`guest`) a co-host. */
	setRole(roomId: string, actor: Actor, participantId: string, role: 'cohost' | 'guest'): Participant {
		this.#authorize(roomId, actor, 'moderate');
		const room = this.manager.get(roomId);
		const target = this.#target(actor, room, participantId);
		if (target.role !== role) {
			room!.setRole(target, role);
			this.activity.log(roomId, actor, { type: 'participant.role_changed', subject: subjectOf(target), data: { role } });
		}
		return target;
	}

	/** Answers a person waiting at the door: a seat now or at the first free one, or turned away. */
	answer(roomId: string, actor: Actor, participantId: string, admit: boolean): void {
		this.#authorize(roomId, actor, 'moderate');
		const room = this.manager.get(roomId);
		const entry = room?.waiting(participantId);
		if (!room || !entry) throw Errors.notFound('waiting person');
		if (admit) room.admit(entry);
		else room.deny(entry);
		this.activity.log(roomId, actor, { type: admit ? 'lobby.admitted' : 'lobby.denied', subject: { id: participantId, name: entry.claims.name } });
	}

	/** Ends the room for everyone; its link answers ROOM_ENDED from then on. Idempotent for the owner app. */
	end(roomId: string, actor: Actor): RoomRecord {
		const current = this.store.getRoom(roomId);
		if (actor.kind === 'app' && current?.status === 'ended' && this.owns(actor.user, current)) return current;
		this.#authorize(roomId, actor, 'end');
		const ended = this.store.updateRoom(roomId, { status: 'ended', endedAt: new Date().toISOString() })!;
		this.activity.log(roomId, actor, { type: 'room.ended' });
		this.manager.get(roomId)?.close(CloseReason.ROOM_ENDED);
		this.activity.notify(ended, 'room.ended');
		return ended;
	}

	/** The moderation timeline, oldest first; readable after the room ended. */
	events(roomId: string, actor: Actor, after: number, limit: number): ModerationEvent[] {
		const record = this.store.getRoom(roomId);
		const endedButOwned = record?.status === 'ended' && actor.kind === 'app' && this.owns(actor.user, record);
		if (!endedButOwned) this.#authorize(roomId, actor, 'moderate');
		return this.store.listEvents(roomId, after, limit);
	}

	/** Follows a live room: joins and leaves on the timeline and in webhooks, and the host-away lock. */
	#watch(room: Room): void {
		room.on('participantJoined', (participant) => {
			const self: Actor = { kind: 'participant', participant };
			this.activity.log(room.id, self, { type: 'participant.joined', ...(participant.appName ? { data: { verifiedBy: participant.appName } } : {}) });
			if (room.participantCount === 1) this.activity.notify(room.record, 'room.started');
			this.activity.notify(room.record, 'participant.joined', { participant: subjectOf(participant) });
		});
		room.on('participantLeft', (participant, reason) => {
			this.activity.log(room.id, { kind: 'participant', participant }, { type: 'participant.left', data: { reason } });
			this.activity.notify(room.record, 'participant.left', { participant: subjectOf(participant), reason });
		});
		room.on('roleChanged', (participant, role) => {
			this.activity.log(room.id, SYSTEM, { type: 'participant.role_changed', subject: subjectOf(participant), data: { role, succession: true } });
		});
		// Messenger Rooms behaviour: with nobody left to host, the room locks until a host is back.
		room.on('hostAway', () => {
			const record = this.store.getRoom(room.id);
			if (record && record.status === 'open' && !record.locked) this.#setLocked(record, SYSTEM, 'host-away');
		});
		room.on('hostReturned', () => {
			const record = this.store.getRoom(room.id);
			if (record?.lockedBy === 'host-away') this.#setLocked(record, SYSTEM, null);
		});
	}
}
