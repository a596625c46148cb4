/**
 * The people waiting at a room's door, in arrival order: for the host to
 * arrive, for a host to let them in (knock), or for a seat (queue). After
 * anything that can change who may come in (a seat freed, a lock, a host
 * arriving, an admission) the Room calls promote(): each entry is decided
 * again by `admission()`, in order, and seated, kept waiting (told its
 * place) or turned away.
 */
import { CloseReason } from '../../shared/errors.js';
import type { LobbyEntryView, LobbyStatus, WaitReason } from '../../shared/protocol.js';
import type { Role } from '../../shared/schemas.js';
import type { ParticipantClaims } from '../auth/participantTokens.js';
import type { Logger } from '../logger.js';
import type { AdmissionDecision } from './admission.js';
import type { JoiningClient, ParticipantConnection } from './Participant.js';

export interface LobbyEntry {
	readonly claims: ParticipantClaims;
	readonly role: Role;
	readonly client: JoiningClient;
	readonly connection: ParticipantConnection;
	readonly since: Date;
	/** A host let them in; they still need a seat. */
	admitted: boolean;
	reason: WaitReason;
	position: number;
	knockTimer?: NodeJS.Timeout;
}

/** What the lobby needs from its room. */
export interface LobbyRoom {
	isClosed(): boolean;
	/** The admission decision for a waiting person, as things stand now. */
	decide(entry: LobbyEntry): AdmissionDecision;
	/** Gives the entry a seat and tells its client. */
	seat(entry: LobbyEntry): void;
	/** Tells hosts and co-hosts who waits now. */
	lobbyChanged(entries: LobbyEntryView[]): void;
}

export class Lobby {
	readonly #entries = new Map<string, LobbyEntry>();
	readonly #room: LobbyRoom;
	readonly #knockTimeoutMs: number;
	readonly #logger: Logger;
	#promoting = false;
	#promoteAgain = false;

	constructor(room: LobbyRoom, knockTimeoutMs: number, logger: Logger) {
		this.#room = room;
		this.#knockTimeoutMs = knockTimeoutMs;
		this.#logger = logger;
	}

	get size(): number {
		return this.#entries.size;
	}

	get(participantId: string): LobbyEntry | undefined {
		return this.#entries.get(participantId);
	}

	add(entry: LobbyEntry): void {
		this.#entries.set(entry.claims.pid, entry);
		this.#logger.info({ participantId: entry.claims.pid, reason: entry.reason }, 'waiting in the lobby');
		this.promote();
	}

	/** Takes the entry out (seated, replaced or gone), stopping its knock clock. */
	remove(entry: LobbyEntry): void {
		clearTimeout(entry.knockTimer);
		if (this.#entries.get(entry.claims.pid) === entry) this.#entries.delete(entry.claims.pid);
	}

	/** The same person joins again from a new connection: the old one is told it was replaced. */
	replace(participantId: string): LobbyEntry | undefined {
		const entry = this.#entries.get(participantId);
		if (!entry) return undefined;
		this.remove(entry);
		entry.connection.emit('session.closed', { reason: CloseReason.REPLACED });
		entry.connection.disconnect();
		return entry;
	}

	/** Their connection went away: their place goes to the next. */
	disconnected(participantId: string, connection: ParticipantConnection): void {
		const entry = this.#entries.get(participantId);
		if (entry?.connection !== connection) return;
		this.remove(entry);
		this.promote();
	}

	/** A host lets them in; they take a seat now, or the first free one. */
	admit(entry: LobbyEntry): void {
		entry.admitted = true;
		this.promote();
	}

	turnAway(entry: LobbyEntry, reason: CloseReason): void {
		this.remove(entry);
		entry.connection.emit('session.closed', { reason });
		entry.connection.disconnect();
		this.#logger.info({ participantId: entry.claims.pid, reason }, 'turned away from the lobby');
		this.#room.lobbyChanged(this.views());
	}

	/** Re-decides every entry in arrival order. Re-entrant calls (seating someone can unlock the room) run once more at the end. */
	promote(): void {
		if (this.#promoting) {
			this.#promoteAgain = true;
			return;
		}
		this.#promoting = true;
		try {
			do {
				this.#promoteAgain = false;
				this.#promoteOnce();
			} while (this.#promoteAgain && !this.#room.isClosed());
		} finally {
			this.#promoting = false;
		}
	}

	#promoteOnce(): void {
		let changed = false;
		const positions: Record<WaitReason, number> = { host: 0, knock: 0, queue: 0 };
		for (const entry of [...this.#entries.values()]) {
			if (this.#room.isClosed()) return;
			const decision = this.#room.decide(entry);
			if (decision.kind === 'seat') {
				this.remove(entry);
				this.#room.seat(entry);
				changed = true;
			} else if (decision.kind === 'refuse') {
				// The room's settings changed under them (audience, expiry): the door is closed now.
				this.remove(entry);
				entry.connection.emit('session.closed', { reason: CloseReason.DENIED });
				entry.connection.disconnect();
				changed = true;
			} else {
				positions[decision.reason]++;
				if (this.#update(entry, decision.reason, positions[decision.reason])) {
					entry.connection.emit('lobby.status', Lobby.status(entry));
					changed = true;
				}
			}
		}
		if (changed) this.#room.lobbyChanged(this.views());
	}

	/** Records why the entry waits; returns whether that changed. A knock runs a clock; nothing else does. */
	#update(entry: LobbyEntry, reason: WaitReason, position: number): boolean {
		if (entry.reason === reason && entry.position === position && (reason !== 'knock' || entry.knockTimer)) return false;
		if (reason === 'knock' && !entry.knockTimer) {
			entry.knockTimer = setTimeout(() => this.turnAway(entry, CloseReason.KNOCK_TIMEOUT), this.#knockTimeoutMs);
		} else if (reason !== 'knock') {
			clearTimeout(entry.knockTimer);
			entry.knockTimer = undefined;
		}
		entry.reason = reason;
		entry.position = position;
		return true;
	}

	views(): LobbyEntryView[] {
		return [...this.#entries.values()].map((entry) => ({
			id: entry.claims.pid,
			name: entry.claims.name,
			...(entry.claims.appName ? { appName: entry.claims.appName } : {}),
			reason: entry.reason,
			since: entry.since.toISOString(),
		}));
	}

	static status(entry: LobbyEntry): LobbyStatus {
		return { reason: entry.reason, position: entry.position };
	}

	/** Sends everyone away with `reason`. */
	close(reason: CloseReason): void {
		for (const entry of this.#entries.values()) {
			clearTimeout(entry.knockTimer);
			entry.connection.emit('session.closed', { reason });
			entry.connection.disconnect();
		}
		this.#entries.clear();
	}
}
