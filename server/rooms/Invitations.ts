/**
 * What the HTTP API does with rooms: create and list them for their owner
 * app, describe an invite, and admit people by issuing participant tokens.
 * Host controls live in RoomControl.
 */
import { nanoid } from 'nanoid';
import type { IceServer, InviteView, JoinResponse, ParticipantView, RoomView } from '../../shared/protocol.js';
import type { CreateRoomBody, JoinBody, TokenRole } from '../../shared/schemas.js';
import type { AppRegistry } from '../apps/AppRegistry.js';
import { type AppUser, verifyAppToken } from '../auth/appTokens.js';
import type { ParticipantTokens } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { IdentityLinks } from '../identity/IdentityLinks.js';
import type { RoomRecord, RoomStore } from '../store/RoomStore.js';
import type { RoomActivity } from './RoomActivity.js';
import { settingsView } from './Room.js';
import { type RoomControl, freshInviteCode, hashSecret, matchesHash } from './RoomControl.js';
import type { RoomManager } from './RoomManager.js';

export interface RoomServiceOptions {
	maxParticipants: number;
	iceServers: IceServer[];
	inviteUrl: (code: string) => string;
}

export interface CreatedRoom {
	room: RoomView;
	inviteUrl: string;
	/** The invite link with the host credential in its fragment. Shown once. */
	hostUrl: string;
}

export function roomView(record: RoomRecord): RoomView {
	return {
		...settingsView(record),
		id: record.id,
		owner: { identity: record.ownerIdentity, name: record.ownerName },
		status: record.status,
		createdAt: record.createdAt,
		updatedAt: record.updatedAt,
		endedAt: record.endedAt,
	};
}

function isExpired(record: RoomRecord): boolean {
	return record.expiresAt !== null && Date.parse(record.expiresAt) <= Date.now();
}

export class RoomService {
	constructor(
		private readonly store: RoomStore,
		private readonly manager: RoomManager,
		private readonly apps: AppRegistry,
		private readonly links: IdentityLinks,
		private readonly control: RoomControl,
		private readonly activity: RoomActivity,
		private readonly tokens: ParticipantTokens,
		private readonly options: RoomServiceOptions,
	) {}

	createRoom(owner: Pick<AppUser, 'identity' | 'name'>, body: CreateRoomBody): CreatedRoom {
		const hostKey = nanoid(32);
		const now = new Date().toISOString();
		const record: RoomRecord = {
			id: nanoid(),
			code: freshInviteCode(this.store),
			title: body.title ?? `${owner.name}'s room`,
			ownerIdentity: owner.identity,
			ownerName: owner.name,
			audience: body.audience ?? 'link',
			maxParticipants: Math.min(body.maxParticipants ?? this.options.maxParticipants, this.options.maxParticipants),
			locked: false,
			lockedBy: null,
			waitForHost: body.waitForHost ?? true,
			autoLockOnRemove: body.autoLockOnRemove ?? true,
			expiresAt: body.expiresAt ?? null,
			status: 'open',
			hostKeyHash: hashSecret(hostKey),
			createdAt: now,
			updatedAt: now,
			endedAt: null,
		};
		this.store.insertRoom(record);
		this.activity.notify(record, 'room.created');
		const inviteUrl = this.options.inviteUrl(record.code);
		// The host credential rides in the fragment, which browsers never send to servers or logs.
		return { room: roomView(record), inviteUrl, hostUrl: `${inviteUrl}#host=${hostKey}` };
	}

	/**
	 * A room created from the landing page. Its owner is a fresh identity of
	 * the built-in `web` app: the creator manages it through the host link.
	 */
	createWebRoom(name: string, title?: string): CreatedRoom {
		const owner = { identity: `web:${nanoid()}`, name };
		return this.createRoom(owner, title ? { title } : {});
	}

	/** Rooms of the user and of every identity linked to them, newest first. */
	listRooms(owner: AppUser): RoomView[] {
		return this.store.listRoomsByOwners(this.links.identitiesOf(owner.identity)).map(roomView);
	}

	getRoom(owner: AppUser, roomId: string): RoomView & { inviteUrl: string; participants: ParticipantView[] } {
		const record = this.store.getRoom(roomId);
		// Someone else's room looks exactly like a missing one.
		if (!record || !this.control.owns(owner, record)) throw Errors.roomNotFound();
		const participants = this.manager.get(roomId)?.participants().map((participant) => participant.view()) ?? [];
		return { ...roomView(record), inviteUrl: this.options.inviteUrl(record.code), participants };
	}

	#recordByCode(code: string): RoomRecord {
		const record = this.store.getRoomByCode(code);
		if (!record) throw this.store.isRetiredCode(code) ? Errors.linkReset() : Errors.inviteNotFound();
		if (record.status === 'ended') throw Errors.roomEnded();
		return record;
	}

	invite(code: string): InviteView {
		const record = this.#recordByCode(code);
		if (isExpired(record)) throw Errors.inviteExpired();
		return this.#inviteView(record);
	}

	#inviteView(record: RoomRecord): InviteView {
		const live = this.manager.get(record.id);
		return {
			code: record.code,
			title: record.title,
			hostName: record.ownerName,
			status: record.status,
			participantCount: live?.participantCount ?? 0,
			maxParticipants: record.maxParticipants,
			locked: record.locked,
			audience: record.audience,
			hostPresent: live?.hostPresent ?? false,
			waitForHost: record.waitForHost,
		};
	}

	/**
	 * Issues a participant token. The seat (or the lobby) is decided on the
	 * socket; these checks give the join page a fast, clear answer first.
	 */
	join(code: string, body: JoinBody): JoinResponse {
		const record = this.#recordByCode(code);
		const user = body.appToken ? verifyAppToken(body.appToken, this.apps) : undefined;
		if (body.hostKey !== undefined && !matchesHash(body.hostKey, record.hostKeyHash)) {
			throw Errors.authInvalid('invalid host link');
		}
		const role: TokenRole = body.hostKey !== undefined || (user && this.control.owns(user, record)) ? 'host' : 'guest';
		// The host's own credentials still open an expired link, so they can reset it.
		if (isExpired(record) && role !== 'host') throw Errors.inviteExpired();
		const gk = body.guestKey ? hashSecret(body.guestKey) : undefined;
		const pid = nanoid();
		if (role !== 'host') this.control.assertNotBanned(record.id, { pid, identity: user?.identity, gk });
		if (record.audience === 'signed-in' && !user && role !== 'host') throw Errors.signedInOnly();
		if (!body.wait && role !== 'host') {
			if (record.locked) throw Errors.roomLocked();
			if (this.manager.participantCount(record.id) >= record.maxParticipants) throw Errors.roomFull();
		}

		const token = this.tokens.sign({
			rid: record.id,
			pid,
			name: body.name,
			role,
			...(user ? { identity: user.identity, appName: user.app.name } : {}),
			...(gk ? { gk } : {}),
		});
		return { token, room: this.#inviteView(record), role, iceServers: this.options.iceServers };
	}
}
