/**
 * What this person's screen shows, told to the server: the videos on
 * screen and their tile heights in device pixels. The server pauses every
 * other video and gives each shown one the layer its tile needs; video
 * consumers are created here as their tiles first come on screen. Sent at
 * most every VIEW_INTERVAL_MS (the last view wins), at once for the first
 * view of a session (as soon as the UI has measured its tiles), and as
 * nothing while the tab is hidden.
 */
import type { MediaSession } from './MediaSession.js';
import { producerOf, type RoomState } from './roomState.js';

/** At most one view update per this many milliseconds: paging and resizing settle within a second. */
const VIEW_INTERVAL_MS = 250;

export interface ShownTile {
	participantId: string;
	isScreen?: boolean;
	/** In CSS pixels. */
	height: number;
}

export class ScreenView {
	readonly #media: MediaSession;
	readonly #state: () => RoomState;
	#shown: ShownTile[] = [];
	/** Whether the UI has measured and reported its tiles yet: before that, an empty view would only delay the first real one. */
	#reported = false;
	/** What the server was last told, as JSON; undefined when it must be told again. */
	#sent: string | undefined;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#closed = false;
	readonly #onVisibility = (): void => this.update(0);

	constructor(media: MediaSession, state: () => RoomState) {
		this.#media = media;
		this.#state = state;
		document.addEventListener('visibilitychange', this.#onVisibility);
	}

	/** The UI's tiles on screen now. */
	set(shown: ShownTile[]): void {
		this.#shown = shown;
		this.#reported = true;
		this.update(this.#sent === undefined ? 0 : VIEW_INTERVAL_MS);
	}

	/** A new session knows nothing yet: the next update tells it everything. */
	reset(): void {
		this.#sent = undefined;
	}

	/** Sends the view soon, e.g. because a producer came or went. */
	update(delay = VIEW_INTERVAL_MS): void {
		if (this.#timer || this.#closed) return;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			if (this.#state().phase === 'joined') this.#apply();
		}, delay);
	}

	/** Sends the view if it changed, then creates the consumers of video that came on screen (the view sets their layer). */
	#apply(): void {
		const state = this.#state();
		const hidden = document.visibilityState === 'hidden';
		if (!hidden && !this.#reported) return;
		const shown = hidden ? [] : this.#shown;
		const scale = window.devicePixelRatio || 1;
		const tiles = shown.flatMap(({ participantId, isScreen, height }) => {
			const participant = state.participants.find(({ id }) => id === participantId);
			const producer = participant && producerOf(participant, isScreen ? 'screen' : 'camera');
			return producer ? [{ producerId: producer.id, height: Math.round(height * scale) }] : [];
		});
		const key = JSON.stringify(tiles);
		if (key !== this.#sent) {
			this.#sent = key;
			this.#media.setView(tiles).catch(() => {
				// Refused (rate-limited) or the connection dropped: try again with whatever is on screen then.
				this.#sent = undefined;
				this.update();
			});
		}
		void this.#media.consume(tiles.map(({ producerId }) => producerId));
	}

	/** Idempotent. */
	close(): void {
		this.#closed = true;
		clearTimeout(this.#timer);
		document.removeEventListener('visibilitychange', this.#onVisibility);
	}
}
