/**
 * The typed Socket.IO connection to a room: requests with a timeout that
 * resolve with the ack's data or reject with a SignalingError carrying the
 * server's code. Used by the browser's room client and by test tools.
 */
import { io, type Socket } from 'socket.io-client';
import { ErrorCode } from '../../../shared/errors.js';
import { LIMITS } from '../../../shared/limits.js';
import type {
	Ack, ClientToServerEvents, RequestName, RequestPayload, ResponseData, ServerToClientEvents,
} from '../../../shared/protocol.js';

export class SignalingError extends Error {
	override name = 'SignalingError';
	constructor(readonly code: ErrorCode, message: string) {
		super(message);
	}
}

export interface SignalingClientOptions {
	/** Per-request timeout in milliseconds. Default LIMITS.requestTimeoutMs. */
	requestTimeoutMs?: number;
	/** Let Socket.IO reconnect by itself after a drop. Default true. */
	reconnection?: boolean;
}

export class SignalingClient {
	readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
	readonly #timeoutMs: number;

	constructor(url: string, token: string, options: SignalingClientOptions = {}) {
		this.#timeoutMs = options.requestTimeoutMs ?? LIMITS.requestTimeoutMs;
		this.socket = io(url, {
			auth: { token },
			transports: ['websocket'],
			autoConnect: false,
			reconnection: options.reconnection ?? true,
		});
	}

	/** Connects; rejects with the server's code when the handshake is refused. */
	connect(): Promise<void> {
		return new Promise((resolve, reject) => {
			const onConnect = () => {
				this.socket.off('connect_error', onError);
				resolve();
			};
			const onError = (error: Error & { data?: { code?: ErrorCode } }) => {
				this.socket.off('connect', onConnect);
				this.socket.disconnect();
				reject(new SignalingError(error.data?.code ?? ErrorCode.UNAVAILABLE, error.message));
			};
			this.socket.once('connect', onConnect);
			this.socket.once('connect_error', onError);
			this.socket.connect();
		});
	}

	/** Replaces the token used by the next (re)connection. */
	setToken(token: string): void {
		this.socket.auth = { token };
	}

	async request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<ResponseData<K>> {
		let response: Ack<ResponseData<K>>;
		try {
			// The typed emit cannot see through the mapped event names; the maps guarantee the shapes.
			const emitter = this.socket.timeout(this.#timeoutMs) as unknown as {
				emitWithAck(event: string, payload: unknown): Promise<Ack<ResponseData<K>>>;
			};
			response = await emitter.emitWithAck(name, payload ?? {});
		} catch {
			throw new SignalingError(ErrorCode.TIMEOUT, `${name} timed out`);
		}
		if (!response.ok) throw new SignalingError(response.error.code, response.error.message);
		return response.data;
	}

	close(): void {
		this.socket.disconnect();
	}
}
