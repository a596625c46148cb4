/**
 * Who speaks in a room, from two of mediasoup's observers on every
 * microphone: the ActiveSpeakerObserver picks the dominant speaker (whom the
 * speaker view follows), and the AudioLevelObserver says who is audible now
 * (each tile's speaking indicator). Both report participant ids, and only
 * when something changed.
 */
import type { types } from 'mediasoup';
import type { Logger } from '../logger.js';

export interface SpeakerListener {
	/** The dominant speaker changed. */
	dominant(participantId: string): void;
	/** Who is audible now changed; empty when the room is silent. */
	speaking(participantIds: string[]): void;
}

/** How often the observers report, in milliseconds. */
const DOMINANT_INTERVAL_MS = 300;
const LEVEL_INTERVAL_MS = 400;
/** Audible: louder than this, in dBov (the RFC 6464 audio level browsers put on each packet). */
const SPEAKING_THRESHOLD_DBOV = -55;
/** At most this many speaking indicators at once: a room of 50 does not send 50 ids every interval. */
const MAX_SPEAKING = 8;

export class ActiveSpeaker {
	readonly #dominant: types.ActiveSpeakerObserver;
	readonly #levels: types.AudioLevelObserver;
	readonly #logger: Logger;

	static async create(router: types.Router, ownerOf: (producerId: string) => string | undefined,
		listener: SpeakerListener, logger: Logger): Promise<ActiveSpeaker> {
		const dominant = await router.createActiveSpeakerObserver({ interval: DOMINANT_INTERVAL_MS });
		const levels = await router.createAudioLevelObserver({ maxEntries: MAX_SPEAKING, threshold: SPEAKING_THRESHOLD_DBOV, interval: LEVEL_INTERVAL_MS });
		dominant.on('dominantspeaker', ({ producer }) => {
			const participantId = ownerOf(producer.id);
			if (participantId) listener.dominant(participantId);
		});
		let speaking = '';
		const report = (participantIds: string[]) => {
			const key = [...participantIds].sort().join(',');
			if (key === speaking) return;
			speaking = key;
			listener.speaking(participantIds);
		};
		levels.on('volumes', (volumes) => report(volumes.flatMap(({ producer }) => ownerOf(producer.id) ?? [])));
		levels.on('silence', () => report([]));
		return new ActiveSpeaker(dominant, levels, logger);
	}

	private constructor(dominant: types.ActiveSpeakerObserver, levels: types.AudioLevelObserver, logger: Logger) {
		this.#dominant = dominant;
		this.#levels = levels;
		this.#logger = logger;
	}

	/** Observes a microphone; a failure only costs the speaking indicators, so it is logged, not thrown. */
	async observe(producerId: string): Promise<void> {
		await Promise.all([this.#dominant, this.#levels].map((observer) => observer.addProducer({ producerId })
			.catch((error: unknown) => this.#logger.warn({ err: error, producerId }, 'could not observe the microphone'))));
	}
}
