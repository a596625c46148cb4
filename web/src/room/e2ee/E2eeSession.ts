/**
 * A browser visit's end-to-end encryption: the room's keys (shared/e2ee's
 * RoomKeys, which the load tool's bots follow too) and the module worker that
 * runs every frame transform of the page with them. Chat is sealed by the keys.
 */
import type { FrameKind } from '../../../../shared/e2ee/frames.js';
import { type KeyHolder, RoomKeys } from '../../../../shared/e2ee/RoomKeys.js';
import type { E2eeIdentityView, RelayedChatMessage } from '../../../../shared/protocol.js';
import type { FrameTransformOptions, FromFrameWorker, ToFrameWorker } from './workerProtocol.js';

/** How often the page checks that its frame worker is alive, and how long an unanswered check may wait. */
const WATCH_INTERVAL_MS = 1000;
const WORKER_SILENT_MS = 3000;

export interface E2eeListener {
	/** Relays a box to one person (`e2ee.send`). */
	send(to: string, box: string): Promise<void>;
	/** Someone's identity was checked: verified, or not (they get no keys and show "Not verified"). */
	verified(participantId: string, verified: boolean): void;
	/** A key of theirs arrived: their video needs a key frame to show. */
	keyArrived(participantId: string): void;
	/** Whether someone's frames of a kind open. */
	decrypting(participantId: string, kind: FrameKind, ok: boolean): void;
	/** The frame worker died or a transform broke: no frame passes until `restart()` and a join with the new identity. */
	failed(reason: string): void;
}

/** One frame worker and the keys it encrypts with; a restart replaces both. */
interface Engine {
	keys: RoomKeys;
	worker: Worker;
	watch: ReturnType<typeof setInterval>;
}

export class E2eeSession {
	readonly #secret: string;
	readonly #participantId: string;
	readonly #listener: E2eeListener;
	#engine!: Engine;
	#failed = false;
	#closed = false;

	static async create(secret: string, participantId: string, listener: E2eeListener): Promise<E2eeSession> {
		const session = new E2eeSession(secret, participantId, listener);
		session.#engine = await session.#start();
		return session;
	}

	private constructor(secret: string, participantId: string, listener: E2eeListener) {
		this.#secret = secret;
		this.#participantId = participantId;
		this.#listener = listener;
	}

	/** A new worker, and keys for a new visit (a new identity, whose boxes the others send afresh when it joins again). */
	async #start(): Promise<Engine> {
		const listener = this.#listener;
		const worker = new Worker(new URL('./frameWorker.ts', import.meta.url), { type: 'module', name: 'e2ee-frames' });
		const post = (message: ToFrameWorker) => worker.postMessage(message);
		let keys: RoomKeys;
		try {
			keys = await RoomKeys.create(this.#secret, this.#participantId, {
				send: (to, box) => listener.send(to, box),
				verified: (id, verified) => listener.verified(id, verified),
				ownKey: (key) => post({ type: 'own', key: key.toMessage() }),
				peerKey: (id, key) => {
					post({ type: 'key', participantId: id, key: key.toMessage() });
					listener.keyArrived(id);
				},
				forget: (id) => post({ type: 'forget', participantId: id }),
			});
		} catch (error) {
			worker.terminate();
			throw error;
		}
		// A worker the browser killed tells nothing: one that stops answering is taken for dead.
		let unanswered: number | undefined;
		const watch = setInterval(() => {
			if (unanswered !== undefined && performance.now() - unanswered >= WORKER_SILENT_MS) return this.#fail('the frame worker stopped answering');
			unanswered ??= performance.now();
			post({ type: 'ping' });
		}, WATCH_INTERVAL_MS);
		worker.onmessage = ({ data }: MessageEvent<FromFrameWorker>) => {
			if (data.type === 'pong') unanswered = undefined;
			else if (data.type === 'failed') this.#fail(data.reason);
			else listener.decrypting(data.participantId, data.kind, data.ok);
		};
		worker.onerror = (event) => this.#fail(`the frame worker failed: ${event.message}`);
		return { keys, worker, watch };
	}

	#fail(reason: string): void {
		if (this.#failed) return;
		this.#failed = true;
		this.#stop(this.#engine);
		this.#listener.failed(reason);
	}

	#stop(engine: Engine): void {
		clearInterval(engine.watch);
		engine.keys.close();
		engine.worker.terminate();
	}

	/** After a failure: a new worker and identity. The caller then joins again, so the others give keys to the new identity. */
	async restart(): Promise<void> {
		this.#stop(this.#engine);
		const engine = await this.#start();
		if (this.#closed) return this.#stop(engine);
		this.#engine = engine;
		this.#failed = false;
	}

	get identity(): E2eeIdentityView {
		return this.#engine.keys.identity;
	}

	/** Encrypts what this sender sends; set before the first frame (mediasoup-client's onRtpSender). */
	protectSender(sender: RTCRtpSender, kind: FrameKind): void {
		sender.transform = new RTCRtpScriptTransform(this.#engine.worker, { side: 'send', kind } satisfies FrameTransformOptions);
	}

	/** Decrypts what this receiver gets from `participantId` (mediasoup-client's onRtpReceiver). */
	protectReceiver(receiver: RTCRtpReceiver, kind: FrameKind, participantId: string): void {
		receiver.transform = new RTCRtpScriptTransform(this.#engine.worker, { side: 'receive', kind, participantId } satisfies FrameTransformOptions);
	}

	seated(participants: KeyHolder[]): Promise<void> {
		return this.#engine.keys.seated(participants);
	}

	joined(participant: KeyHolder): Promise<void> {
		return this.#engine.keys.joined(participant);
	}

	seen(participant: KeyHolder): Promise<void> {
		return this.#engine.keys.seen(participant);
	}

	left(participantId: string): Promise<void> {
		return this.#engine.keys.left(participantId);
	}

	received(from: string, box: string): Promise<void> {
		return this.#engine.keys.received(from, box);
	}

	sealChat(text: string, to?: string): Promise<string> {
		return this.#engine.keys.sealChat(text, to);
	}

	openChat(message: RelayedChatMessage & { box: string }): Promise<string | undefined> {
		return this.#engine.keys.openChat(message);
	}

	/** Idempotent. */
	close(): void {
		this.#closed = true;
		this.#failed = true;
		this.#stop(this.#engine);
	}
}
