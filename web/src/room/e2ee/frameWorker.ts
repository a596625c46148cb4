/**
 * The frame worker of an end-to-end encrypted room: every RTCRtpScriptTransform
 * of the page runs here, so keys and frames never meet on the page's main
 * thread. Senders encrypt with this person's current key, and send nothing
 * before there is one; receivers decrypt with the sender's key of the
 * frame's generation and drop what does not open (a decoder fed ciphertext
 * makes noise), telling the page when someone's frames stop or start opening.
 */
import { decryptFrame, encryptFrame, type FrameKind, frameGeneration } from '../../../../shared/e2ee/frames.js';
import { KeyChain } from '../../../../shared/e2ee/KeyChain.js';
import { SenderKey } from '../../../../shared/e2ee/senderKey.js';
import type { FrameTransformOptions, FromFrameWorker, ToFrameWorker } from './workerProtocol.js';

/** The few parts of the worker's scope used here (the page's TypeScript knows the DOM, not workers). */
interface EncodedFrame { data: ArrayBuffer }
interface Transformer { readable: ReadableStream<EncodedFrame>; writable: WritableStream<EncodedFrame>; options: FrameTransformOptions }
interface FrameWorkerScope {
	onrtctransform: ((event: { transformer: Transformer }) => void) | null;
	onmessage: ((event: MessageEvent<ToFrameWorker>) => void) | null;
	postMessage(message: FromFrameWorker): void;
}
const scope = self as unknown as FrameWorkerScope;

/** How long someone's frames may fail to open before the page is told. */
const FAILING_AFTER_MS = 1000;

let own: SenderKey | undefined;
const chains = new Map<string, KeyChain>();

scope.onmessage = ({ data }) => {
	if (data.type === 'ping') {
		scope.postMessage({ type: 'pong' });
		return;
	}
	if (data.type === 'forget') {
		chains.delete(data.participantId);
		return;
	}
	void SenderKey.fromMessage(data.key).then((key) => {
		if (data.type === 'own') own = key;
		else {
			const chain = chains.get(data.participantId) ?? new KeyChain();
			chain.add(key);
			chains.set(data.participantId, chain);
		}
	});
};

/** Whether one sender's frames of one kind open, told to the page only when that changes. */
class Decrypting {
	#ok: boolean | undefined;
	#failingSince: number | undefined;

	constructor(private readonly participantId: string, private readonly kind: FrameKind) {}

	opened(ok: boolean): void {
		if (ok) {
			this.#failingSince = undefined;
			this.#tell(true);
			return;
		}
		const now = performance.now();
		this.#failingSince ??= now;
		if (now - this.#failingSince >= FAILING_AFTER_MS) this.#tell(false);
	}

	#tell(ok: boolean): void {
		if (this.#ok === ok) return;
		this.#ok = ok;
		scope.postMessage({ type: 'decrypting', participantId: this.participantId, kind: this.kind, ok });
	}
}

type FrameStep = (frame: EncodedFrame, controller: TransformStreamDefaultController<EncodedFrame>) => Promise<void>;

/**
 * A transform whose step threw has stopped its frames for good (the stream
 * errors): the page is told, starts the encryption afresh and joins again.
 */
function guarded(name: string, step: FrameStep): TransformStream<EncodedFrame, EncodedFrame> {
	return new TransformStream({
		async transform(frame, controller) {
			try {
				await step(frame, controller);
			} catch (error) {
				scope.postMessage({ type: 'failed', reason: `${name}: ${String(error)}` });
				throw error;
			}
		},
	});
}

function sending(kind: FrameKind): TransformStream<EncodedFrame, EncodedFrame> {
	return guarded(`sending ${kind}`, async (frame, controller) => {
		// No key yet: nothing leaves in clear.
		if (!own) return;
		frame.data = (await encryptFrame(new Uint8Array(frame.data), kind, own)).buffer;
		controller.enqueue(frame);
	});
}

function receiving(kind: FrameKind, participantId: string): TransformStream<EncodedFrame, EncodedFrame> {
	const decrypting = new Decrypting(participantId, kind);
	return guarded(`receiving ${kind} of ${participantId}`, async (frame, controller) => {
		const data = new Uint8Array(frame.data);
		if (data.length === 0) {
			controller.enqueue(frame);
			return;
		}
		const chain = chains.get(participantId);
		const generation = frameGeneration(data);
		const key = chain && generation !== undefined ? await chain.candidate(generation) : undefined;
		const opened = await decryptFrame(data, kind, () => key);
		decrypting.opened(opened.ok);
		if (!opened.ok) return;
		// A key derived forward that opened a frame is kept (KeyChain).
		if (key) chain!.add(key);
		frame.data = opened.frame.buffer;
		controller.enqueue(frame);
	});
}

scope.onrtctransform = ({ transformer }) => {
	const { side, kind, participantId } = transformer.options;
	const stream = side === 'send' ? sending(kind) : receiving(kind, participantId ?? '');
	// Ends quietly when its sender or receiver goes; a frame that threw was reported by `guarded`.
	void transformer.readable.pipeThrough(stream).pipeTo(transformer.writable).catch(() => undefined);
};
