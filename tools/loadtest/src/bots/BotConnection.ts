/**
 * A participant without a browser, as far as signalling goes: a real
 * Socket.IO connection through the web app's own `SignalingClient`, a seat
 * asked for like the web app asks, what the server said to it, and plain SRTP
 * transports. Guests and hosts connect with a join token; the owner app's
 * ingest participants (the only kind allowed plain transports) through the
 * ingest API. `Bot` builds the load test's participant on it; tests use it as
 * it is.
 */
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { ConsumersCreated, E2eeIdentityView, JoinAnswer, JoinedRoom, ServerToClientEvents, TransportView } from '../../../../shared/protocol.js';
import type { RequestName, RequestPayload, ResponseData } from '../../../../shared/requests.js';
import type { RtpCapabilities, SrtpParameters } from '../../../../shared/schemas.js';
import { newSrtpParameters } from '../../../../shared/srtp.js';
import { SignalingClient } from '../../../../web/src/signaling/SignalingClient.js';
import { SignalingError } from '../../../../web/src/signaling/SignalingError.js';
import { OPUS_PAYLOAD_TYPE } from './BotMedia.js';
import { RtpStream, SrtpProtector } from './rtp.js';

/** Stands for an Opus frame in `sendAudio`; the SFU forwards payloads as they are. */
const OPUS_STAND_IN = Buffer.alloc(40, 0xf8);

export interface RecordedEvent {
	event: keyof ServerToClientEvents;
	payload: any;
}

/** How long signalling requests took, for the join-storm figures. */
export type RequestTimings = { request: RequestName; ms: number }[];

/** A seat in a room for the owner app's participant `name`: its token, id and signalling path (the ingest API). */
export async function ingestSeat(url: string, roomId: string, name: string, appToken: string): Promise<{ token: string; participantId: string; signalingPath: string }> {
	const response = await fetch(`${url}/api/v1/rooms/${roomId}/ingest`, {
		method: 'POST',
		headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ name }),
	});
	const body = await response.json() as { token?: string; participantId?: string; signalingPath?: string; error?: { code: string } };
	if (response.status !== 201 || !body.token || !body.participantId || !body.signalingPath) throw new Error(`ingest refused: ${response.status} ${body.error?.code ?? ''}`);
	return { token: body.token, participantId: body.participantId, signalingPath: body.signalingPath };
}

export class BotConnection {
	readonly signaling: SignalingClient;
	/** What the server said to this participant, when asked to record it (tests); a load run's bots keep nothing. */
	readonly events: RecordedEvent[] = [];
	readonly timings: RequestTimings = [];
	joined!: JoinedRoom;
	/** RTP packets that reached the receive socket of `receive`. */
	receivedPackets = 0;
	readonly #srtp = newSrtpParameters();
	#sendTimer: NodeJS.Timeout | undefined;
	#sendSocket: dgram.Socket | undefined;
	#recvSocket: dgram.Socket | undefined;
	#recvTransportId: string | undefined;
	/** The receive transport the join opened, until `openReceiver` connects it. */
	#joinedRecvTransport: TransportView | undefined;
	/** What this participant receives, sent with each consumer request (the join carries none). */
	#rtpCapabilities: RtpCapabilities | undefined;

	protected constructor(signaling: SignalingClient, options: { record: boolean }) {
		this.signaling = signaling;
		if (options.record) signaling.onAny((event, payload) => this.events.push({ event, payload }));
	}

	/**
	 * Connects with a join token (at the join's `path` on `url`, by default a server's own), records what it hears
	 * and, unless told otherwise, takes a seat (failing if put in the lobby).
	 */
	static async connect(url: string, token: string, options: { join?: boolean; path?: string } = {}): Promise<BotConnection> {
		const participant = new BotConnection(new SignalingClient(url, token, { reconnection: false, ...(options.path ? { path: options.path } : {}) }), { record: true });
		await participant.signaling.connect();
		if (options.join ?? true) {
			const result = await participant.join();
			if (result.status !== 'joined') throw new Error(`put in the lobby: ${JSON.stringify(result.lobby)}`);
		}
		return participant;
	}

	/** An ingest participant of the owner app (`appToken`), seated: the kind that may send and receive plain SRTP. */
	static async ingest(url: string, roomId: string, name: string, appToken: string): Promise<BotConnection> {
		const seat = await ingestSeat(url, roomId, name, appToken);
		return BotConnection.connect(url, seat.token, { path: seat.signalingPath });
	}

	/** A signalling request, timed. */
	protected async request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<ResponseData<K>> {
		const started = performance.now();
		const data = await this.signaling.request(name, payload);
		this.timings.push({ request: name, ms: performance.now() - started });
		return data;
	}

