/**
 * The rules behind every host control, shared by the REST API (the owner
 * app acts) and Socket.IO (a host or co-host in the room acts). Each control
 * authorizes the actor (permissions.ts), persists, applies to the live room,
 * and leaves a line on the timeline and a webhook where one is due. It also
 * follows live rooms for the rules the server applies by itself: succession
 * on the timeline, and the host-away lock.
 */
import { CloseReason } from '../../shared/errors.js';
import type { ModerationEvent, RoomSettingsView } from '../../shared/protocol.js';
import type { RoomSettingsPatch } from '../../shared/schemas.js';
import type { AppUser } from '../auth/appTokens.js';
import { hashSecret, newHostKey } from '../auth/secrets.js';
import { Errors } from '../errors.js';
import type { IdentityLinks } from './IdentityLinks.js';
import type { LockedBy, RoomPatch, RoomRecord, RoomStore } from '../store/RoomStore.js';
import { type Actor, type ActivityFeed, SYSTEM, subjectOf } from './ActivityFeed.js';
import { withFreshCode } from '../rooms/inviteCodes.js';
import type { LiveRoomDirectory } from '../rooms/LiveRoomDirectory.js';
import type { Participant } from '../rooms/Participant.js';
import { type Permission, authorityOf, may, targetRefusal } from '../rooms/permissions.js';
import type { Room } from '../rooms/Room.js';
import { hostLink, settingsView } from '../rooms/views.js';

export interface ModerationOptions {
	maxParticipants: number;
	inviteUrl: (code: string) => string;
}

export class Moderation {
	constructor(
		private readonly rooms: RoomStore,
		private readonly liveRooms: LiveRoomDirectory,
		private readonly links: IdentityLinks,
		private readonly activity: ActivityFeed,
		private readonly options: ModerationOptions,
	) {
		liveRooms.on('open', (room) => this.#follow(room));
	}

	/** Whether the app user, or an identity linked to them, owns the room. */
	async owns(user: AppUser, record: RoomRecord): Promise<boolean> {
		return (await this.links.identitiesOf(user.identity)).includes(record.ownerIdentity);
	}

	/** The room, if the actor may do `permission` on it; someone else's room looks missing. */
	async #authorize(roomId: string, actor: Actor, permission: Permission): Promise<RoomRecord> {
		const record = await this.rooms.getRoom(roomId);
		if (actor.kind === 'app') {
			if (!record || !(await this.owns(actor.user, record))) throw Errors.roomNotFound();
		} else if (actor.kind === 'participant') {
			const { participant } = actor;
			if (!record || participant.closed) throw Errors.notJoined();
			if (!may(authorityOf(participant), permission)) {
				throw Errors.forbidden(permission === 'end' && participant.isModerator ? 'only the host can end the room' : 'only hosts and co-hosts can do that');
			}
		}
		if (!record) throw Errors.roomNotFound();
		if (record.status === 'ended') throw Errors.roomEnded();
		return record;
	}

