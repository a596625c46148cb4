/**
 * The typed Socket.IO connection to a room: requests with a timeout that
 * resolve with the ack's data or reject with a SignalingError carrying the
 * server's code, and typed subscriptions to what the server sends. The
 * socket itself stays inside. Used by the browser's room client and by test
 * tools.
 */
import { io, type Socket } from 'socket.io-client';
import { ErrorCode } from '../../../shared/errors.js';
import { SignalingError } from './SignalingError.js';
import { LIMITS } from '../../../shared/limits.js';
import type { Ack, ClientToServerEvents, LocateResponse, ServerEvents, ServerToClientEvents } from '../../../shared/protocol.js';
import type { RequestName, RequestPayload, ResponseData } from '../../../shared/requests.js';

export { SignalingError, errorCode } from './SignalingError.js';

export interface SignalingClientOptions {
	/** Per-request timeout in milliseconds. Default LIMITS.requestTimeoutMs. */
	requestTimeoutMs?: number;
	/** Let Socket.IO reconnect by itself after a drop. Default true. */
	reconnection?: boolean;
	/** Socket.IO's path on the server: the join's `signalingPath` (a cluster's node). Default `/socket.io`. */
	path?: string;
}

/** How many times one connect follows WRONG_NODE to another path: a room moves at most once while it is looked for. */
const MAX_NODE_MOVES = 2;

type ConnectError = Error & { data?: { code?: ErrorCode; signalingPath?: string } };

/** What happens to the connection itself. */
export interface ConnectionListener {
	/** The connection dropped; `byServer` when the server closed it (it said why first). */
	lost?(byServer: boolean): void;
	/** Socket.IO reconnected after a drop. */
	restored?(): void;
	/** The server refused a reconnect (an expired token, a reset link...): Socket.IO will not try again. */
	refused?(code: ErrorCode): void;
}

type Emitter = (event: string, payload: unknown) => Promise<unknown>;

export class SignalingClient {
	readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
	readonly #url: string;
	readonly #timeoutMs: number;
	/** A locate under way: reconnect failures while it runs do not start another. */
	#locating: Promise<void> | undefined;

