/**
 * A browser visit's end-to-end encryption: the room's keys (shared/e2ee's
 * RoomKeys, which the load tool's bots follow too) and the module worker that
 * runs every frame transform of the page with them. Chat is sealed by the keys.
 */
import type { FrameKind } from '../../../../shared/e2ee/frames.js';
import { type KeyHolder, RoomKeys } from '../../../../shared/e2ee/RoomKeys.js';
import type { E2eeIdentityView, RelayedChatMessage } from '../../../../shared/protocol.js';
import type { FrameTransformOptions, FromFrameWorker, ToFrameWorker } from './workerProtocol.js';

export interface E2eeListener {
	/** Relays a box to one person (`e2ee.send`). */
	send(to: string, box: string): Promise<void>;
	/** Someone's identity was checked: verified, or not (they get no keys and show "Not verified"). */
	verified(participantId: string, verified: boolean): void;
	/** A key of theirs arrived: their video needs a key frame to show. */
	keyArrived(participantId: string): void;
	/** Whether someone's frames of a kind open. */
	decrypting(participantId: string, kind: FrameKind, ok: boolean): void;
}

export class E2eeSession {
	readonly #keys: RoomKeys;
	readonly #worker: Worker;

	static async create(secret: string, participantId: string, listener: E2eeListener): Promise<E2eeSession> {
		const worker = new Worker(new URL('./frameWorker.ts', import.meta.url), { type: 'module', name: 'e2ee-frames' });
		const post = (message: ToFrameWorker) => worker.postMessage(message);
		try {
			const keys = await RoomKeys.create(secret, participantId, {
				send: (to, box) => listener.send(to, box),
				verified: (id, verified) => listener.verified(id, verified),
				ownKey: (key) => post({ type: 'own', key: key.toMessage() }),
				peerKey: (id, key) => {
					post({ type: 'key', participantId: id, key: key.toMessage() });
					listener.keyArrived(id);
				},
				forget: (id) => post({ type: 'forget', participantId: id }),
			});
			return new E2eeSession(keys, worker, listener);
		} catch (error) {
			worker.terminate();
			throw error;
		}
	}

	private constructor(keys: RoomKeys, worker: Worker, listener: E2eeListener) {
		this.#keys = keys;
		this.#worker = worker;
		worker.onmessage = ({ data }: MessageEvent<FromFrameWorker>) => listener.decrypting(data.participantId, data.kind, data.ok);
	}

	get identity(): E2eeIdentityView {
		return this.#keys.identity;
	}

	/** Encrypts what this sender sends; set before the first frame (mediasoup-client's onRtpSender). */
	protectSender(sender: RTCRtpSender, kind: FrameKind): void {
		sender.transform = new RTCRtpScriptTransform(this.#worker, { side: 'send', kind } satisfies FrameTransformOptions);
	}

	/** Decrypts what this receiver gets from `participantId` (mediasoup-client's onRtpReceiver). */
	protectReceiver(receiver: RTCRtpReceiver, kind: FrameKind, participantId: string): void {
		receiver.transform = new RTCRtpScriptTransform(this.#worker, { side: 'receive', kind, participantId } satisfies FrameTransformOptions);
	}

	seated(participants: KeyHolder[]): Promise<void> {
		return this.#keys.seated(participants);
	}

	joined(participant: KeyHolder): Promise<void> {
		return this.#keys.joined(participant);
	}

	seen(participant: KeyHolder): Promise<void> {
		return this.#keys.seen(participant);
	}

	left(participantId: string): Promise<void> {
		return this.#keys.left(participantId);
	}

	received(from: string, box: string): Promise<void> {
		return this.#keys.received(from, box);
	}

	sealChat(text: string, to?: string): Promise<string> {
		return this.#keys.sealChat(text, to);
	}

	openChat(message: RelayedChatMessage & { box: string }): Promise<string | undefined> {
		return this.#keys.openChat(message);
	}

	close(): void {
		this.#keys.close();
		this.#worker.terminate();
	}
}
