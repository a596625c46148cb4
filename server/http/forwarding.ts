/**
 * HTTP requests about a room that lives on another node go to that node, and
 * its answer goes back to the caller unchanged: invite look-ups and joins, and
 * the owner app's controls. The caller's request travels as it came (its app
 * token is checked again there, by the same apps), under `/internal/v1`,
 * signed with the cluster secret over its method, path, time and body. A node
 * answers `/internal/v1` only when the signature holds, and never forwards
 * such a request again.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import { sendError } from './errorResponses.js';
import type { Logger } from '../logger.js';
import type { RoomNode } from '../routing/RoomRouting.js';

export const INTERNAL_PREFIX = '/internal/v1';
/** A signed request older or newer than this is refused: a copy cannot be played back later. */
const MAX_SKEW_MS = 30_000;
/** How long the room's node has to answer: above a store's wait, below a client's patience. */
const FORWARD_TIMEOUT_MS = 12_000;
/** The caller's headers that matter to the room's node; nothing else is passed on. */
const PASSED_HEADERS = ['content-type', 'authorization', 'origin', 'user-agent'];
const NODE_HEADER = 'x-rooms-node';
const TIME_HEADER = 'x-rooms-time';
const SIGNATURE_HEADER = 'x-rooms-signature';

/** The request's body as it came (express.json's `verify` keeps it), so the signature covers the very bytes. */
export function keepRawBody(req: IncomingMessage, _res: unknown, body: Buffer): void {
	(req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
}

const rawBodyOf = (req: Request): Buffer => (req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);

function signature(secret: string, method: string, path: string, time: string, body: Buffer): Buffer {
	return createHmac('sha256', secret).update(`${method}\n${path}\n${time}\n`).update(body).digest();
}

/** Whether this request came from another node (and so is answered here, never forwarded). */
export const isInternal = (res: Response): boolean => res.locals.internal === true;

/** Guards `/internal/v1`: a request without a valid, fresh signature is refused with 401. */
export function verifyInternal(clusterSecret: string, logger: Logger): RequestHandler {
	return (req, res, next) => {
		const time = req.header(TIME_HEADER) ?? '';
		const given = Buffer.from(req.header(SIGNATURE_HEADER) ?? '', 'base64url');
		const expected = signature(clusterSecret, req.method, req.originalUrl, time, rawBodyOf(req));
		const fresh = Math.abs(Date.now() - Number(time)) <= MAX_SKEW_MS;
		if (!fresh || given.length !== expected.length || !timingSafeEqual(given, expected)) {
			logger.warn({ from: req.header(NODE_HEADER), path: req.path, fresh }, 'refused an internal request whose signature does not hold');
			return sendError(res, ErrorCode.AUTH_INVALID, 'internal requests need a valid signature made with ROOMS_CLUSTER_SECRET');
		}
		res.locals.internal = true;
		next();
	};
}

/**
 * Sends the caller's request to the room's node and its answer back.
 * Resolves false, having sent nothing, when the node does not answer.
 */
export async function forward(req: Request, res: Response, node: RoomNode, from: { nodeId: string; clusterSecret: string }, logger: Logger): Promise<boolean> {
	// The same endpoint under the internal prefix (req.url would be relative to whichever router runs this).
	const path = `${INTERNAL_PREFIX}${req.originalUrl.replace(/^\/api\/v1(?=\/|\?|$)/, '')}`;
	const time = String(Date.now());
	const body = rawBodyOf(req);
	const headers: Record<string, string> = {
		[NODE_HEADER]: from.nodeId,
		[TIME_HEADER]: time,
		[SIGNATURE_HEADER]: signature(from.clusterSecret, req.method, path, time, body).toString('base64url'),
	};
	for (const name of PASSED_HEADERS) {
		const value = req.header(name);
		if (value !== undefined) headers[name] = value;
	}
	let answer: globalThis.Response;
	try {
		answer = await fetch(`${node.internalUrl}${path}`, {
			method: req.method,
			headers,
			...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
			redirect: 'manual',
			signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
		});
	} catch (error) {
		logger.warn({ err: error, nodeId: node.nodeId, path: req.path }, 'the room\'s node did not answer a forwarded request');
		return false;
	}
	res.status(answer.status);
	for (const name of ['content-type', 'retry-after']) {
		const value = answer.headers.get(name);
		if (value) res.setHeader(name, value);
	}
	res.send(Buffer.from(await answer.arrayBuffer()));
	return true;
}
