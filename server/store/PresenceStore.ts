/**
 * Who sits in which room, and on which node, for a cluster (issue 27). A
 * room whose node dies is rebuilt elsewhere as its people come back: their
 * record says they never left, so nobody joins twice in the timeline or the
 * webhooks, and whoever does not come back is recorded as gone, once,
 * whichever node notices.
 */

export interface SeatedPerson {
	roomId: string;
	participantId: string;
	name: string;
}

export interface PresenceStore {
	/**
	 * The person is seated on `nodeId`. Resolves with the node they were
	 * recorded on before, when the record already had them in this room (it
	 * moved with them), else undefined (a join).
	 */
	seat(person: SeatedPerson, nodeId: string): Promise<{ fromNode: string } | undefined>;
	/** Who is recorded in the room now, on whichever node, first seated first. */
	seatedIn(roomId: string): Promise<SeatedPerson[]>;
	/** They left, and that is recorded. */
	unseat(roomId: string, participantId: string): Promise<void>;
	/**
	 * The people still recorded on nodes marked dead and silent for longer than
	 * `graceSeconds`: they did not come back. They are taken off the record as
	 * they are returned, so that each is returned to one caller only.
	 */
	takeStranded(graceSeconds: number): Promise<(SeatedPerson & { nodeId: string })[]>;
	/**
	 * Everyone recorded on `nodeId` as seated before `before`, taken off the
	 * record: for a node that starts again, whose earlier start's people are
	 * gone with it (those who come back to it are seated afresh).
	 */
	takeAllOf(nodeId: string, before: Date): Promise<(SeatedPerson & { nodeId: string })[]>;
}
