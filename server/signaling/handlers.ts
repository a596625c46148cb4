/**
 * One handler per request of the protocol table (shared/requests.ts). The
 * wrapper in SignalingServer validates the payload with the table's schema
 * first; handlers start with guard clauses (is the caller seated? does this
 * id belong to them?), act, and return the ack's data. They throw
 * RoomsError, never ack directly.
 */
import { nanoid } from 'nanoid';
import { CloseReason } from '../../shared/errors.js';
import { LIMITS } from '../../shared/limits.js';
import type { RaisedHandView, RelayedChatMessage } from '../../shared/protocol.js';
import type { RequestName, ResponseData, ValidRequest } from '../../shared/requests.js';
import type { ParticipantClaims, ParticipantTokens } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import { asMediasoup } from '../media/clientParameters.js';
import type { IceServers } from '../media/IceServers.js';
import { plainDestinationRefusal } from '../media/plainDestination.js';
import type { Actor } from '../services/ActivityFeed.js';
import { closedDoor } from '../rooms/door.js';
import type { Moderation } from '../services/Moderation.js';
import type { Participant, ParticipantConnection } from '../rooms/Participant.js';
import { authorityOf, may } from '../rooms/permissions.js';
import type { Room } from '../rooms/Room.js';
import { toErrorBody } from './errorBody.js';
import { TokenBucket } from './TokenBucket.js';

export interface SessionContext {
	room: Room;
	claims: ParticipantClaims;
	connection: ParticipantConnection;
	tokens: ParticipantTokens;
	moderation: Moderation;
	iceServers: IceServers;
	/** The address this connection comes from (behind a trusted proxy, the forwarded one): plain receive transports send only there. */
	remoteAddress: string;
	/** The server's own listen and announced addresses. */
	ownAddresses: ReadonlySet<string>;
	/** This session's rate limits for its frequent requests. */
	limits: { reactions: TokenBucket; hands: TokenBucket; spotlight: TokenBucket; view: TokenBucket; mediaHealth: TokenBucket; keyFrames: TokenBucket };
}

/** The session's buckets, fresh for each connection. */
export function sessionLimits(): SessionContext['limits'] {
	return {
		reactions: new TokenBucket(LIMITS.reactionBurst, LIMITS.reactionsPerSecond),
		hands: new TokenBucket(LIMITS.handBurst, LIMITS.handsPerSecond),
		spotlight: new TokenBucket(LIMITS.spotlightBurst, LIMITS.spotlightsPerSecond),
		view: new TokenBucket(LIMITS.viewBurst, LIMITS.viewsPerSecond),
		mediaHealth: new TokenBucket(LIMITS.mediaHealthBurst, LIMITS.mediaHealthPerSecond),
		keyFrames: new TokenBucket(LIMITS.keyFrameRequestBurst, LIMITS.keyFrameRequestsPerSecond),
	};
}

/** Tells everyone the new queue of hands, and answers it. */
function handsChanged(ctx: SessionContext, changed: boolean): { hands: RaisedHandView[] } {
	const hands = ctx.room.hands.views();
	if (changed) ctx.room.broadcast('hands.updated', { hands });
	return { hands };
}

/** What an end-to-end encrypted room's producers may send: VP8 or Opus, with retransmissions. */
const E2EE_CODECS = /^(video\/(VP8|rtx)|audio\/opus)$/i;

type Handler<K extends RequestName> = (ctx: SessionContext, payload: ValidRequest<K>) => Promise<ResponseData<K>> | ResponseData<K>;

/** The caller's own seat; a newer session of the same person (another tab) does not count. */
function joined(ctx: SessionContext): Participant {
	return ctx.room.participantOn(ctx.claims.pid, ctx.connection);
}

/** The caller as the actor of a host control; Moderation checks their live role, never a claim. */
function actor(ctx: SessionContext): Actor {
	return { kind: 'participant', participant: joined(ctx) };
}