	constructor(url: string, token: string, options: SignalingClientOptions = {}) {
		this.#url = url;
		this.#timeoutMs = options.requestTimeoutMs ?? LIMITS.requestTimeoutMs;
		this.#socket = io(url, {
			auth: { token },
			transports: ['websocket'],
			autoConnect: false,
			reconnection: options.reconnection ?? true,
			path: options.path ?? '/socket.io',
		});
	}

	/** Socket.IO's path now: where the room's node was last found. */
	get path(): string {
		return this.#socket.io.opts.path ?? '/socket.io';
	}

	/** The room is on another node: the next connection goes to its path. */
	#moveTo(path: string): void {
		this.#socket.io.opts.path = path;
	}

	/**
	 * Asks the service where the room is now (`POST /api/v1/locate`): its node
	 * may have died, and the room moved to another. The next connection goes
	 * there. A failure changes nothing: the connection attempt says why.
	 */
	locate(): Promise<void> {
		this.#locating ??= (async () => {
			try {
				const response = await fetch(`${this.#url}/api/v1/locate`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ token: this.token }),
					signal: AbortSignal.timeout(this.#timeoutMs),
				});
				const body = await response.json() as Partial<LocateResponse>;
				if (response.ok && body.signalingPath) this.#moveTo(body.signalingPath);
			} catch {
				// Unreachable for now: the next attempt asks again.
			} finally {
				this.#locating = undefined;
			}
		})();
		return this.#locating;
	}

	get connected(): boolean {
		return this.#socket.connected;
	}

	/** The token the next (re)connection uses. */
	get token(): string {
		return (this.#socket.auth as { token: string }).token;
	}

	/** Connects, following the room to its node; rejects with the server's code when the handshake is refused. */
	connect(): Promise<void> {
		let moves = 0;
		return new Promise((resolve, reject) => {
			const onConnect = () => {
				this.#socket.off('connect_error', onError);
				resolve();
			};
			const onError = (error: ConnectError) => {
				const path = error.data?.signalingPath;
				if (error.data?.code === ErrorCode.WRONG_NODE && path && moves++ < MAX_NODE_MOVES) {
					this.#moveTo(path);
					this.#socket.once('connect_error', onError);
					this.#socket.connect();
					return;
				}
				this.#socket.off('connect', onConnect);
				this.#socket.disconnect();
				reject(new SignalingError(error.data?.code ?? ErrorCode.UNAVAILABLE, error.message));
			};
			this.#socket.once('connect', onConnect);
			this.#socket.once('connect_error', onError);
			this.#socket.connect();
		});
	}

	/** Replaces the token used by the next (re)connection. */
	setToken(token: string): void {
		this.#socket.auth = { token };
	}

	on<E extends keyof ServerEvents>(event: E, listener: (payload: ServerEvents[E]) => void): void {
		// Socket.IO's on() cannot relate a generic event name to its listener; ServerEvents pairs them.
		(this.#socket.on as (name: string, handler: (payload: ServerEvents[E]) => void) => void)(event, listener);
	}

	/** Every event the server sends, in order (for test tools that record them). */
	onAny(listener: <E extends keyof ServerEvents>(event: E, payload: ServerEvents[E]) => void): void {
		this.#socket.onAny(listener);
	}

	onConnection(listener: ConnectionListener): void {
		this.#socket.on('disconnect', (reason) => listener.lost?.(reason === 'io server disconnect'));
		this.#socket.io.on('reconnect', () => listener.restored?.());
		// A refusal by the server's handshake stops Socket.IO's retries; a network failure does not.
		this.#socket.on('connect_error', (error: ConnectError) => {
			// Socket.IO tries again by itself; meanwhile, where is the room now? (Its node may be gone.)
			if (this.#socket.active) {
				void this.locate();
				return;
			}
			// A reconnect that reached a node not holding the room (it moved): try its node, once per refusal.
			const path = error.data?.signalingPath;
			if (error.data?.code === ErrorCode.WRONG_NODE && path && path !== this.path) {
				this.#moveTo(path);
				this.#socket.connect();
				return;
			}
			listener.refused?.(error.data?.code ?? ErrorCode.UNAVAILABLE);
		});
	}

	async request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<ResponseData<K>> {
		const response = await this.#emit(name, payload ?? {}) as Ack<ResponseData<K>>;
		if (!response.ok) throw new SignalingError(response.error.code, response.error.message);
		return response.data;
	}

	/**
	 * Sends what the protocol does not allow (any name, any payload) and
	 * resolves with the raw ack, or sends without an ack. For tests and tools
	 * that probe the server; the app never uses it.
	 */
	async sendUnchecked(name: string, payload: unknown, options: { ack: boolean } = { ack: true }): Promise<Ack<unknown> | undefined> {
		if (!options.ack) {
			(this.#socket.emit as (event: string, value: unknown) => void)(name, payload);
			return undefined;
		}
		return await this.#emit(name, payload) as Ack<unknown>;
	}

	async #emit(name: string, payload: unknown): Promise<unknown> {
		// The typed emit cannot see through the mapped event names; the request table guarantees the shapes.
		const emitter = this.#socket.timeout(this.#timeoutMs) as unknown as { emitWithAck: Emitter };
		try {
			return await emitter.emitWithAck(name, payload);
		} catch {
			throw new SignalingError(ErrorCode.TIMEOUT, `${name} timed out`);
		}
	}

	/**
	 * Cuts the connection the way a network failure does (the transport just
	 * closes, nobody says goodbye); Socket.IO then reconnects if it may. For
	 * tests and tools; the app never uses it.
	 */
	drop(): void {
		this.#socket.io.engine.close();
	}

	close(): void {
		this.#socket.disconnect();
	}
}
