/**
 * Socket.IO signalling. The handshake carries a participant token; the room
 * comes from the token. Every request is validated, then handled, then acked
 * `{ ok: true, data }` or `{ ok: false, error }`; handlers never throw out.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { ErrorCode, type ErrorBody } from '../../shared/errors.js';
import type { Ack, ClientToServerEvents, RequestName, ServerToClientEvents } from '../../shared/protocol.js';
import type { ParticipantClaims, ParticipantTokens } from '../auth/participantTokens.js';
import { RoomsError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Room } from '../rooms/Room.js';
import type { RoomControl } from '../rooms/RoomControl.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import { HANDLERS, REQUEST_SCHEMAS, type SessionContext } from './handlers.js';

interface SocketData {
	claims: ParticipantClaims;
	room: Room;
}

type RoomsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SignalingDeps {
	manager: RoomManager;
	control: RoomControl;
	tokens: ParticipantTokens;
	metrics: Metrics;
	logger: Logger;
}

function toErrorBody(error: unknown, logger: Logger): ErrorBody {
	if (error instanceof RoomsError) return { code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) };
	// mediasoup rejects malformed RTP/DTLS parameters with TypeError.
	if (error instanceof TypeError) return { code: ErrorCode.INVALID_PAYLOAD, message: error.message };
	logger.error({ err: error }, 'signalling request failed');
	return { code: ErrorCode.MEDIA_ERROR, message: 'the media server could not do that' };
}

export function attachSignaling(httpServer: HttpServer, deps: SignalingDeps): Server {
	const { manager, control, tokens, metrics, logger } = deps;
	const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
		serveClient: false,
		maxHttpBufferSize: 64 * 1024,
		pingInterval: 10_000,
		pingTimeout: 10_000,
	});

	io.use(async (socket, next) => {
		try {
			const claims = tokens.verify(socket.handshake.auth?.token);
			const room = await manager.open(claims.rid);
			room.retain();
			socket.data = { claims, room };
			next();
		} catch (error) {
			const body = toErrorBody(error, logger);
			next(Object.assign(new Error(body.message), { data: body }));
		}
	});

	io.on('connection', (socket: RoomsSocket) => {
		const { claims, room } = socket.data;
		const log = room.logger.child({ participantId: claims.pid, socketId: socket.id });
		const ctx: SessionContext = {
			room,
			claims,
			tokens,
			control,
			connection: {
				emit: (event, ...args) => socket.emit(event, ...args),
				// Deferred so that an ack already on its way (e.g. for room.leave) goes out first.
				disconnect: () => setImmediate(() => socket.disconnect(true)),
			},
		};

		for (const name of Object.keys(HANDLERS) as RequestName[]) {
			socket.on(name, async (...args: unknown[]) => {
				const ack = args.at(-1);
				if (typeof ack !== 'function') return;
				const reply = ack as (response: Ack<unknown>) => void;
				let response: Ack<unknown>;
				const parsed = REQUEST_SCHEMAS[name].safeParse(args.length > 1 ? args[0] : undefined);
				if (!parsed.success) {
					const issue = parsed.error.issues[0]!;
					response = { ok: false, error: { code: ErrorCode.INVALID_PAYLOAD, message: `${issue.path.join('.')}: ${issue.message}` } };
				} else {
					try {
						log.debug({ request: name }, 'request');
						const handler = HANDLERS[name] as (c: SessionContext, p: unknown) => unknown;
						response = { ok: true, data: await handler(ctx, parsed.data) };
					} catch (error) {
						response = { ok: false, error: toErrorBody(error, log) };
					}
				}
				metrics.signalingRequests.inc({ request: name, result: response.ok ? 'ok' : response.error.code });
				reply(response);
			});
		}

		socket.on('disconnect', (reason) => {
			log.debug({ reason }, 'socket disconnected');
			room.disconnected(claims.pid, ctx.connection);
			room.release();
		});
	});

	return io;
}