	#target(actor: Actor, room: Room | undefined, participantId: string): Participant {
		const target = room?.seated(participantId);
		if (!target) throw Errors.notFound('participant');
		// A host seated under a link since reset holds a stale credential: the owner app can act on them.
		const staleHost = actor.kind === 'app' && target.role === 'host' && target.claims.code !== room!.record.code;
		const refused = staleHost ? undefined : targetRefusal(target, actor.kind === 'participant' ? actor.participant.id : undefined);
		if (refused) throw Errors.forbidden(refused);
		return target;
	}

	async #apply(record: RoomRecord, patch: RoomPatch): Promise<RoomRecord> {
		const next = (await this.rooms.updateRoom(record.id, patch))!;
		this.liveRooms.get(record.id)?.applyRecord(next);
		return next;
	}

	/** Changes settings (PATCH, or the in-room settings). Only what differs counts. */
	async update(roomId: string, actor: Actor, patch: RoomSettingsPatch): Promise<RoomSettingsView> {
		const record = await this.#authorize(roomId, actor, 'moderate');
		if (patch.maxParticipants !== undefined && patch.maxParticipants > this.options.maxParticipants) {
			throw Errors.invalidPayload(`maxParticipants: this server allows at most ${this.options.maxParticipants}`);
		}
		const { locked, ...settings } = patch;
		const changed = Object.fromEntries(Object.entries(settings)
			.filter(([key, value]) => record[key as keyof typeof settings] !== value)) as RoomPatch;
		let next = record;
		if (Object.keys(changed).length > 0) {
			next = await this.#apply(record, changed);
			await this.activity.log(roomId, actor, { type: 'room.settings_changed', data: changed });
		}
		if (locked !== undefined && locked !== next.locked) next = await this.#setLocked(next, actor, locked ? 'host' : null);
		// Locking a room that locked itself makes the lock deliberate: it stays when the host returns.
		else if (locked && next.lockedBy !== 'host') next = await this.#apply(next, { lockedBy: 'host' });
		return settingsView(next);
	}

	async #setLocked(record: RoomRecord, actor: Actor, lockedBy: LockedBy | null): Promise<RoomRecord> {
		const locked = lockedBy !== null;
		const next = await this.#apply(record, { locked, lockedBy });
		await this.activity.log(record.id, actor, { type: locked ? 'room.locked' : 'room.unlocked', ...(lockedBy ? { data: { why: lockedBy } } : {}) });
		await this.activity.notify(next, locked ? 'room.locked' : 'room.unlocked');
		return next;
	}

	/** A new invite code and host key; the old link answers "reset" from now on. Clears the expiry unless one is given. */
	async resetLink(roomId: string, actor: Actor, expiresAt: string | null = null): Promise<{ record: RoomRecord; inviteUrl: string; hostUrl?: string }> {
		await this.#authorize(roomId, actor, 'moderate');
		const hostKey = newHostKey();
		const next = await withFreshCode(async (code) => (await this.rooms.replaceCode(roomId, code, { hostKeyHash: hashSecret(hostKey), expiresAt }))!);
		this.liveRooms.get(roomId)?.applyRecord(next);
		await this.activity.log(roomId, actor, { type: 'room.link_reset' });
		await this.activity.notify(next, 'room.link_reset');
		const inviteUrl = this.options.inviteUrl(next.code);
		// The new host link goes only to the owner: an app, or a person holding the owner's credentials.
		const owner = actor.kind === 'app' || (actor.kind === 'participant' && actor.participant.owner);
		return { record: next, inviteUrl, ...(owner ? { hostUrl: hostLink(inviteUrl, hostKey, next.ownerName) } : {}) };
	}

	/**
	 * Disconnects the person with "You were removed" and bans them for the
	 * room's lifetime: their participant id, their identity if signed in,
	 * and their browser's guest key. Locks the room if `autoLockOnRemove`.
	 * Someone still waiting in the lobby is removed the same way, without
	 * the lock (they were not in).
	 */
	async remove(roomId: string, actor: Actor, participantId: string): Promise<void> {
		const record = await this.#authorize(roomId, actor, 'moderate');
		const room = this.liveRooms.get(roomId);
		const waiting = room?.waiting(participantId);
		if (room && waiting && !room.seated(participantId)) {
			// Barred before anything is awaited: an unlock meanwhile cannot seat them.
			const barred = room.turnAway(waiting, 'removed');
			await this.activity.log(roomId, actor, { type: 'participant.removed', subject: { id: participantId, name: waiting.claims.name } });
			await barred;
			return;
		}
		const target = this.#target(actor, room, participantId);
		// The live room refuses them at once; the store keeps the ban beyond its life. The removal is on the
		// timeline before the leave it causes.
		const barred = room!.bar(target.claims, 'removed');
		await this.activity.log(roomId, actor, { type: 'participant.removed', subject: subjectOf(target) });
		room!.leave(target, CloseReason.REMOVED);
		await barred;
		if (record.autoLockOnRemove && !record.locked) {
			const current = await this.rooms.getRoom(roomId);
			if (current && !current.locked) await this.#setLocked(current, actor, 'removal');
		}
	}

	/** Mutes one person's microphone. Only they can unmute; they are told who muted them. */
	async mute(roomId: string, actor: Actor, participantId: string): Promise<boolean> {
		await this.#authorize(roomId, actor, 'moderate');
		const room = this.liveRooms.get(roomId);
		const target = this.#target(actor, room, participantId);
		const muted = await this.#muteMic(room!, target, actor);
		if (muted) await this.activity.log(roomId, actor, { type: 'participant.muted', subject: subjectOf(target) });
		return muted;
	}

	/** Mutes everyone but the actor (and, for a co-host, the hosts). */
	async muteAll(roomId: string, actor: Actor): Promise<number> {
		await this.#authorize(roomId, actor, 'moderate');
		const room = this.liveRooms.get(roomId);
		if (!room) return 0;
		const targets = room.participants().filter((participant) => participant.role !== 'host'
			&& !(actor.kind === 'participant' && actor.participant.id === participant.id));
		const results = await Promise.all(targets.map((participant) => this.#muteMic(room, participant, actor)));
		const muted = results.filter(Boolean).length;
		if (muted > 0) await this.activity.log(roomId, actor, { type: 'participant.muted', data: { everyone: true, count: muted } });
		return muted;
	}

	async #muteMic(room: Room, participant: Participant, actor: Actor): Promise<boolean> {
		const muted = await room.muteMic(participant);
		if (muted) participant.send('moderation.muted', { by: this.#actorName(actor) });
		return muted;
	}

	#actorName(actor: Actor): string {
		if (actor.kind === 'participant') return actor.participant.name;
		if (actor.kind === 'app') return actor.user.name;
		return 'Rooms';
	}

	/** Appoints (`cohost`) or dismisses (`guest`) a co-host. */
	async setRole(roomId: string, actor: Actor, participantId: string, role: 'cohost' | 'guest'): Promise<Participant> {
		await this.#authorize(roomId, actor, 'moderate');
		const room = this.liveRooms.get(roomId);
		const target = this.#target(actor, room, participantId);
		if (target.role !== role) {
			room!.roles.set(target, role);
			await this.activity.log(roomId, actor, { type: 'participant.role_changed', subject: subjectOf(target), data: { role } });
		}
		return target;
	}

	/** Answers a person waiting at the door: a seat now or at the first free one, or turned away. */
	async answer(roomId: string, actor: Actor, participantId: string, admit: boolean): Promise<void> {
		await this.#authorize(roomId, actor, 'moderate');
		const room = this.liveRooms.get(roomId);
		const entry = room?.waiting(participantId);
		if (!room || !entry) throw Errors.notFound('waiting person');
		// A denial is kept beyond this process too: a restart does not let them knock again.
		await room.answerKnock(entry, admit);
		await this.activity.log(roomId, actor, { type: admit ? 'lobby.admitted' : 'lobby.denied', subject: { id: participantId, name: entry.claims.name } });
	}

	/** Ends the room for everyone; its link answers ROOM_ENDED from then on. Idempotent for the owner app. */
	async end(roomId: string, actor: Actor): Promise<RoomRecord> {
		const current = await this.rooms.getRoom(roomId);
		if (actor.kind === 'app' && current?.status === 'ended' && (await this.owns(actor.user, current))) return current;
		await this.#authorize(roomId, actor, 'end');
		const ended = (await this.rooms.updateRoom(roomId, { status: 'ended', endedAt: new Date().toISOString() }))!;
		this.liveRooms.get(roomId)?.close(CloseReason.ROOM_ENDED);
		// Everyone still seated leaves first, so a chat app's card ends empty, then ended.
		await this.activity.settled();
		await this.activity.log(roomId, actor, { type: 'room.ended' });
		await this.activity.notify(ended, 'room.ended');
		return ended;
	}

	/** The moderation timeline, oldest first; readable after the room ended. */
	async events(roomId: string, actor: Actor, after: number, limit: number): Promise<ModerationEvent[]> {
		const record = await this.rooms.getRoom(roomId);
		const endedButOwned = record?.status === 'ended' && actor.kind === 'app' && (await this.owns(actor.user, record));
		if (!endedButOwned) await this.#authorize(roomId, actor, 'moderate');
		return this.activity.events(roomId, after, limit);
	}

	/** The server's own rules on a live room: succession on the timeline, and the host-away lock. */
	#follow(room: Room): void {
		room.on('roleChanged', async (participant, role) => {
			await this.activity.log(room.id, SYSTEM, { type: 'participant.role_changed', subject: subjectOf(participant), data: { role, succession: true } });
		});
		// Messenger Rooms behaviour: with nobody left to host, the room locks until a host is back.
		room.on('hostAway', async () => {
			const record = await this.rooms.getRoom(room.id);
			if (record && record.status === 'open' && !record.locked) await this.#setLocked(record, SYSTEM, 'host-away');
		});
		room.on('hostReturned', async () => {
			const record = await this.rooms.getRoom(room.id);
			if (record?.lockedBy === 'host-away') await this.#setLocked(record, SYSTEM, null);
		});
	}
}
