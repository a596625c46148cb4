/**
 * Socket.IO signalling. The handshake carries a participant token; the room
 * comes from the token. Every request is validated with the protocol table's
 * schema, then handled, then acked `{ ok: true, data }` or
 * `{ ok: false, error }`; handlers never throw out. Domain errors keep their
 * code; anything else is our bug or a fault: it is logged with its stack and
 * answered INTERNAL, without its message.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { ErrorCode } from '../../shared/errors.js';
import { LIMITS } from '../../shared/limits.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';
import { REQUESTS, type RequestName } from '../../shared/requests.js';
import type { ParticipantClaims, ParticipantTokens } from '../auth/participantTokens.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { LiveRooms } from '../rooms/LiveRooms.js';
import type { RoomRouting } from '../routing/RoomRouting.js';
import type { Moderation } from '../services/Moderation.js';
import type { Room } from '../rooms/Room.js';
import { HANDLERS, type SessionContext, sessionLimits } from './handlers.js';
import type { ProxyTrust } from '../addresses.js';
import { clientAddress } from '../http/clientAddress.js';
import type { OriginCheck } from '../http/origins.js';
import type { IceServers } from '../media/IceServers.js';
import { closedDoor } from '../rooms/door.js';
import { KeyedBuckets } from './KeyedBuckets.js';
import { OrderedConnection } from './OrderedConnection.js';
import { toErrorBody } from './errorBody.js';
import { REQUEST_CLASS, requestCost, requestBuckets } from './requestClasses.js';

interface SocketData {
	claims: ParticipantClaims;
	room: Room;
}

type RoomsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SignalingDeps {
	liveRooms: LiveRooms;
	/** This node's Socket.IO path. */
	routing: Pick<RoomRouting, 'signalingPath'>;
	moderation: Moderation;
	tokens: ParticipantTokens;
	metrics: Metrics;
	logger: Logger;
	/** Socket.IO connections one IP address may open per minute (a burst of as many, then that steady rate). */
	connectionsPerIpPerMinute: number;
	/** Whether a browser page from this origin may connect. */
	originAllowed: OriginCheck;
	/** Each participant's ICE servers, with TURN credentials of their own. */
	iceServers: IceServers;
	/** Which peers are proxies trusted to name the client, as for HTTP. */
	trustProxy: ProxyTrust;
	/** Addresses this server's own sockets listen on or announce: never a plain transport's destination for a remote client. */
	ownAddresses: ReadonlySet<string>;
}

/** Validates, handles and answers one request; never throws. */
async function answer(name: RequestName, raw: unknown, ctx: SessionContext, log: Logger): Promise<Ack<unknown>> {
	const parsed = REQUESTS[name].schema.safeParse(raw);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		return { ok: false, error: { code: ErrorCode.INVALID_PAYLOAD, message: `${issue.path.join('.')}: ${issue.message}` } };
	}
	try {
		log.debug({ request: name }, 'request');
		// Each name's handler takes that name's validated payload; the table pairs them.
		const handler = HANDLERS[name] as (c: SessionContext, p: typeof parsed.data) => unknown;
		return { ok: true, data: await handler(ctx, parsed.data) };
	} catch (error) {
		return { ok: false, error: toErrorBody(error, log, { request: name }) };
	}
}

