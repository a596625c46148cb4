/**
 * One person's seat in a live room: who they are, their live role, the
 * connection that reaches their client, and the media they own. Closing the
 * participant tells the client why and closes their media.
 */
import type { types } from 'mediasoup';
import { CloseReason } from '../../shared/errors.js';
import type { E2eeIdentityView, OwnerParticipantView, ParticipantView, ServerEvents } from '../../shared/protocol.js';
import type { Role } from '../../shared/schemas.js';
import type { ParticipantClaims } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { ParticipantMedia } from '../media/ParticipantMedia.js';

/** How the domain talks to a participant's client; Socket.IO implements it. */
export interface ParticipantConnection {
	emit<E extends keyof ServerEvents>(event: E, payload: ServerEvents[E]): void;
	disconnect(): void;
}

/** What a joining client brings: what it can receive and, in an end-to-end encrypted room, its identity. */
export interface JoiningClient {
	/** Left out by a client that loads the router's capabilities from the join's answer: it gives them with its first consumers. */
	rtpCapabilities?: types.RtpCapabilities;
	e2ee?: E2eeIdentityView;
}

export class Participant {
	readonly id: string;
	readonly name: string;
	/** The live role; co-hosts are appointed, and a co-host can succeed an absent host. */
	role: Role;
	/** Whether this person holds the owner's credentials (host link or owner app), whatever their live role. */
	readonly owner: boolean;
	readonly claims: ParticipantClaims;
	readonly identity: string | undefined;
	readonly appName: string | undefined;
	readonly joinedAt = new Date();
	readonly logger: Logger;
	/** What the client can receive; consumers are created only for codecs it supports. */
	#rtpCapabilities: types.RtpCapabilities | undefined;
	/** The same as JSON, made once, to compare capabilities given again. */
	#rtpCapabilitiesKey: string | undefined;
	readonly e2ee: E2eeIdentityView | undefined;
	readonly media: ParticipantMedia;
	readonly #connection: ParticipantConnection;
	/** The client says its audio and video cannot get through (media.health). */
	#mediaUnreachable = false;
	/** The signalling connection dropped; the seat is kept for a reconnect. */
	#dropped = false;
	#closed = false;

	constructor(claims: ParticipantClaims, role: Role, client: JoiningClient, connection: ParticipantConnection, logger: Logger) {
		this.id = claims.pid;
		this.name = claims.name;
		this.role = role;
		this.owner = claims.role === 'host';
		this.claims = claims;
		this.identity = claims.identity;
		this.appName = claims.appName;
		this.#rtpCapabilities = client.rtpCapabilities;
		this.e2ee = client.e2ee;
		this.#connection = connection;
		this.logger = logger.child({ participantId: this.id });
		this.media = new ParticipantMedia(this.id, Boolean(claims.ingest), {
			consumerOrphaned: (consumer) => this.send('consumer.closed', { consumerId: consumer.id, producerId: consumer.producerId }),
			consumerLayers: (consumer, layers) => this.send('consumer.layers', {
				consumerId: consumer.id, spatialLayer: layers?.spatialLayer ?? null, temporalLayer: layers?.temporalLayer ?? null,
			}),
		});
	}

	/**
	 * What the client receives: brought with the join or with its consumer
	 * requests (`given`). A session's device does not change: the same again
	 * is fine, different ones are refused rather than replacing the first.
	 */
	receives(given: types.RtpCapabilities | undefined): types.RtpCapabilities {
		if (given && this.#rtpCapabilities) {
			this.#rtpCapabilitiesKey ??= JSON.stringify(this.#rtpCapabilities);
			if (JSON.stringify(given) !== this.#rtpCapabilitiesKey) throw Errors.invalidPayload('rtpCapabilities differ from those this session gave before');
		}
		this.#rtpCapabilities ??= given;
		if (!this.#rtpCapabilities) throw Errors.invalidPayload('rtpCapabilities required: give them with room.join or the first consumer.createMany');
		return this.#rtpCapabilities;
	}

	get closed(): boolean {
		return this.#closed;
	}

	get isModerator(): boolean {
		return this.role === 'host' || this.role === 'cohost';
	}

	/** Whether this seat belongs to that signalling connection (and not to a newer session of the same person). */
	isOn(connection: ParticipantConnection): boolean {
		return this.#connection === connection && !this.#closed;
	}

	/** Whether the others should see this person's connection in trouble (see ParticipantView). */
	get connectionTrouble(): boolean {
		return this.#mediaUnreachable || this.#dropped;
	}

	/** The client's word on its media; true when that changes what the others see. */
	setMediaUnreachable(unreachable: boolean): boolean {
		const before = this.connectionTrouble;
		this.#mediaUnreachable = unreachable;
		return this.connectionTrouble !== before;
	}

	/** The signalling connection dropped (the seat is kept); true when that changes what the others see. */
	markDropped(): boolean {
		const before = this.connectionTrouble;
		this.#dropped = true;
		return this.connectionTrouble !== before;
	}

	/** What the others in the room see. */
	view(): ParticipantView {
		return {
			id: this.id,
			name: this.name,
			role: this.role,
			...(this.appName ? { appName: this.appName } : {}),
			joinedAt: this.joinedAt.toISOString(),
			...(this.connectionTrouble ? { connectionTrouble: true as const } : {}),
			...(this.e2ee ? { e2ee: this.e2ee } : {}),
		};
	}

	/** What the owner app sees through its API: the identity too. */
	ownerView(): OwnerParticipantView {
		return { ...this.view(), ...(this.identity ? { identity: this.identity } : {}) };
	}

	send<E extends keyof ServerEvents>(event: E, payload: ServerEvents[E]): void {
		if (!this.#closed) this.#connection.emit(event, payload);
	}

	/**
	 * Closes the participant's media (every transport, producer and consumer).
	 * The client is told why, then disconnected, unless it is already gone.
	 */
	close(reason: CloseReason): void {
		if (this.#closed) return;
		if (reason !== CloseReason.DISCONNECTED) {
			this.#connection.emit('session.closed', { reason });
			this.#connection.disconnect();
		}
		this.#closed = true;
		this.media.close();
		this.logger.info({ reason }, 'participant closed');
	}
}
