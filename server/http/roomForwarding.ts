/**
 * On a node of a cluster, the API's requests about one room are answered by
 * the node holding it (routing/forwarding.ts): `/invites/:code…` by the code's
 * room, placed there first by a join, and the owner's `/rooms/:id…`. A room
 * placed nowhere is answered here; so is every request on a server of its own.
 */
import type { Request, RequestHandler } from 'express';
import { InviteCode } from '../../shared/schemas.js';
import type { Logger } from '../logger.js';
import { forward, isInternal } from './forwarding.js';
import type { RoomNode, RoomRouting } from '../routing/RoomRouting.js';

export interface RoomForwardingDeps {
	routing: RoomRouting;
	/** The id of the room an invite code opens, if any. */
	roomIdOfCode: (code: string) => Promise<string | undefined>;
	/** This node's id and the secret its forwarded requests are signed with; undefined on a server of its own. */
	cluster: { nodeId: string; clusterSecret: string } | undefined;
	logger: Logger;
}

function forwardWhenElsewhere(deps: RoomForwardingDeps, locate: (req: Request) => Promise<RoomNode | undefined>): RequestHandler {
	return async (req, res, next) => {
		if (!deps.cluster || isInternal(res)) return next();
		const node = await locate(req);
		if (!node || node.here) return next();
		await forward(req, res, node, deps.cluster, deps.logger);
	};
}

/** For `/invites/:code`: a join places the room (so it is answered where the person will connect); a look-up only finds it. */
export function forwardByCode(deps: RoomForwardingDeps): RequestHandler {
	return forwardWhenElsewhere(deps, async (req) => {
		const code = String(req.params.code);
		// A malformed code is answered here, as for any unknown one.
		if (!InviteCode.safeParse(code).success) return undefined;
		const roomId = await deps.roomIdOfCode(code);
		if (!roomId) return undefined;
		return req.method === 'POST' && req.path === '/join' ? deps.routing.place(roomId) : deps.routing.find(roomId);
	});
}

/** For the owner's `/rooms/:id…`, after the app's token is checked here. */
export function forwardByRoom(deps: RoomForwardingDeps): RequestHandler {
	return forwardWhenElsewhere(deps, (req) => deps.routing.find(String(req.params.id)));
}