export const HANDLERS: { [K in RequestName]: Handler<K> } = {
	'room.join': async (ctx, { rtpCapabilities, receive, wait, e2ee }) => {
		if (e2ee && !ctx.room.record.e2ee) throw Errors.invalidPayload('this room is not end-to-end encrypted: join without e2ee');
		// A reset link, or (while the server stops) anyone not already in the call, goes no further; a removal or a
		// denial is admission()'s to weigh. The door is read before the (synchronous) decision.
		const state = await ctx.room.door(ctx.claims);
		if (state === 'link-reset' || state === 'draining') throw closedDoor(state);
		if (ctx.room.seated(ctx.claims.pid)?.isOn(ctx.connection) || ctx.room.waiting(ctx.claims.pid)?.connection === ctx.connection) {
			throw Errors.alreadyJoined();
		}
		const client = { ...(rtpCapabilities ? { rtpCapabilities: asMediasoup.rtpCapabilities(rtpCapabilities) } : {}), ...(e2ee ? { e2ee } : {}) };
		const result = ctx.room.join(ctx.claims, client, ctx.connection, { wait, banned: state === 'removed' });
		const routerRtpCapabilities = ctx.room.media.rtpCapabilities;
		if (result.status !== 'joined' || !receive) return { ...result, routerRtpCapabilities };
		// The seat is taken whatever happens here: a transport that cannot be made now is asked for again (transport.create), and fails there with its reason.
		const participant = joined(ctx);
		const recvTransport = await ctx.room.media.createTransport(participant.media, 'recv', receive).catch((error: unknown) => {
			participant.logger.warn({ err: error }, 'could not open the receive transport with the join');
			return undefined;
		});
		return { ...result, routerRtpCapabilities, ...(recvTransport ? { recvTransport } : {}) };
	},

	'room.leave': (ctx) => {
		ctx.room.leave(joined(ctx), CloseReason.LEFT);
		return {};
	},

	'session.refresh': (ctx) => {
		joined(ctx);
		// Under the room's current link: a seated person keeps working across a reset.
		// TURN credentials are renewed with the token: each is short-lived.
		return { token: ctx.tokens.sign({ ...ctx.claims, code: ctx.room.record.code }), iceServers: ctx.iceServers.for(ctx.claims.pid) };
	},

	'transport.create': (ctx, { direction, type }) => {
		const participant = joined(ctx);
		return ctx.room.media.createTransport(participant.media, direction, type);
	},

	'transport.connect': async (ctx, { transportId, dtlsParameters, ip, port, srtpParameters }) => {
		const participant = joined(ctx);
		// Otherwise a token could point the server's media at anyone's address.
		const refused = ip === undefined ? undefined : plainDestinationRefusal(ip, ctx.remoteAddress, ctx.ownAddresses);
		if (refused) throw Errors.forbidden(refused);
		await ctx.room.media.connectTransport(participant.media, transportId, {
			...(dtlsParameters ? { dtlsParameters: asMediasoup.dtlsParameters(dtlsParameters) } : {}),
			...(ip ? { ip } : {}),
			...(port ? { port } : {}),
			...(srtpParameters ? { srtpParameters } : {}),
		});
		return {};
	},

	'transport.restartIce': (ctx, { transportId }) => ctx.room.media.restartIce(joined(ctx).media, transportId),

	'producer.create': (ctx, request) => {
		const participant = joined(ctx);
		// The frame format keeps clear only what VP8's and Opus's packetizers and the SFU read (shared/e2ee/frames.ts).
		if (ctx.room.record.e2ee && !request.rtpParameters.codecs.every(({ mimeType }) => E2EE_CODECS.test(mimeType))) {
			throw Errors.invalidPayload('an end-to-end encrypted room takes VP8 video and Opus audio only');
		}
		return ctx.room.media.produce(participant.media, { ...request, rtpParameters: asMediasoup.rtpParameters(request.rtpParameters) });
	},

	'producer.pause': async (ctx, { producerId }) => {
		await ctx.room.media.setProducerPaused(joined(ctx).media, producerId, true);
		return {};
	},

	'producer.resume': async (ctx, { producerId }) => {
		await ctx.room.media.setProducerPaused(joined(ctx).media, producerId, false);
		return {};
	},

	'producer.close': (ctx, { producerId }) => {
		ctx.room.media.closeProducer(joined(ctx).media, producerId);
		return {};
	},

	'consumer.createMany': async (ctx, { transportId, producerIds, rtpCapabilities }) => {
		const participant = joined(ctx);
		const receives = participant.receives(rtpCapabilities && asMediasoup.rtpCapabilities(rtpCapabilities));
		const { consumers, refused } = await ctx.room.media.consumeMany(participant.media, receives, transportId, producerIds);
		return { consumers, refused: refused.map(({ producerId, error }) => ({ producerId, error: toErrorBody(error, participant.logger, { request: 'consumer.createMany' }) })) };
	},

	'consumer.resumeMany': async (ctx, { consumerIds }) => {
		await ctx.room.media.resumeConsumers(joined(ctx).media, consumerIds);
		return {};
	},

	'consumer.requestKeyFrame': async (ctx, { consumerId }) => {
		const participant = joined(ctx);
		if (!ctx.limits.keyFrames.take()) throw Errors.rateLimited('key frame requests');
		await ctx.room.media.requestKeyFrame(participant.media, consumerId);
		return {};
	},

	'view.update': async (ctx, { tiles }) => {
		const participant = joined(ctx);
		if (!ctx.limits.view.take()) throw Errors.rateLimited('view updates');
		await ctx.room.media.applyView(participant.media, new Map(tiles.map(({ producerId, height }) => [producerId, height])));
		return {};
	},

	'chat.send': (ctx, { text, box, to }) => {
		const participant = joined(ctx);
		// An encrypted room's chat is sealed in the browsers: the server relays boxes and takes no text there, nor boxes elsewhere.
		if (ctx.room.record.e2ee !== (box !== undefined)) {
			throw Errors.invalidPayload(ctx.room.record.e2ee ? 'this room is end-to-end encrypted: send a box, not text' : 'send text: this room is not end-to-end encrypted');
		}
		const content = box === undefined ? { text: text! } : { box };
		const message: RelayedChatMessage = { id: nanoid(), participantId: participant.id, name: participant.name, ...content, sentAt: new Date().toISOString() };
		if (to === undefined) {
			ctx.room.broadcast('chat.message', message, participant.id);
			return message;
		}
		// Private: looked up among the seated, and sent to that one person only.
		const recipient = ctx.room.seated(to);
		if (!recipient || recipient.id === participant.id) throw Errors.notFound('participant');
		const privateMessage = { ...message, to: { id: recipient.id, name: recipient.name } };
		recipient.send('chat.message', privateMessage);
		return privateMessage;
	},

	'hand.raise': (ctx) => {
		const participant = joined(ctx);
		if (!ctx.limits.hands.take()) throw Errors.rateLimited('hand raises');
		return handsChanged(ctx, ctx.room.hands.raise(participant.id));
	},

	'hand.lower': (ctx, { participantId }) => {
		const participant = joined(ctx);
		if (!ctx.limits.hands.take()) throw Errors.rateLimited('hand changes');
		const whose = participantId ?? participant.id;
		// Anyone lowers their own hand; hosts and co-hosts lower others', as when calling on someone.
		if (whose !== participant.id && !may(authorityOf(participant), 'lower-hands')) {
			throw Errors.forbidden('only hosts and co-hosts can lower someone else\'s hand');
		}
		return handsChanged(ctx, ctx.room.hands.lower(whose));
	},

	'reaction.send': (ctx, { emoji }) => {
		const participant = joined(ctx);
		if (!ctx.limits.reactions.take()) throw Errors.rateLimited('reactions');
		ctx.room.broadcast('reaction', { participantId: participant.id, emoji });
		return {};
	},

	'media.health': (ctx, { unreachable }) => {
		const participant = joined(ctx);
		if (!ctx.limits.mediaHealth.take()) throw Errors.rateLimited('media health reports');
		ctx.room.mediaHealth(participant, unreachable);
		return {};
	},

	'e2ee.send': (ctx, { to, box }) => {
		const participant = joined(ctx);
		if (!ctx.room.record.e2ee) throw Errors.forbidden('this room is not end-to-end encrypted');
		const recipient = ctx.room.seated(to);
		if (!recipient || recipient.id === participant.id) throw Errors.notFound('participant');
		recipient.send('e2ee.message', { from: participant.id, box });
		return {};
	},

	'room.update': (ctx, patch) => ctx.moderation.update(ctx.room.id, actor(ctx), patch),

	'room.spotlight': (ctx, { participantId }) => {
		const participant = joined(ctx);
		if (!may(authorityOf(participant), 'spotlight')) throw Errors.forbidden('only hosts and co-hosts can spotlight someone for everyone');
		if (!ctx.limits.spotlight.take()) throw Errors.rateLimited('spotlight changes');
		ctx.room.setSpotlight(participantId);
		return { participantId };
	},

	'room.resetLink': async (ctx) => {
		const { record, inviteUrl, hostUrl } = await ctx.moderation.resetLink(ctx.room.id, actor(ctx));
		return { code: record.code, inviteUrl, ...(hostUrl ? { hostUrl } : {}) };
	},

	'room.end': async (ctx) => {
		await ctx.moderation.end(ctx.room.id, actor(ctx));
		return {};
	},

	'participant.remove': async (ctx, { participantId }) => {
		await ctx.moderation.remove(ctx.room.id, actor(ctx), participantId);
		return {};
	},

	'participant.mute': async (ctx, { participantId }) => ({ muted: await ctx.moderation.mute(ctx.room.id, actor(ctx), participantId) }),

	'participant.muteAll': async (ctx) => ({ muted: await ctx.moderation.muteAll(ctx.room.id, actor(ctx)) }),

	'participant.setRole': async (ctx, { participantId, role }) => (await ctx.moderation.setRole(ctx.room.id, actor(ctx), participantId, role)).view(),

	'lobby.admit': async (ctx, { participantId }) => {
		await ctx.moderation.answer(ctx.room.id, actor(ctx), participantId, true);
		return {};
	},

	'lobby.deny': async (ctx, { participantId }) => {
		await ctx.moderation.answer(ctx.room.id, actor(ctx), participantId, false);
		return {};
	},

	'moderation.events': async (ctx) => ({ events: await ctx.moderation.events(ctx.room.id, actor(ctx), 0, 500) }),
};
