/**
 * The directory of nodes and where each live room is, for a cluster of
 * servers sharing PostgreSQL (issue 27): a room lives on one node (its
 * routers and all its Socket.IO connections); every node can find it here.
 * Ages are judged by the database's clock, never a node's own.
 */

export type NodeState = 'serving' | 'draining' | 'dead';

export interface NodeRecord {
	id: string;
	/** Changes at every start of the node: a restarted node is a new incarnation of the same id. */
	incarnation: string;
	/** Where other nodes reach it (its forwarded controls, its /readyz). */
	internalUrl: string;
	state: NodeState;
	/** What the node last reported of its own load (its live participants). */
	load: number;
	/** Seconds since its last heartbeat, by the database's clock. */
	silentSeconds: number;
}

export interface Placement {
	roomId: string;
	nodeId: string;
	/** Counts the placements of this room: a takeover makes a new epoch, so the old holder can tell it lost the room. */
	epoch: number;
	/** Where the holding node is reached by the others (NodeRecord.internalUrl). */
	internalUrl: string;
}

export interface NodeDirectory {
	/** Enters this node (again) as serving, with a fresh heartbeat. */
	register(node: Pick<NodeRecord, 'id' | 'incarnation' | 'internalUrl'>): Promise<void>;
	/**
	 * This node is alive, with its load and state. False when another
	 * incarnation has taken its id, or it was marked dead: it must stop
	 * serving its rooms.
	 */
	heartbeat(id: string, incarnation: string, load: number, state: Exclude<NodeState, 'dead'>): Promise<boolean>;
	nodes(): Promise<NodeRecord[]>;
	/** Where the room is, if it is placed. */
	placementOf(roomId: string): Promise<Placement | undefined>;
	/**
	 * The room's node: where it is placed, unless that node is dead; else the
	 * least-loaded serving node heard from within `timeoutSeconds`, in one
	 * transaction, so that first joins racing on different nodes agree.
	 * Undefined when no node can take it. A `preferred` node takes a room that
	 * is not placed when it may take rooms at all (a node whose socket the
	 * room's first person reached).
	 */
	place(roomId: string, timeoutSeconds: number, preferred?: string): Promise<Placement | undefined>;
	/** The rooms placed on `nodeId` longer ago than `olderThanSeconds` (by the database's clock). */
	placementsOn(nodeId: string, olderThanSeconds: number): Promise<Placement[]>;
	/** The room ended on its node: nothing is placed any more. Only the placement of that epoch goes. */
	release(placement: Placement): Promise<void>;
	/** A node that failed its probes: its rooms go to others at their next placement. */
	markDead(id: string): Promise<void>;
}
