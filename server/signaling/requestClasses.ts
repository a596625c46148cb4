/**
 * Every request belongs to a class with its own token bucket per connection,
 * so one client's flood is refused (RATE_LIMITED) before it reaches the room,
 * and a burst of one kind (a join creating its consumers) does not use up
 * another (chat). The table must name every request: a new one without a
 * class does not compile.
 */
import { LIMITS } from '../../shared/limits.js';
import type { RequestName } from '../../shared/requests.js';
import { TokenBucket } from './TokenBucket.js';

export type RequestClass = 'session' | 'media' | 'chat' | 'moderation' | 'presence' | 'e2ee';

export const REQUEST_CLASS = {
	'room.join': 'session',
	'room.leave': 'session',
	'session.refresh': 'session',
	'transport.create': 'media',
	'transport.connect': 'media',
	'transport.restartIce': 'media',
	'producer.create': 'media',
	'producer.pause': 'media',
	'producer.resume': 'media',
	'producer.close': 'media',
	'consumer.createMany': 'media',
	'consumer.resumeMany': 'media',
	'consumer.requestKeyFrame': 'media',
	'view.update': 'media',
	'chat.send': 'chat',
	'hand.raise': 'presence',
	'hand.lower': 'presence',
	'reaction.send': 'presence',
	'media.health': 'presence',
	'e2ee.send': 'e2ee',
	'room.update': 'moderation',
	'room.spotlight': 'moderation',
	'room.resetLink': 'moderation',
	'room.end': 'moderation',
	'participant.remove': 'moderation',
	'participant.mute': 'moderation',
	'participant.muteAll': 'moderation',
	'participant.setRole': 'moderation',
	'lobby.admit': 'moderation',
	'lobby.deny': 'moderation',
	'moderation.events': 'moderation',
} as const satisfies Record<RequestName, RequestClass>;

/**
 * What a request costs its class's bucket: one, or for a batch one per item, so
 * that batching is never a way around the limit. Read before validation: a
 * malformed batch costs one and is refused by its schema.
 */
export function requestCost(payload: unknown): number {
	if (typeof payload !== 'object' || payload === null) return 1;
	const { producerIds, consumerIds } = payload as { producerIds?: unknown; consumerIds?: unknown };
	const items = Array.isArray(producerIds) ? producerIds.length : Array.isArray(consumerIds) ? consumerIds.length : 1;
	return Math.max(1, items);
}

/** A connection's buckets, one per class. */
export function requestBuckets(): Record<RequestClass, TokenBucket> {
	const { requestLimits } = LIMITS;
	return {
		session: new TokenBucket(requestLimits.session.burst, requestLimits.session.perSecond),
		media: new TokenBucket(requestLimits.media.burst, requestLimits.media.perSecond),
		chat: new TokenBucket(requestLimits.chat.burst, requestLimits.chat.perSecond),
		moderation: new TokenBucket(requestLimits.moderation.burst, requestLimits.moderation.perSecond),
		presence: new TokenBucket(requestLimits.presence.burst, requestLimits.presence.perSecond),
		e2ee: new TokenBucket(requestLimits.e2ee.burst, requestLimits.e2ee.perSecond),
	};
}
