/**
 * The registry of live rooms on this node. A room goes live when its first
 * participant connects and closes when the last one leaves. Opening is
 * serialised per room: two simultaneous first joins share one router. On a
 * node of a cluster a room opens only where the node directory places it
 * (RoomRouting.claim: elsewhere is WRONG_NODE), and its placement goes when
 * it closes.
 */
import { CloseReason } from '../../shared/errors.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { WorkerPool } from '../media/WorkerPool.js';
import { SafeEmitter } from '../SafeEmitter.js';
import type { BarredStore, CohostStore, RoomRecord, RoomStore } from '../store/RoomStore.js';
import { Room } from './Room.js';
import { type Door, type DoorPerson, door } from './door.js';
import type { LiveRoomDirectory, LiveRoomsEvents } from './LiveRoomDirectory.js';
import type { RoomSettings } from './RoomTypes.js';

/** Where rooms may open: RoomRouting on a node of a cluster; on a server of its own every room is here. */
export interface RoomPlacement {
	/** Resolves when the room may open on this node; else rejects (WRONG_NODE with its path, or UNAVAILABLE). */
	claim(roomId: string): Promise<void>;
	/** The room is not live here (any more). */
	release(roomId: string): void;
}

export class LiveRooms extends SafeEmitter<LiveRoomsEvents> implements LiveRoomDirectory {
	readonly #live = new Map<string, Room>();
	readonly #opening = new Map<string, Promise<Room>>();
	readonly #store: RoomStore;
	readonly #barred: BarredStore;
	readonly #cohosts: CohostStore;
	readonly #workers: WorkerPool;
	readonly #placement: RoomPlacement;
	readonly #roomSettings: RoomSettings;
	readonly #logger: Logger;
	#closed = false;
	#draining = false;

	constructor(stores: { rooms: RoomStore; barred: BarredStore; cohosts: CohostStore }, workers: WorkerPool, placement: RoomPlacement, roomSettings: RoomSettings, logger: Logger) {
		super(() => logger);
		this.#store = stores.rooms;
		this.#barred = stores.barred;
		this.#cohosts = stores.cohosts;
		this.#workers = workers;
		this.#placement = placement;
		this.#roomSettings = roomSettings;
		this.#logger = logger;
	}

	get(roomId: string): Room | undefined {
		return this.#live.get(roomId);
	}

	get rooms(): Room[] {
		return [...this.#live.values()];
	}

	/** Stopping: calls go on, nobody new comes in. */
	get draining(): boolean {
		return this.#draining;
	}

	/** Everyone seated in a live room on this node. */
	get participantCount(): number {
		return this.rooms.reduce((sum, room) => sum + room.participantCount, 0);
	}

	/** Stops taking new people, and tells everyone in a call when the server will stop. */
	drain(deadline: Date): void {
		this.#draining = true;
		for (const room of this.rooms) room.broadcast('server.draining', { deadline: deadline.toISOString() });
	}

	/**
	 * Closes every live room with SERVER_SHUTDOWN while the registry stays open:
	 * the rooms belong elsewhere now (the cluster counted this node out), and
	 * their browsers come back where the rooms are.
	 */
	evacuate(): void {
		for (const room of this.rooms) room.close(CloseReason.SERVER_SHUTDOWN);
	}

	/** The live room's door, or for a room that is not live, the store's. */
	door(record: RoomRecord, person: DoorPerson): Promise<Door> {
		const room = this.get(record.id);
		if (room) return room.door(person);
		return door(person, { roomId: record.id, code: record.code, barred: this.#barred, draining: this.#draining, seated: false });
	}

	async open(roomId: string): Promise<Room> {
		if (this.#closed) throw Errors.unavailable('server is shutting down');
		const live = this.#live.get(roomId);
		if (live && !live.closed) return live;
		let opening = this.#opening.get(roomId);
		if (!opening) {
			opening = this.#create(roomId).finally(() => this.#opening.delete(roomId));
			this.#opening.set(roomId, opening);
		}
		return opening;
	}

	async #create(roomId: string): Promise<Room> {
		await this.#placement.claim(roomId);
		let room: Room;
		try {
			room = await this.#openHere(roomId);
		} catch (error) {
			this.#placement.release(roomId);
			throw error;
		}
		this.#live.set(roomId, room);
		room.on('empty', () => room.close(CloseReason.LEFT));
		room.on('close', () => {
			if (this.#live.get(roomId) !== room) return;
			this.#live.delete(roomId);
			// The next first join places it afresh (on a server of its own, nothing to do).
			this.#placement.release(roomId);
		});
		this.emit('open', room);
		room.logger.info({ liveWorkers: this.#workers.liveWorkers }, 'room live');
		return room;
	}

	async #openHere(roomId: string): Promise<Room> {
		const record = await this.#store.getRoom(roomId);
		if (!record) throw Errors.roomNotFound();
		if (record.status === 'ended') throw Errors.roomEnded();
		const routerPlacement = await this.#workers.createRouter();
		if (!routerPlacement) throw Errors.unavailable('no media worker is available');
		try {
			return await Room.open(record, routerPlacement, { ...this.#roomSettings, barred: this.#barred, cohosts: this.#cohosts, draining: () => this.#draining }, this.#logger);
		} catch (error) {
			routerPlacement.router.close();
			throw error;
		}
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const room of this.#live.values()) room.close(CloseReason.SERVER_SHUTDOWN);
		this.#live.clear();
	}
}
