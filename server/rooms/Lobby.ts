/**
 * The people waiting at a room's door, in arrival order: for the host to
 * arrive, for a host to let them in (knock), or for a seat (queue). The Room
 * decides with `admission()` and moves people from here to a seat.
 */
import type { types } from 'mediasoup';
import type { CloseReason } from '../../shared/errors.js';
import type { LobbyEntryView, LobbyStatus, WaitReason } from '../../shared/protocol.js';
import type { Role } from '../../shared/schemas.js';
import type { ParticipantClaims } from '../auth/participantTokens.js';
import type { ParticipantConnection } from './Participant.js';

export interface AdmissionState {
	/** A host (or a co-host who succeeded one) is seated. */
	hostPresent: boolean;
	locked: boolean;
	waitForHost: boolean;
}

/**
 * Where a person stands: seated now, or waiting and for what. Hosts skip the
 * door; a host's admission skips the lock; nobody skips the seat limit.
 */
export function admission(person: { role: Role; admitted: boolean }, state: AdmissionState, seatFree: boolean): WaitReason | 'seat' {
	if (person.role !== 'host' && !person.admitted) {
		// With no host in, nobody could answer a knock: wait for the host instead.
		if (!state.hostPresent && (state.waitForHost || state.locked)) return 'host';
		if (state.locked) return 'knock';
	}
	return seatFree ? 'seat' : 'queue';
}

export interface LobbyEntry {
	readonly claims: ParticipantClaims;
	readonly role: Role;
	readonly rtpCapabilities: types.RtpCapabilities;
	readonly connection: ParticipantConnection;
	readonly since: Date;
	/** A host let them in; they still need a seat. */
	admitted: boolean;
	reason: WaitReason;
	position: number;
	knockTimer?: NodeJS.Timeout;
}

export class Lobby {
	readonly #entries = new Map<string, LobbyEntry>();
	readonly #knockTimeoutMs: number;
	readonly #onKnockTimeout: (entry: LobbyEntry) => void;

	constructor(knockTimeoutMs: number, onKnockTimeout: (entry: LobbyEntry) => void) {
		this.#knockTimeoutMs = knockTimeoutMs;
		this.#onKnockTimeout = onKnockTimeout;
	}

	get size(): number {
		return this.#entries.size;
	}

	get(participantId: string): LobbyEntry | undefined {
		return this.#entries.get(participantId);
	}

	/** In arrival order. */
	entries(): LobbyEntry[] {
		return [...this.#entries.values()];
	}

	add(entry: LobbyEntry): void {
		this.#entries.set(entry.claims.pid, entry);
	}

	/** Takes the entry out (seated, turned away or gone), stopping its knock clock. */
	delete(entry: LobbyEntry): void {
		clearTimeout(entry.knockTimer);
		if (this.#entries.get(entry.claims.pid) === entry) this.#entries.delete(entry.claims.pid);
	}

	/** Records why the entry waits; returns whether that changed. A knock runs a clock; nothing else does. */
	update(entry: LobbyEntry, reason: WaitReason, position: number): boolean {
		if (entry.reason === reason && entry.position === position && (reason !== 'knock' || entry.knockTimer)) return false;
		if (reason === 'knock' && !entry.knockTimer) {
			entry.knockTimer = setTimeout(() => this.#onKnockTimeout(entry), this.#knockTimeoutMs);
		} else if (reason !== 'knock') {
			clearTimeout(entry.knockTimer);
			entry.knockTimer = undefined;
		}
		entry.reason = reason;
		entry.position = position;
		return true;
	}

	views(): LobbyEntryView[] {
		return this.entries().map((entry) => ({
			id: entry.claims.pid,
			name: entry.claims.name,
			...(entry.claims.identity ? { identity: entry.claims.identity } : {}),
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
