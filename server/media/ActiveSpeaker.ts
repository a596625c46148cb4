/**
 * Who is speaking loudest in a room, from mediasoup's AudioLevelObserver on
 * every microphone producer; silence is reported as no speaker.
 */
import type { types } from 'mediasoup';
import type { Logger } from '../logger.js';

export class ActiveSpeaker {
	readonly #observer: types.AudioLevelObserver;
	readonly #logger: Logger;

	static async create(router: types.Router, ownerOf: (producerId: string) => string | undefined,
		onChange: (participantId: string | null) => void, logger: Logger): Promise<ActiveSpeaker> {
		const observer = await router.createAudioLevelObserver({ maxEntries: 1, threshold: -60, interval: 800 });
		observer.on('volumes', ([loudest]) => {
			const participantId = loudest && ownerOf(loudest.producer.id);
			if (participantId) onChange(participantId);
		});
		observer.on('silence', () => onChange(null));
		return new ActiveSpeaker(observer, logger);
	}

	private constructor(observer: types.AudioLevelObserver, logger: Logger) {
		this.#observer = observer;
		this.#logger = logger;
	}

	/** Observes a microphone; a failure only costs the speaking indicator, so it is logged, not thrown. */
	async observe(producer: types.Producer): Promise<void> {
		await this.#observer.addProducer({ producerId: producer.id })
			.catch((error: unknown) => this.#logger.warn({ err: error, producerId: producer.id }, 'could not observe audio level'));
	}
}