	/**
	 * Asks for a seat as the web app does, in one round trip: the router's capabilities come in the answer, and with
	 * `openReceiver` the plain receive transport too. With `wait`, a locked or full room puts this participant in the
	 * lobby instead of refusing. It receives what `receive` makes of the router's capabilities (by default all of
	 * them: every codec the room offers). In an end-to-end encrypted room, `e2ee` is this visit's identity
	 * (shared/e2ee's RoomKeys).
	 */
	async join(options: { wait?: boolean; receive?: (router: RtpCapabilities) => RtpCapabilities; e2ee?: E2eeIdentityView; openReceiver?: boolean } = {}):
		Promise<JoinAnswer> {
		const result = await this.request('room.join', {
			wait: options.wait ?? false, ...(options.openReceiver && { receive: 'plain' as const }), ...(options.e2ee && { e2ee: options.e2ee }),
		});
		this.#rtpCapabilities = options.receive ? options.receive(result.routerRtpCapabilities) : result.routerRtpCapabilities;
		this.#joinedRecvTransport = result.recvTransport;
		if (result.status === 'joined') this.joined = result.room;
		return result;
	}

	/** Waits in the lobby until a seat is given. */
	async admitted(timeoutMs = 5000): Promise<JoinedRoom> {
		this.joined = await this.waitFor('room.admitted', () => true, timeoutMs);
		return this.joined;
	}

	/** The most recent payload of a recorded event, if any. */
	last(event: keyof ServerToClientEvents): any {
		return this.events.findLast((recorded) => recorded.event === event)?.payload;
	}

	/** Resolves with the first recorded event matching, waiting up to `timeoutMs`. */
	async waitFor(event: keyof ServerToClientEvents, predicate: (payload: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const found = this.events.find((recorded) => recorded.event === event && predicate(recorded.payload));
			if (found) return found.payload;
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		throw new Error(`timed out waiting for ${event}`);
	}

	get id(): string {
		return this.joined.self.id;
	}

	/** What this participant receives (from the join's answer), sent with each consumer request. */
	get rtpCapabilities(): RtpCapabilities | undefined {
		return this.#rtpCapabilities;
	}

	/** The plain receive transport, once `receive` has made it. */
	get recvTransportId(): string | undefined {
		return this.#recvTransportId;
	}

	/** Produces an Opus stream over a plain SRTP transport and sends `packetsPerSecond` stand-in packets to the SFU. */
	async sendAudio(options: { ssrc?: number; packetsPerSecond?: number } = {}): Promise<string> {
		const ssrc = options.ssrc ?? crypto.randomInt(1, 0x7fff_ffff);
		const transport = await this.request('transport.create', { direction: 'send', type: 'plain' });
		await this.request('transport.connect', { transportId: transport.id, srtpParameters: this.#srtp });
		const { id } = await this.request('producer.create', {
			transportId: transport.id,
			kind: 'audio',
			source: 'mic',
			rtpParameters: {
				codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PAYLOAD_TYPE, clockRate: 48000, channels: 2 }],
				encodings: [{ ssrc }],
			},
		});
		const socket = dgram.createSocket('udp4');
		this.#sendSocket = socket;
		const stream = new RtpStream(ssrc, OPUS_PAYLOAD_TYPE, 48_000, new SrtpProtector(this.#srtp));
		let frame = 0;
		this.#sendTimer = setInterval(() => {
			socket.send(stream.packet(OPUS_STAND_IN, frame * 960, false), transport.port!, transport.ip!);
			frame++;
		}, 1000 / (options.packetsPerSecond ?? 50));
		return id;
	}

	stopSending(): void {
		clearInterval(this.#sendTimer);
	}

	/**
	 * The plain SRTP receive transport, aimed at `port` on loopback and keyed with `srtp`: the one the join opened,
	 * or a new one. Once per connection; returns its id.
	 */
	protected async openReceiver(port: number, srtp: SrtpParameters = this.#srtp): Promise<string> {
		if (this.#recvTransportId) return this.#recvTransportId;
		const transport = this.#joinedRecvTransport ?? await this.request('transport.create', { direction: 'recv', type: 'plain' });
		this.#joinedRecvTransport = undefined;
		await this.request('transport.connect', { transportId: transport.id, ip: '127.0.0.1', port, srtpParameters: srtp });
		this.#recvTransportId = transport.id;
		return transport.id;
	}

	/** Consumers of these producers on the receive transport, created paused (`resume` starts them), in one request. */
	async consume(producerIds: string[]): Promise<ConsumersCreated> {
		if (!this.#recvTransportId) throw new Error('no receive transport: openReceiver first');
		return this.request('consumer.createMany', { transportId: this.#recvTransportId, producerIds, rtpCapabilities: this.#rtpCapabilities! });
	}

	async resume(consumerIds: string[]): Promise<void> {
		await this.request('consumer.resumeMany', { consumerIds });
	}

	/** Consumes a producer over a plain SRTP receive transport and resumes it; packets arriving count in `receivedPackets`. */
	async receive(producerId: string): Promise<string> {
		if (!this.#recvSocket) {
			const socket = dgram.createSocket('udp4');
			socket.on('message', () => this.receivedPackets++);
			await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
			this.#recvSocket = socket;
		}
		await this.openReceiver((this.#recvSocket.address() as AddressInfo).port);
		const { consumers: [consumer], refused: [refusal] } = await this.consume([producerId]);
		// Refused as a request would be: the error carries the server's code.
		if (!consumer) throw new SignalingError(refusal!.error.code, refusal!.error.message);
		await this.resume([consumer.id]);
		return consumer.id;
	}

	close(): void {
		this.stopSending();
		this.#sendSocket?.close();
		this.#recvSocket?.close();
		this.signaling.close();
	}
}
