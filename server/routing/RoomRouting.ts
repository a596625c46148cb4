/**
 * Where a room's requests go. On a server of its own every room is here. On a
 * node of a cluster (issue 27) a room lives on one node: its routers and all
 * its Socket.IO connections. The node directory places it on its first join,
 * HTTP requests about it are forwarded to that node (http/roomForwarding),
 * and a socket that reaches another node is sent to the room's path
 * (WRONG_NODE). When a room's node dies, its browsers ask where the room is
 * (locate), and a node whose forwarded request goes unanswered asks the same
 * (takeOver): a holder that fails a direct probe is marked dead, and the room
 * is placed on a live node, where it is rebuilt as its people come.
 */
import { Errors, WrongNodeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NodeDirectory, NodeRecord, NodeState, Placement } from '../store/NodeDirectory.js';

/** How long a node's /readyz has to answer a probe before it counts as dead. */
const PROBE_TIMEOUT_MS = 2000;
/** What a node that is up but counts itself out answers: it holds no rooms any more. */
const GONE_REASONS = new Set(['not-in-cluster', 'stopped']);

/**
 * A placement this node holds for a room that never opened here (a join whose
 * person never connected) is released after this long, so it neither counts
 * against this node when rooms are placed nor lingers in the directory.
 */
export const UNUSED_PLACEMENT_SECONDS = 60;

/** What routing did on this node since it started, for /metrics. */
export interface RoutingCounts {
	/** Requests sent on to the room's node, answered there. */
	forwardsAnswered: number;
	/** Requests sent on to the room's node that it did not answer. */
	forwardsUnanswered: number;
	/** Nodes this node marked dead after they failed its probe. */
	nodesMarkedDead: number;
	/** Rooms this node placed afresh because their node was dead. */
	roomsMoved: number;
	/** Placements of rooms that never opened here, released. */
	unusedPlacementsReleased: number;
}

/** Socket.IO's path on a server of its own. */
export const SINGLE_SIGNALING_PATH = '/socket.io';

/** Socket.IO's path on a node: the balancer sends `/node/<id>/` to that node. */
export const signalingPathOf = (nodeId: string): string => `/node/${nodeId}/socket.io`;

