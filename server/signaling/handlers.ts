/**
 * One handler per request. The wrapper in SignalingServer validates the
 * payload first; handlers authorize against the caller's own participant,
 * act, and return the ack's data. They throw RoomsError, never ack directly.
 */
import type { types } from 'mediasoup';
import { nanoid } from 'nanoid';
import { CloseReason } from '../../shared/errors.js';
import type { RequestName, ResponseData } from '../../shared/protocol.js';
import * as S from '../../shared/schemas.js';
import type { ParticipantClaims, ParticipantTokens } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { Participant, ParticipantConnection } from '../rooms/Participant.js';
import type { Room } from '../rooms/Room.js';
import type { Actor } from '../rooms/RoomActivity.js';
import type { RoomControl } from '../rooms/RoomControl.js';
import type { z } from 'zod';

export interface SessionContext {
	room: Room;
	claims: ParticipantClaims;
	connection: ParticipantConnection;
	tokens: ParticipantTokens;
	control: RoomControl;
}

export const REQUEST_SCHEMAS = {
	'room.capabilities': S.EmptyRequest,
	'room.join': S.JoinRoomRequest,
	'room.leave': S.EmptyRequest,
	'session.refresh': S.EmptyRequest,
	'transport.create': S.CreateTransportRequest,
	'transport.connect': S.ConnectTransportRequest,
	'transport.restartIce': S.TransportRequest,
	'producer.create': S.ProduceRequest,
	'producer.pause': S.ProducerRequest,
	'producer.resume': S.ProducerRequest,
	'producer.close': S.ProducerRequest,
	'consumer.create': S.ConsumeRequest,
	'consumer.resume': S.ConsumerRequest,
	'chat.send': S.ChatRequest,
	'room.update': S.RoomSettingsPatch,
	'room.resetLink': S.EmptyRequest,
	'room.end': S.EmptyRequest,
	'participant.remove': S.ParticipantRequest,
	'participant.mute': S.ParticipantRequest,
	'participant.muteAll': S.EmptyRequest,
	'participant.setRole': S.SetRoleRequest,
	'lobby.admit': S.ParticipantRequest,
	'lobby.deny': S.ParticipantRequest,
	'moderation.events': S.EmptyRequest,
} satisfies Record<RequestName, z.ZodType>;

type Handler<K extends RequestName> =
	(ctx: SessionContext, payload: z.output<(typeof REQUEST_SCHEMAS)[K]>) => Promise<ResponseData<K>> | ResponseData<K>;

/** The caller's own seat; a newer session of the same person (another tab) does not count. */
function joined(ctx: SessionContext): Participant {
	return ctx.room.participantOn(ctx.claims.pid, ctx.connection);
}

/** The caller as the actor of a host control; RoomControl checks their live role, never a claim. */
function actor(ctx: SessionContext): Actor {
	return { kind: 'participant', participant: joined(ctx) };
}

export const HANDLERS: { [K in RequestName]: Handler<K> } = {
	'room.capabilities': (ctx) => ({ routerRtpCapabilities: ctx.room.router.rtpCapabilities }),

	'room.join': (ctx, { rtpCapabilities, wait }) => {
		if (ctx.room.seated(ctx.claims.pid)?.isOn(ctx.connection) || ctx.room.isWaitingOn(ctx.claims.pid, ctx.connection)) {
			throw Errors.alreadyJoined();
		}
		ctx.control.assertNotBanned(ctx.room.id, ctx.claims);
		return ctx.room.join(ctx.claims, rtpCapabilities as types.RtpCapabilities, ctx.connection, wait);
	},

	'room.leave': (ctx) => {
		ctx.room.leave(joined(ctx), CloseReason.LEFT);
		return {};
	},

	'session.refresh': (ctx) => {
		joined(ctx);
		return { token: ctx.tokens.sign(ctx.claims) };
	},

	'transport.create': (ctx, { direction, type }) => ctx.room.createTransport(joined(ctx), direction, type),

	'transport.connect': async (ctx, { transportId, dtlsParameters, ip, port }) => {
		await ctx.room.connectTransport(joined(ctx), transportId, {
			...(dtlsParameters ? { dtlsParameters: dtlsParameters as types.DtlsParameters } : {}),
			...(ip ? { ip } : {}),
			...(port ? { port } : {}),
		});
		return {};
	},

	'transport.restartIce': (ctx, { transportId }) => ctx.room.restartIce(joined(ctx), transportId),

	'producer.create': (ctx, request) =>
		ctx.room.produce(joined(ctx), { ...request, rtpParameters: request.rtpParameters as types.RtpParameters }),

	'producer.pause': async (ctx, { producerId }) => {
		await ctx.room.setProducerPaused(joined(ctx), producerId, true);
		return {};
	},

	'producer.resume': async (ctx, { producerId }) => {
		await ctx.room.setProducerPaused(joined(ctx), producerId, false);
		return {};
	},

	'producer.close': (ctx, { producerId }) => {
		ctx.room.closeProducer(joined(ctx), producerId);
		return {};
	},

	'consumer.create': (ctx, { transportId, producerId }) => ctx.room.consume(joined(ctx), transportId, producerId),

	'consumer.resume': async (ctx, { consumerId }) => {
		await ctx.room.resumeConsumer(joined(ctx), consumerId);
		return {};
	},

	'chat.send': (ctx, { text }) => {
		const participant = joined(ctx);
		const message = { id: nanoid(), participantId: participant.id, name: participant.name, text, sentAt: new Date().toISOString() };
		ctx.room.broadcast('chat.message', message, participant.id);
		return message;
	},

	'room.update': (ctx, patch) => ctx.control.update(ctx.room.id, actor(ctx), patch),

	'room.resetLink': (ctx) => {
		const { record, inviteUrl, hostUrl } = ctx.control.resetLink(ctx.room.id, actor(ctx));
		return { code: record.code, inviteUrl, ...(hostUrl ? { hostUrl } : {}) };
	},

	'room.end': (ctx) => {
		ctx.control.end(ctx.room.id, actor(ctx));
		return {};
	},

	'participant.remove': (ctx, { participantId }) => {
		ctx.control.remove(ctx.room.id, actor(ctx), participantId);
		return {};
	},

	'participant.mute': async (ctx, { participantId }) => ({ muted: await ctx.control.mute(ctx.room.id, actor(ctx), participantId) }),

	'participant.muteAll': async (ctx) => ({ muted: await ctx.control.muteAll(ctx.room.id, actor(ctx)) }),

	'participant.setRole': (ctx, { participantId, role }) => ctx.control.setRole(ctx.room.id, actor(ctx), participantId, role).view(),

	'lobby.admit': (ctx, { participantId }) => {
		ctx.control.answer(ctx.room.id, actor(ctx), participantId, true);
		return {};
	},

	'lobby.deny': (ctx, { participantId }) => {
		ctx.control.answer(ctx.room.id, actor(ctx), participantId, false);
		return {};
	},

	'moderation.events': (ctx) => ({ events: ctx.control.events(ctx.room.id, actor(ctx), 0, 500) }),
};
