/**
 * Rooms and their invitations: the owner app's API to create, list and read
 * its rooms, and the guest's side of an invite link (what the join page
 * shows, and the participant token a join is given). Host controls live in
 * Moderation; who may come in is decided by `admission()`, asked here for a
 * quick answer and again by the room at the socket.
 */
import { nanoid } from 'nanoid';
import type { CreatedRoom } from '../../shared/api.js';
import type { InviteStatus, InviteView, JoinResponse, LocateResponse, OwnerParticipantView, RoomView } from '../../shared/protocol.js';
import type { CreateRoomBody, JoinBody, TokenRole } from '../../shared/schemas.js';
import { defaultTitle, defaultTitleOf } from '../../shared/titles.js';
import type { AppRegistry } from '../apps/AppRegistry.js';
import { type AppUser, verifyAppToken, WEB_APP_ID } from '../auth/appTokens.js';
import type { ParticipantTokens } from '../auth/participantTokens.js';
import { hashSecret, matchesHash, newHostKey } from '../auth/secrets.js';
import { Errors } from '../errors.js';
import type { IdentityLinks } from './IdentityLinks.js';
import type { IceServers } from '../media/IceServers.js';
import { type OwnerQuota, OwnerQuotaError, type RoomPosition, type RoomRecord, type RoomStore } from '../store/RoomStore.js';
import type { ActivityFeed } from './ActivityFeed.js';
import { UNOPENED_ROOM, admission, isExpired, refusal } from '../rooms/admission.js';
import { closedDoor } from '../rooms/door.js';
import { withFreshCode } from '../rooms/inviteCodes.js';
import type { LiveRoomDirectory } from '../rooms/LiveRoomDirectory.js';
import type { Moderation } from './Moderation.js';
import type { RoomRouting } from '../routing/RoomRouting.js';
import { hostLink, roomView } from '../rooms/views.js';

export interface InvitationsOptions {
	maxParticipants: number;
	/** Rooms one app user may have open at once, and create in an hour. */
	roomsPerUser: { maxOpen: number; perHour: number };
	iceServers: IceServers;
	inviteUrl: (code: string) => string;
}

export class Invitations {
	constructor(
		private readonly rooms: RoomStore,
		private readonly liveRooms: LiveRoomDirectory,
		private readonly apps: AppRegistry,
		private readonly links: IdentityLinks,
		private readonly moderation: Moderation,
		private readonly activity: ActivityFeed,
		private readonly tokens: ParticipantTokens,
		/** Where rooms live: a join is answered by the room's node, with its path. */
		private readonly routing: Pick<RoomRouting, 'signalingPath' | 'locate'>,
		private readonly options: InvitationsOptions,
	) {}

	/** A room for an app user, within their quota: each room stays open until the app ends it. */
	createRoom(owner: Pick<AppUser, 'identity' | 'name'>, body: CreateRoomBody): Promise<CreatedRoom> {
		const { maxOpen, perHour } = this.options.roomsPerUser;
		return this.#create(owner, body, { maxOpen, maxCreatedSince: perHour, since: new Date(Date.now() - 3_600_000).toISOString() });
	}