export function attachSignaling(httpServer: HttpServer, deps: SignalingDeps): Server {
	const { liveRooms, moderation, tokens, metrics, logger } = deps;
	const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
		path: deps.routing.signalingPath,
		serveClient: false,
		maxHttpBufferSize: 64 * 1024,
		pingInterval: 10_000,
		pingTimeout: 10_000,
		// Browsers apply no CORS to WebSockets: a page on another site could otherwise connect with a guest's token.
		allowRequest: (request, callback) => {
			const allowed = deps.originAllowed(request.headers.origin);
			if (!allowed) logger.warn({ origin: request.headers.origin }, 'refused a Socket.IO connection from another site');
			callback(allowed ? null : 'origin not allowed', allowed);
		},
	});

	const connectionsByIp = new KeyedBuckets(deps.connectionsPerIpPerMinute, deps.connectionsPerIpPerMinute / 60);
	const { burst, perSecond } = LIMITS.connectionsPerParticipant;
	const connectionsByParticipant = new KeyedBuckets(burst, perSecond);
	io.use(async (socket, next) => {
		try {
			// Before the token is even read: a flood of junk costs a map lookup.
			if (!connectionsByIp.take(clientAddress(socket.request, deps.trustProxy))) throw Errors.rateLimited('connections from this address');
			const claims = tokens.verify(socket.handshake.auth?.token);
			if (!connectionsByParticipant.take(claims.pid)) throw Errors.rateLimited('reconnects');
			// On a node of a cluster, a room held elsewhere is refused with WRONG_NODE and its path (LiveRooms' placement).
			const room = await liveRooms.open(claims.rid);
			room.retain();
			try {
				// A credential dies with its link and with its holder's removal, not at its expiry. Whether they may
				// join (a denial, a stopping server, the room's rules) is room.join's to say.
				const state = await room.door(claims);
				if (state === 'link-reset' || state === 'removed') throw closedDoor(state);
			} catch (error) {
				room.release();
				throw error;
			}
			socket.data = { claims, room };
			next();
		} catch (error) {
			const body = toErrorBody(error, logger, { stage: 'handshake' });
			next(Object.assign(new Error(body.message), { data: body }));
		}
	});

	io.on('connection', (socket: RoomsSocket) => {
		const { claims, room } = socket.data;
		const log = room.logger.child({ participantId: claims.pid, socketId: socket.id });
		const connection = new OrderedConnection({
			// Socket.IO's emit cannot relate a generic event name to its payload; ServerEvents pairs them.
			emit: (event, payload) => (socket.emit as (name: string, value: unknown) => boolean)(event, payload),
			// Deferred so that an ack already on its way (e.g. for room.leave) goes out first.
			disconnect: () => setImmediate(() => socket.disconnect(true)),
		});
		const ctx: SessionContext = {
			room, claims, tokens, moderation, connection, iceServers: deps.iceServers,
			remoteAddress: clientAddress(socket.request, deps.trustProxy),
			ownAddresses: deps.ownAddresses,
			limits: sessionLimits(),
		};

		const buckets = requestBuckets();
		for (const name of Object.keys(REQUESTS) as RequestName[]) {
			socket.on(name, async (...args: unknown[]) => {
				const ack = args.at(-1);
				if (typeof ack !== 'function') return;
				// Refused before validation or any work: a flood costs this connection's buckets, nothing else.
				if (!buckets[REQUEST_CLASS[name]].take(Date.now(), requestCost(args.length > 1 ? args[0] : undefined))) {
					metrics.signalingRequests.inc({ request: name, result: ErrorCode.RATE_LIMITED });
					(ack as (response: Ack<unknown>) => void)({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: `too many ${REQUEST_CLASS[name]} requests; slow down` } });
					return;
				}
				// The join's answer (the room as the person finds it) goes out before the events it causes.
				const ordered = name === 'room.join';
				if (ordered) connection.hold();
				try {
					const response = await answer(name, args.length > 1 ? args[0] : undefined, ctx, log);
					metrics.signalingRequests.inc({ request: name, result: response.ok ? 'ok' : response.error.code });
					(ack as (response: Ack<unknown>) => void)(response);
				} finally {
					if (ordered) connection.release();
				}
			});
		}

		socket.on('disconnect', (reason) => {
			log.debug({ reason }, 'socket disconnected');
			// The client closing its own socket means it left; anything else (a network drop, a ping timeout) may come back.
			room.disconnected(claims.pid, connection, reason !== 'client namespace disconnect');
			room.release();
		});
	});

	return io;
}
