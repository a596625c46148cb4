/**
 * What the HTTP API does with rooms: create and list them for their owner
 * app, describe an invite, and admit people by issuing participant tokens.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { customAlphabet, nanoid } from 'nanoid';
import { CloseReason } from '../../shared/errors.js';
import type { IceServer, InviteView, JoinResponse, ParticipantView, RoomView } from '../../shared/protocol.js';
import { INVITE_CODE_ALPHABET, LIMITS } from '../../shared/limits.js';
import type { CreateRoomBody, JoinBody, Role } from '../../shared/schemas.js';
import type { AppRegistry } from '../apps/AppRegistry.js';
import { type AppUser, verifyAppToken } from '../auth/appTokens.js';
import type { ParticipantTokens } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { RoomRecord, RoomStore } from '../store/RoomStore.js';
import type { RoomManager } from './RoomManager.js';

const newInviteCode = customAlphabet(INVITE_CODE_ALPHABET, LIMITS.inviteCodeLength);

export interface RoomServiceOptions {
	/** Base of invite links, known once the server listens. */
	publicUrl: () => string;
	maxParticipants: number;
	iceServers: IceServer[];
}

function hashHostKey(hostKey: string): string {
	return createHash('sha256').update(hostKey).digest('hex');
}

export function roomView(record: RoomRecord): RoomView {
	return {
		id: record.id,
		code: record.code,
		title: record.title,
		owner: { identity: record.ownerIdentity, name: record.ownerName },
		audience: record.audience,
		maxParticipants: record.maxParticipants,
		locked: record.locked,
		status: record.status,
		createdAt: record.createdAt,
		updatedAt: record.updatedAt,
		endedAt: record.endedAt,
	};
}

export class RoomService {
	constructor(
		private readonly store: RoomStore,
		private readonly manager: RoomManager,
		private readonly apps: AppRegistry,
		private readonly tokens: ParticipantTokens,
		private readonly options: RoomServiceOptions,
	) {}

	createRoom(owner: Pick<AppUser, 'identity' | 'name'>, body: CreateRoomBody): { room: RoomView; inviteUrl: string; hostUrl: string } {
		const hostKey = nanoid(32);
		const now = new Date().toISOString();
		const record: RoomRecord = {
			id: nanoid(),
			code: newInviteCode(),
			title: body.title ?? `${owner.name}'s room`,
			ownerIdentity: owner.identity,
			ownerName: owner.name,
			audience: body.audience ?? 'link',
			maxParticipants: Math.min(body.maxParticipants ?? this.options.maxParticipants, this.options.maxParticipants),
			locked: false,
			status: 'open',
			hostKeyHash: hashHostKey(hostKey),
			createdAt: now,
			updatedAt: now,
			endedAt: null,
		};
		this.store.insertRoom(record);
		const inviteUrl = this.inviteUrl(record.code);
		// The host credential rides in the fragment, which browsers never send to servers or logs.
		return { room: roomView(record), inviteUrl, hostUrl: `${inviteUrl}#host=${hostKey}` };
	}

	/**
	 * A room created from the landing page. Its owner is a fresh identity of
	 * the built-in `web` app: the creator manages it through the host link.
	 */
	createWebRoom(name: string, title?: string): { room: RoomView; inviteUrl: string; hostUrl: string } {
		const owner = { identity: `web:${nanoid()}`, name };
		return this.createRoom(owner, title ? { title } : {});
	}

	inviteUrl(code: string): string {
		return `${this.options.publicUrl()}/r/${code}`;
	}

	listRooms(owner: AppUser): RoomView[] {
		return this.store.listRoomsByOwner(owner.identity).map(roomView);
	}

	getRoom(owner: AppUser, roomId: string): RoomView & { inviteUrl: string; participants: ParticipantView[] } {
		const record = this.#ownedRecord(owner, roomId);
		const participants = this.manager.get(roomId)?.participants().map((participant) => participant.view()) ?? [];
		return { ...roomView(record), inviteUrl: this.inviteUrl(record.code), participants };
	}

	/** Ends the room for everyone; its link answers ROOM_ENDED from then on. Idempotent. */
	endRoom(owner: AppUser, roomId: string): RoomView {
		const record = this.#ownedRecord(owner, roomId);
		if (record.status === 'ended') return roomView(record);
		const ended = this.store.updateRoom(roomId, { status: 'ended', endedAt: new Date().toISOString() })!;
		this.manager.get(roomId)?.close(CloseReason.ROOM_ENDED);
		return roomView(ended);
	}

	#ownedRecord(owner: AppUser, roomId: string): RoomRecord {
		const record = this.store.getRoom(roomId);
		// Someone else's room looks exactly like a missing one.
		if (!record || record.ownerIdentity !== owner.identity) throw Errors.roomNotFound();
		return record;
	}

	#openRecordByCode(code: string): RoomRecord {
		const record = this.store.getRoomByCode(code);
		if (!record) throw Errors.inviteNotFound();
		if (record.status === 'ended') throw Errors.roomEnded();
		return record;
	}

	invite(code: string): InviteView {
		return this.#inviteView(this.#openRecordByCode(code));
	}

	#inviteView(record: RoomRecord): InviteView {
		return {
			code: record.code,
			title: record.title,
			hostName: record.ownerName,
			status: record.status,
			participantCount: this.manager.participantCount(record.id),
			maxParticipants: record.maxParticipants,
			locked: record.locked,
			audience: record.audience,
		};
	}

	join(code: string, body: JoinBody): JoinResponse {
		const record = this.#openRecordByCode(code);
		const user = body.appToken ? verifyAppToken(body.appToken, this.apps) : undefined;
		if (body.hostKey !== undefined && !this.#isHostKey(record, body.hostKey)) {
			throw Errors.authInvalid('invalid host link');
		}
		const role: Role = body.hostKey !== undefined || user?.identity === record.ownerIdentity ? 'host' : 'guest';
		if (record.audience === 'signed-in' && !user && role !== 'host') throw Errors.signedInOnly();
		if (record.locked && role !== 'host') throw Errors.roomLocked();
		// A fast answer for the join page; the seat itself is claimed atomically on the socket.
		if (this.manager.participantCount(record.id) >= record.maxParticipants) throw Errors.roomFull();

		const token = this.tokens.sign({
			rid: record.id,
			pid: nanoid(),
			name: body.name,
			role,
			...(user ? { identity: user.identity, appName: user.app.name } : {}),
		});
		return { token, room: this.#inviteView(record), role, iceServers: this.options.iceServers };
	}

	#isHostKey(record: RoomRecord, hostKey: string): boolean {
		return timingSafeEqual(Buffer.from(hashHostKey(hostKey), 'hex'), Buffer.from(record.hostKeyHash, 'hex'));
	}
}
