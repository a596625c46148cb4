/**
 * A participant without a browser: real signalling, and (for an ingest
 * participant, which the owner app creates) real SRTP over plain UDP
 * transports. Guests and hosts connect the same way but cannot use plain
 * transports. Used by integration tests.
 */
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { JoinedRoom, JoinResult, ServerToClientEvents } from '../../shared/protocol.js';
import { SignalingClient } from '../../web/src/signaling/SignalingClient.js';
import { newSrtpParameters } from '../../shared/srtp.js';
import { RtpStream, SrtpProtector } from '../../tools/loadtest/src/bots/rtp.js';
import { api } from './server.js';

const OPUS_PAYLOAD_TYPE = 100;
/** Stands for an Opus frame; the SFU forwards payloads as they are. */
const OPUS_STAND_IN = Buffer.alloc(40, 0xf8);

export interface RecordedEvent {
	event: keyof ServerToClientEvents;
	payload: any;
}

export class SyntheticParticipant {
	readonly signaling: SignalingClient;
	readonly events: RecordedEvent[] = [];
	joined!: JoinedRoom;
	/** RTP packets that reached this participant's receive socket. */
	receivedPackets = 0;
	#sendTimer: NodeJS.Timeout | undefined;
	#sendSocket: dgram.Socket | undefined;
	#recvSocket: dgram.Socket | undefined;
	#recvTransportId: string | undefined;
	readonly #srtp = newSrtpParameters();

	private constructor(signaling: SignalingClient) {
		this.signaling = signaling;
		signaling.onAny((event, payload) => this.events.push({ event, payload }));
	}

	/** Connects and, unless told otherwise, takes a seat (failing if it is put in the lobby). */
	static async connect(url: string, token: string, options: { join?: boolean } = {}): Promise<SyntheticParticipant> {
		const participant = new SyntheticParticipant(new SignalingClient(url, token, { reconnection: false }));
		await participant.signaling.connect();
		if (options.join ?? true) {
			const result = await participant.join();
			if (result.status !== 'joined') throw new Error(`put in the lobby: ${JSON.stringify(result.lobby)}`);
		}
		return participant;
	}

	/** An ingest participant of the owner app (`ownerToken`), seated: the kind that may send and receive plain SRTP. */
	static async ingest(url: string, roomId: string, name: string, ownerToken: string): Promise<SyntheticParticipant> {
		const response = await api(url, 'POST', `/api/v1/rooms/${roomId}/ingest`, { token: ownerToken, body: { name } });
		if (response.status !== 201) throw new Error(`ingest failed: ${JSON.stringify(response.body)}`);
		return SyntheticParticipant.connect(url, response.body.token);
	}

	/** Asks for a seat; with `wait`, a locked or full room puts this participant in the lobby instead of refusing. */
	async join(options: { wait?: boolean } = {}): Promise<JoinResult> {
		const { routerRtpCapabilities } = await this.signaling.request('room.capabilities', {});
		// The router's own capabilities: this participant can receive every codec the room offers.
		const result = await this.signaling.request('room.join', { rtpCapabilities: routerRtpCapabilities, wait: options.wait ?? false });
		if (result.status === 'joined') this.joined = result.room;
		return result;
	}

	/** Waits in the lobby until a seat is given. */
	async admitted(timeoutMs = 5000): Promise<JoinedRoom> {
		this.joined = await this.waitFor('room.admitted', () => true, timeoutMs);
		return this.joined;
	}

	/** The most recent payload of an event, if any. */
	last(event: keyof ServerToClientEvents): any {
		return this.events.findLast((recorded) => recorded.event === event)?.payload;
	}

	/** The plain receive transport, once `receive` has made it. */
	get recvTransportId(): string | undefined {
		return this.#recvTransportId;
	}

	get id(): string {
		return this.joined.self.id;
	}

	/** Produces an Opus stream and sends `packetsPerSecond` SRTP packets to the SFU. */
	async sendAudio(options: { ssrc?: number; packetsPerSecond?: number } = {}): Promise<string> {
		const ssrc = options.ssrc ?? crypto.randomInt(1, 0x7fff_ffff);
		const transport = await this.signaling.request('transport.create', { direction: 'send', type: 'plain' });
		await this.signaling.request('transport.connect', { transportId: transport.id, srtpParameters: this.#srtp });
		const { id } = await this.signaling.request('producer.create', {
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
		const intervalMs = 1000 / (options.packetsPerSecond ?? 50);
		this.#sendTimer = setInterval(() => {
			socket.send(stream.packet(OPUS_STAND_IN, frame * 960, false), transport.port!, transport.ip!);
			frame++;
		}, intervalMs);
		return id;
	}

	stopSending(): void {
		clearInterval(this.#sendTimer);
	}

	/** Consumes a producer over a plain SRTP receive transport and resumes it. */
	async receive(producerId: string): Promise<string> {
		if (!this.#recvTransportId) {
			const socket = dgram.createSocket('udp4');
			socket.on('message', () => this.receivedPackets++);
			await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
			this.#recvSocket = socket;
			const transport = await this.signaling.request('transport.create', { direction: 'recv', type: 'plain' });
			await this.signaling.request('transport.connect', {
				transportId: transport.id,
				ip: '127.0.0.1',
				port: (socket.address() as AddressInfo).port,
				srtpParameters: this.#srtp,
			});
			this.#recvTransportId = transport.id;
		}
		const consumer = await this.signaling.request('consumer.create', { transportId: this.#recvTransportId, producerId });
		await this.signaling.request('consumer.resume', { consumerId: consumer.id });
		return consumer.id;
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

	close(): void {
		this.stopSending();
		this.#sendSocket?.close();
		this.#recvSocket?.close();
		this.signaling.close();
	}
}

/** Polls until `check` returns true, or fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`timed out waiting for ${what}`);
}
