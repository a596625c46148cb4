/**
 * The one table of Socket.IO requests: each name with its runtime schema
 * (what the server validates) and, as a type, its response. The client's
 * typed `request()`, the server's validation and the handler map are all
 * derived from it.
 */
import type { z } from 'zod';
import type {
	ConsumersCreated, IceServer, JoinAnswer, ModerationEvent, ParticipantView, RaisedHandView, RelayedChatMessage, RoomSettingsView, TransportView,
} from './views.js';
import * as S from './schemas.js';

/** A request's schema, carrying its response type for the type system only. */
export interface RequestSpec<Schema extends z.ZodType, Response> {
	schema: Schema;
	/** Never set: it only names the response type. */
	response?: Response;
}

function request<Response>() {
	return <Schema extends z.ZodType>(schema: Schema): RequestSpec<Schema, Response> => ({ schema });
}

type Empty = Record<string, never>;

export const REQUESTS = {
	'room.join': request<JoinAnswer>()(S.JoinRoomRequest),
	'room.leave': request<Empty>()(S.EmptyRequest),
	'session.refresh': request<{ token: string; iceServers: IceServer[] }>()(S.EmptyRequest),
	'transport.create': request<TransportView>()(S.CreateTransportRequest),
	'transport.connect': request<Empty>()(S.ConnectTransportRequest),
	'transport.restartIce': request<{ iceParameters: S.IceParameters }>()(S.TransportRequest),
	'producer.create': request<{ id: string }>()(S.ProduceRequest),
	'producer.pause': request<Empty>()(S.ProducerRequest),
	'producer.resume': request<Empty>()(S.ProducerRequest),
	'producer.close': request<Empty>()(S.ProducerRequest),
	/** A join's or a view's consumers at once: one round trip, not one per producer. */
	'consumer.createMany': request<ConsumersCreated>()(S.ConsumeManyRequest),
	'consumer.resumeMany': request<Empty>()(S.ConsumersRequest),
	'consumer.requestKeyFrame': request<Empty>()(S.KeyFrameRequest),
	'view.update': request<Empty>()(S.ViewRequest),
	'chat.send': request<RelayedChatMessage>()(S.ChatRequest),
	'hand.raise': request<{ hands: RaisedHandView[] }>()(S.EmptyRequest),
	'hand.lower': request<{ hands: RaisedHandView[] }>()(S.LowerHandRequest),
	'reaction.send': request<Record<string, never>>()(S.ReactionRequest),
	'media.health': request<Empty>()(S.MediaHealthRequest),
	'e2ee.send': request<Empty>()(S.E2eeSendRequest),
	// Host and co-host controls; the server checks the caller's live role.
	'room.update': request<RoomSettingsView>()(S.RoomSettingsPatch),
	'room.spotlight': request<{ participantId: string | null }>()(S.SpotlightRequest),
	'room.resetLink': request<{ code: string; inviteUrl: string; hostUrl?: string }>()(S.EmptyRequest),
	'room.end': request<Empty>()(S.EmptyRequest),
	'participant.remove': request<Empty>()(S.ParticipantRequest),
	'participant.mute': request<{ muted: boolean }>()(S.ParticipantRequest),
	'participant.muteAll': request<{ muted: number }>()(S.EmptyRequest),
	'participant.setRole': request<ParticipantView>()(S.SetRoleRequest),
	'lobby.admit': request<Empty>()(S.ParticipantRequest),
	'lobby.deny': request<Empty>()(S.ParticipantRequest),
	'moderation.events': request<{ events: ModerationEvent[] }>()(S.EmptyRequest),
};

export type RequestName = keyof typeof REQUESTS;
/** What the client sends. */
export type RequestPayload<K extends RequestName> = z.input<(typeof REQUESTS)[K]['schema']>;
/** What the server's handler receives, after validation (defaults applied). */
export type ValidRequest<K extends RequestName> = z.output<(typeof REQUESTS)[K]['schema']>;
export type ResponseData<K extends RequestName> = NonNullable<(typeof REQUESTS)[K]['response']>;