/** Whether the node at `internalUrl` is up and still counts itself in (draining or a store fault count: it still holds its rooms). */
export async function nodeAnswers(internalUrl: string): Promise<boolean> {
	try {
		const response = await fetch(`${internalUrl}/readyz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
		if (response.ok) return true;
		const body = await response.json().catch(() => undefined) as { error?: { reason?: string } } | undefined;
		return !GONE_REASONS.has(body?.error?.reason ?? '');
	} catch {
		return false;
	}
}

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
	/** Rooms sockets are claiming now, and how many: their placements are not released as unused meanwhile. */
	readonly #claiming = new Map<string, number>();
	/** Unused placements being released now: a claim of the room waits for it, then places the room afresh. */
	readonly #releasing = new Map<string, Promise<void>>();
	readonly #logger: Logger;
	readonly counts: RoutingCounts = { forwardsAnswered: 0, forwardsUnanswered: 0, nodesMarkedDead: 0, roomsMoved: 0, unusedPlacementsReleased: 0 };
	/** The nodes as the last sweep saw them (markSilentNodes), for /metrics: a scrape never waits for the database. */
	#nodesSeen: readonly NodeRecord[] = [];

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
		// Marked before the first wait, so releaseUnused leaves this room alone from here on.
		this.#claiming.set(roomId, (this.#claiming.get(roomId) ?? 0) + 1);
		try {
			await this.#releasing.get(roomId);
			const placement = await directory.place(roomId, timeoutSeconds, nodeId);
			if (!placement) throw Errors.unavailable('no node of this service can take the room now');
			if (placement.nodeId !== nodeId) throw new WrongNodeError(signalingPathOf(placement.nodeId));
			this.#held.set(roomId, placement);
		} finally {
			const claims = this.#claiming.get(roomId)! - 1;
			if (claims > 0) this.#claiming.set(roomId, claims);
			else this.#claiming.delete(roomId);
		}
	}

	/**
	 * The room's node now, for someone who could not reach it (a participant
	 * whose connection dropped, or a node forwarding a request): its node, if
	 * that node answers a direct probe; else the node is marked dead and the
	 * room placed on a live one. A node that answers is never marked, whoever
	 * asks; while the database is out this fails (503), so nothing moves
	 * during an outage.
	 */
	async takeOver(roomId: string): Promise<RoomNode> {
		if (!this.#cluster) throw new Error('a server of its own holds every room');
		const { directory, nodeId, timeoutSeconds } = this.#cluster;
		const current = await directory.placementOf(roomId);
		if (current && current.nodeId !== nodeId && !(await nodeAnswers(current.internalUrl))) {
			this.#logger.warn({ roomId, deadNode: current.nodeId }, 'a room\'s node failed its probe: marking it dead, and moving its rooms');
			await directory.markDead(current.nodeId);
			this.counts.nodesMarkedDead++;
		}
		const placement = await directory.place(roomId, timeoutSeconds);
		if (!placement) throw Errors.unavailable('no node of this service can take the room now');
		if (current && placement.epoch !== current.epoch) this.counts.roomsMoved++;
		return this.#nodeOf(placement);
	}

	/** The room's Socket.IO path now (takeOver), for a participant whose connection dropped. */
	async locate(roomId: string): Promise<string> {
		if (!this.#cluster) return this.signalingPath;
		return signalingPathOf((await this.takeOver(roomId)).nodeId);
	}

	/**
	 * Probes the nodes silent for longer than the timeout, and marks dead those
	 * that do not answer: their rooms move at the next locate, and the people
	 * who do not come back are found stranded. Resolves with the ids marked.
	 */
	async markSilentNodes(): Promise<string[]> {
		if (!this.#cluster) return [];
		const { directory, nodeId, timeoutSeconds } = this.#cluster;
		this.#nodesSeen = await directory.nodes();
		const silent = this.#nodesSeen.filter((node) => node.state !== 'dead' && node.id !== nodeId && node.silentSeconds > timeoutSeconds);
		const marked: string[] = [];
		for (const node of silent) {
			if (await nodeAnswers(node.internalUrl)) continue;
			this.#logger.warn({ deadNode: node.id, silentSeconds: node.silentSeconds }, 'a silent node failed its probe: marking it dead');
			await directory.markDead(node.id);
			this.counts.nodesMarkedDead++;
			marked.push(node.id);
		}
		return marked;
	}

	/**
	 * The states of the cluster's nodes as this node's last sweep saw them,
	 * `silent` for one not dead but not heard from within the timeout; none
	 * on a server of its own, or before the first sweep.
	 */
	nodeStatesSeen(): Array<NodeState | 'silent'> {
		const timeoutSeconds = this.#cluster?.timeoutSeconds ?? 0;
		return this.#nodesSeen.map((node) => (node.state !== 'dead' && node.silentSeconds > timeoutSeconds ? 'silent' : node.state));
	}

	/**
	 * Releases this node's placements, older than `olderThanSeconds`, of rooms
	 * that are not live here and that no socket is claiming: joins whose people
	 * never connected. A socket that comes later places its room again.
	 * Resolves with how many were released.
	 */
	async releaseUnused(olderThanSeconds = UNUSED_PLACEMENT_SECONDS): Promise<number> {
		if (!this.#cluster) return 0;
		const { directory, nodeId } = this.#cluster;
		let released = 0;
		for (const placement of await directory.placementsOn(nodeId, olderThanSeconds)) {
			const { roomId } = placement;
			// No wait between this check and #releasing being set: a claim that starts later waits for the release.
			if (this.#held.has(roomId) || this.#claiming.has(roomId) || this.#releasing.has(roomId)) continue;
			const releasing = directory.release(placement);
			this.#releasing.set(roomId, releasing.catch(() => undefined));
			try {
				await releasing;
				released++;
			} finally {
				this.#releasing.delete(roomId);
			}
		}
		if (released > 0) this.#logger.info({ released }, 'released placements of rooms whose people never connected here');
		this.counts.unusedPlacementsReleased += released;
		return released;
	}

	/** A request about a room was sent on to its node: answered there, or not. */
	countForward(answered: boolean): void {
		if (answered) this.counts.forwardsAnswered++;
		else this.counts.forwardsUnanswered++;
	}

	/** The directory counts this node out: its rooms are others' now, and nothing of theirs is released from here. */
	forget(): void {
		this.#held.clear();
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
