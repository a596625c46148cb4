/**
 * Where a room's requests go. On a server of its own every room is here. On a
 * node of a cluster (issue 27) a room lives on one node: its routers and all
 * its Socket.IO connections. The node directory places it on its first join,
 * HTTP requests about it are forwarded to that node (forwarding.ts), and a
 * socket that reaches another node is sent to the room's path (WRONG_NODE).
 */
import { Errors, WrongNodeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NodeDirectory, Placement } from '../store/NodeDirectory.js';

/** Socket.IO's path on a server of its own. */
export const SINGLE_SIGNALING_PATH = '/socket.io';

/** Socket.IO's path on a node: the balancer sends `/node/<id>/` to that node. */
export const signalingPathOf = (nodeId: string): string => `/node/${nodeId}/socket.io`;

export interface RoomNode {
	nodeId: string;
	/** Where the other nodes reach it. */
	internalUrl: string;
	/** Whether it is this node. */
	here: boolean;
}

export interface ClusterRouting {
	directory: NodeDirectory;
	nodeId: string;
	/** Rooms go only to nodes heard from within this (ROOMS_NODE_TIMEOUT_SECONDS). */
	timeoutSeconds: number;
}

export class RoomRouting {
	/** This node's Socket.IO path. */
	readonly signalingPath: string;
	readonly #cluster: ClusterRouting | undefined;
	/** The placements of the rooms live here, released when they close. */
	readonly #held = new Map<string, Placement>();
	readonly #logger: Logger;

	constructor(cluster: ClusterRouting | undefined, logger: Logger) {
		this.#cluster = cluster;
		this.signalingPath = cluster ? signalingPathOf(cluster.nodeId) : SINGLE_SIGNALING_PATH;
		this.#logger = logger;
	}

	get clustered(): boolean {
		return this.#cluster !== undefined;
	}

	/** Where the room is placed; undefined when it is not (a room nobody is in is answered by any node). */
	async find(roomId: string): Promise<RoomNode | undefined> {
		if (!this.#cluster) return undefined;
		const placement = await this.#cluster.directory.placementOf(roomId);
		return placement && this.#nodeOf(placement);
	}

	/** Where the room is, placed on the least-loaded serving node if it is not yet (a join). */
	async place(roomId: string): Promise<RoomNode | undefined> {
		if (!this.#cluster) return undefined;
		const placement = await this.#cluster.directory.place(roomId, this.#cluster.timeoutSeconds);
		if (!placement) throw Errors.unavailable('no node of this service can take the room now');
		return this.#nodeOf(placement);
	}

	/**
	 * For a socket that reached this node: the room stays here, or is placed
	 * here when it was placed nowhere, or the socket is told where it lives.
	 * A room already live here needs no look-up: this node keeps it until the
	 * directory counts it out, and then it closes them all (ClusterMembership).
	 */
	async claim(roomId: string): Promise<void> {
		if (!this.#cluster || this.#held.has(roomId)) return;
		const { directory, nodeId, timeoutSeconds } = this.#cluster;
		const placement = await directory.place(roomId, timeoutSeconds, nodeId);
		if (!placement) throw Errors.unavailable('no node of this service can take the room now');
		if (placement.nodeId !== nodeId) throw new WrongNodeError(signalingPathOf(placement.nodeId));
		this.#held.set(roomId, placement);
	}

	/** The room closed here: the next first join places it afresh. */
	release(roomId: string): void {
		const placement = this.#held.get(roomId);
		if (!placement || !this.#cluster) return;
		this.#held.delete(roomId);
		this.#cluster.directory.release(placement).catch((error: unknown) => {
			this.#logger.warn({ err: error, roomId }, 'could not release the room\'s placement; it stays on this node');
		});
	}

	#nodeOf(placement: Placement): RoomNode {
		return { nodeId: placement.nodeId, internalUrl: placement.internalUrl, here: placement.nodeId === this.#cluster?.nodeId };
	}
}
