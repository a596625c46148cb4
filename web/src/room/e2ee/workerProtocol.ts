/** What the page and its frame worker (frameWorker.ts) tell each other. Keys travel as key messages (SenderKey.toMessage). */
import type { FrameKind } from '../../../../shared/e2ee/frames.js';

export type ToFrameWorker =
	/** Encrypt what is sent with this key from now on. */
	| { type: 'own'; key: Uint8Array }
	/** A key of someone else's, to decrypt what they send. */
	| { type: 'key'; participantId: string; key: Uint8Array }
	/** They left: their keys go. */
	| { type: 'forget'; participantId: string }
	/** Are you there? (answered with a pong; a worker that stops answering has died). */
	| { type: 'ping' };

export type FromFrameWorker =
	/** Whether someone's frames of one kind open now; told when that changes (after a second of failures, at once on success). */
	| { type: 'decrypting'; participantId: string; kind: FrameKind; ok: boolean }
	| { type: 'pong' }
	/** A transform broke: its frames no longer pass. */
	| { type: 'failed'; reason: string };

/** What each transform is told when it is attached (RTCRtpScriptTransform's options). */
export interface FrameTransformOptions {
	side: 'send' | 'receive';
	kind: FrameKind;
	/** Whose frames a receiver gets. */
	participantId?: string;
}
