/**
 * This server as a node of a cluster (ROOMS_NODE_ID): entered in the node
 * directory at start under a new incarnation, then a heartbeat every second
 * with its load (the people in its calls) and its state (serving, or draining
 * once it takes no new rooms), so that rooms are placed only on nodes heard
 * from lately. A heartbeat the directory refuses means another start of the
 * same id took over, or the node was marked dead: the node is then `lost`,
 * /readyz says so, the error is logged once, and its owner is told (it closes
 * the node's rooms, whose browsers then find them on other nodes). A heartbeat that cannot
 * reach the database is the store's fault, which /readyz already reports.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { nodeAnswers } from '../routing/RoomRouting.js';
import type { NodeDirectory } from '../store/NodeDirectory.js';
import { ClusterMismatchError } from '../store/pg/clusterFingerprint.js';

/** How often the node tells the directory it is alive; ROOMS_NODE_TIMEOUT_SECONDS is a few of these. */
export const HEARTBEAT_MS = 1000;

export interface NodeLoad {
	participants: number;
	draining: boolean;
}

export class ClusterMembership {
	readonly nodeId: string;
	/** This start of the node: a restart is a new incarnation of the same id. */
	readonly incarnation = randomUUID();
	readonly #directory: NodeDirectory;
	readonly #internalUrl: string;
	readonly #load: () => NodeLoad;
	/** Told once, when the cluster counts this node out. */
	readonly #onLost: () => void;
	readonly #logger: Logger;
	#timer: ReturnType<typeof setInterval> | undefined;
	#beating: Promise<void> | undefined;
	#lost = false;

	constructor(directory: NodeDirectory, node: { id: string; internalUrl: string }, load: () => NodeLoad, onLost: () => void, logger: Logger) {
		this.#directory = directory;
		this.nodeId = node.id;
		this.#internalUrl = node.internalUrl;
		this.#load = load;
		this.#onLost = onLost;
		this.#logger = logger.child({ nodeId: node.id });
	}

	/** Whether another incarnation took this id, or the node was marked dead. */
	get lost(): boolean {
		return this.#lost;
	}

	/**
	 * Enters the directory, then beats until closed. Refuses when another
	 * server runs under the same id (its address answers): two nodes of one
	 * name would take each other's rooms. A restart after a crash, or on the
	 * same address, takes the id over.
	 */
	async start(): Promise<void> {
		const existing = (await this.#directory.nodes()).find((node) => node.id === this.nodeId);
		if (existing && existing.state !== 'dead' && existing.internalUrl !== this.#internalUrl && await nodeAnswers(existing.internalUrl)) {
			throw new ClusterMismatchError(`ROOMS_NODE_ID ${this.nodeId} is already running at ${existing.internalUrl}: give this node an id of its own`);
		}
		await this.#directory.register({ id: this.nodeId, incarnation: this.incarnation, internalUrl: this.#internalUrl });
		this.#logger.info({ internalUrl: this.#internalUrl }, 'joined the cluster');
		this.#timer = setInterval(() => {
			// One heartbeat at a time: a slow database does not pile them up.
			this.#beating ??= this.#beat().finally(() => {
				this.#beating = undefined;
			});
		}, HEARTBEAT_MS);
	}

	async #beat(): Promise<void> {
		const { participants, draining } = this.#load();
		const alive = await this.#directory.heartbeat(this.nodeId, this.incarnation, participants, draining ? 'draining' : 'serving').catch(() => undefined);
		if (alive === false && !this.#lost) {
			this.#lost = true;
			this.#logger.error('the cluster no longer counts this node (another start of its id took over, or it was marked dead): closing its rooms so that they move');
			this.#onLost();
		}
	}

	/** Stops the heartbeat, telling the directory one last time (draining: no new rooms here). Idempotent. */
	async close(): Promise<void> {
		if (!this.#timer) return;
		clearInterval(this.#timer);
		this.#timer = undefined;
		await this.#beating;
		if (!this.#lost) await this.#directory.heartbeat(this.nodeId, this.incarnation, 0, 'draining').catch(() => undefined);
	}
}
