/**
 * On a node of a cluster, the API's requests about one room are answered by
 * the node holding it (forwarding.ts): `/invites/:code…` by the code's room,
 * placed there first by a join, and the owner's `/rooms/:id…`. A room placed
 * nowhere is answered here; so is every request on a server of its own. A
 * holder that does not answer is probed, and the room moves off it if it is
 * dead (RoomRouting.takeOver): a newcomer gets into a call whose node died.
 */
import type { Request, RequestHandler } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import { InviteCode } from '../../shared/schemas.js';
import { sendError } from './errorResponses.js';
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

function forwardWhenElsewhere(deps: RoomForwardingDeps, locate: (req: Request) => Promise<{ roomId: string; node: RoomNode | undefined } | undefined>): RequestHandler {
	return async (req, res, next) => {
		const { cluster } = deps;
		if (!cluster || isInternal(res)) return next();
		const sendTo = async (node: RoomNode) => {
			const answered = await forward(req, res, node, cluster, deps.logger);
			deps.routing.countForward(answered);
			return answered;
		};
		const found = await locate(req);
		let node = found?.node;
		if (!found || !node || node.here) return next();
		if (await sendTo(node)) return;
		node = await deps.routing.takeOver(found.roomId);
		if (node.here) return next();
		if (await sendTo(node)) return;
		sendError(res, ErrorCode.UNAVAILABLE, 'the server holding this room is not answering; try again in a moment');
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
		return { roomId, node: req.method === 'POST' && req.path === '/join' ? await deps.routing.place(roomId) : await deps.routing.find(roomId) };
	});
}

/** For the owner's `/rooms/:id…`, after the app's token is checked here. */
export function forwardByRoom(deps: RoomForwardingDeps): RequestHandler {
	return forwardWhenElsewhere(deps, async (req) => ({ roomId: String(req.params.id), node: await deps.routing.find(String(req.params.id)) }));
}