	async #create(owner: Pick<AppUser, 'identity' | 'name'>, body: CreateRoomBody, quota?: OwnerQuota): Promise<CreatedRoom> {
		const hostKey = newHostKey();
		const now = new Date().toISOString();
		const record = await withFreshCode(async (code) => {
			const candidate: RoomRecord = {
				id: nanoid(),
				code,
				title: body.title ?? defaultTitle(owner.name),
				ownerIdentity: owner.identity,
				ownerName: owner.name,
				audience: body.audience ?? 'link',
				maxParticipants: Math.min(body.maxParticipants ?? this.options.maxParticipants, this.options.maxParticipants),
				locked: false,
				lockedBy: null,
				waitForHost: body.waitForHost ?? true,
				autoLockOnRemove: body.autoLockOnRemove ?? true,
				e2ee: body.e2ee ?? false,
				expiresAt: body.expiresAt ?? null,
				status: 'open',
				hostKeyHash: hashSecret(hostKey),
				createdAt: now,
				updatedAt: now,
				endedAt: null,
			};
			await this.rooms.insertRoom(candidate, quota).catch((error: unknown) => {
				if (!(error instanceof OwnerQuotaError)) throw error;
				throw Errors.roomQuota(error.limit === 'open'
					? `this user already has ${error.max} open rooms, the most allowed (ROOMS_MAX_OPEN_ROOMS_PER_USER); end one first`
					: `this user created ${error.max} rooms in the last hour, the most allowed (ROOMS_ROOMS_PER_USER_PER_HOUR); try again later`);
			});
			return candidate;
		});
		await this.activity.notify(record, 'room.created');
		const inviteUrl = this.options.inviteUrl(record.code);
		return { room: roomView(record), inviteUrl, hostUrl: hostLink(inviteUrl, hostKey, record.ownerName) };
	}

	/**
	 * A room created from the landing page. Its owner is a fresh identity of
	 * the built-in `web` app: the creator manages it through the host link.
	 * Each has a new owner, so the quota is the address's (ROOMS_WEB_ROOMS_PER_HOUR, at the edge).
	 */
	createWebRoom(name: string, settings: Pick<CreateRoomBody, 'title' | 'e2ee'>): Promise<CreatedRoom> {
		const owner = { identity: `${WEB_APP_ID}:${nanoid()}`, name };
		return this.#create(owner, settings);
	}

	/** Rooms of the user and of every identity linked to them, newest first, a page at a time. */
	async listRooms(owner: AppUser, { limit, cursor }: { limit: number; cursor?: string }): Promise<{ rooms: RoomView[]; nextCursor: string | null }> {
		const after = cursor === undefined ? undefined : decodeCursor(cursor);
		// One more than asked: whether there is a next page, without a second query.
		const records = await this.rooms.listRoomsByOwners(await this.links.identitiesOf(owner.identity), { limit: limit + 1, after });
		const page = records.slice(0, limit);
		const last = page.at(-1);
		return { rooms: page.map(roomView), nextCursor: records.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
	}

	async getRoom(owner: AppUser, roomId: string): Promise<RoomView & { inviteUrl: string; participants: OwnerParticipantView[] }> {
		const record = await this.rooms.getRoom(roomId);
		// Someone else's room looks exactly like a missing one.
		if (!record || !(await this.moderation.owns(owner, record))) throw Errors.roomNotFound();
		const participants = this.liveRooms.get(roomId)?.participants().map((participant) => participant.ownerView()) ?? [];
		return { ...roomView(record), inviteUrl: this.options.inviteUrl(record.code), participants };
	}

	async #recordByCode(code: string): Promise<RoomRecord> {
		const record = await this.rooms.getRoomByCode(code);
		if (!record) throw (await this.rooms.isRetiredCode(code)) ? Errors.linkReset() : Errors.inviteNotFound();
		if (record.status === 'ended') throw Errors.roomEnded();
		return record;
	}

	async invite(code: string): Promise<InviteView> {
		const record = await this.#recordByCode(code);
		if (isExpired(record)) throw Errors.inviteExpired();
		return this.#inviteView(record);
	}

	/** The invite, and whether a host removed or turned away the browser holding `guestKey`, so the join page can say so before Join. */
	async inviteStatus(code: string, guestKey: string): Promise<InviteStatus> {
		const record = await this.#recordByCode(code);
		if (isExpired(record)) throw Errors.inviteExpired();
		const door = await this.liveRooms.door(record, { gk: hashSecret(guestKey) });
		return { ...this.#inviteView(record), removed: door === 'removed', denied: door === 'denied' };
	}

	#inviteView(record: RoomRecord): InviteView {
		const live = this.liveRooms.get(record.id);
		return {
			code: record.code,
			title: record.title,
			defaultTitleOf: defaultTitleOf(record.title, record.ownerName),
			hostName: record.ownerName,
			status: record.status,
			participantCount: live?.participantCount ?? 0,
			maxParticipants: record.maxParticipants,
			locked: record.locked,
			audience: record.audience,
			hostPresent: live?.hostPresent ?? false,
			waitForHost: record.waitForHost,
			e2ee: record.e2ee,
		};
	}

	/**
	 * Issues a participant token when `admission()` would let the person in or
	 * have them wait, so the join page gets a clear answer before the socket.
	 * The room decides again when they join.
	 */
	async join(code: string, body: JoinBody): Promise<JoinResponse> {
		const record = await this.#recordByCode(code);
		const user = body.appToken ? verifyAppToken(body.appToken, this.apps, 'join') : undefined;
		if (body.hostKey !== undefined && !matchesHash(body.hostKey, record.hostKeyHash)) {
			throw Errors.authInvalid('invalid host link');
		}
		const role: TokenRole = body.hostKey !== undefined || (user && (await this.moderation.owns(user, record))) ? 'host' : 'guest';
		const gk = body.guestKey ? hashSecret(body.guestKey) : undefined;
		// The same browser or signed-in person again (another tab, another device) takes their seat over: same participant id.
		const again = this.liveRooms.get(record.id)?.seatOf({ gk, identity: user?.identity });
		const person = { pid: again?.id ?? nanoid(), identity: user?.identity, gk };
		const state = await this.liveRooms.door(record, person);
		if (state === 'draining') throw closedDoor(state);
		const live = this.liveRooms.get(record.id)?.admissionState() ?? UNOPENED_ROOM;
		// Taking one's own seat over needs no free seat.
		const decision = admission(record, again ? { ...live, seated: live.seated - 1 } : live,
			{ role, signedIn: Boolean(user), banned: state === 'removed', denied: state === 'denied', admitted: false, wait: body.wait ?? false });
		if (decision.kind === 'refuse') throw refusal(decision.code);

		const token = this.tokens.sign({
			rid: record.id,
			code: record.code,
			pid: person.pid,
			name: body.name,
			role,
			...(user ? { identity: user.identity, appName: user.app.name } : {}),
			...(gk ? { gk } : {}),
		});
		return { token, room: this.#inviteView(record), role, iceServers: this.options.iceServers.for(person.pid), signalingPath: this.routing.signalingPath };
	}

	/**
	 * Where a participant's room is now, for a client whose connection dropped
	 * (its node may have died: RoomRouting.locate). Whether they may come back
	 * is the handshake's and the room's to say, as for any reconnect.
	 */
	async locate(token: string): Promise<LocateResponse> {
		const claims = this.tokens.verify(token);
		const record = await this.rooms.getRoom(claims.rid);
		if (!record) throw Errors.roomNotFound();
		if (record.status === 'ended') throw Errors.roomEnded();
		return { signalingPath: await this.routing.locate(record.id) };
	}
}

/** A listing's position, opaque to callers. */
function encodeCursor(position: RoomPosition): string {
	return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

function decodeCursor(cursor: string): RoomPosition {
	try {
		const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
		if (typeof createdAt === 'string' && typeof id === 'string') return { createdAt, id };
	} catch {
		// Answered below.
	}
	throw Errors.invalidPayload('cursor: not a cursor this API gave');
}
