/**
 * What tells a host that someone knocked when they may not be looking: a
 * short two-note chime, and a browser notification while the tab is hidden.
 * Permission for notifications is asked at the first knock, when the reason
 * is plain, never on page load. Where notifications are refused or missing,
 * the chime and the lobby card are all there is; nothing pretends otherwise.
 */

let audio: AudioContext | undefined;

/** Two short notes, quiet: a knock, not an alarm. */
function chime(): void {
	try {
		audio ??= new AudioContext();
		const start = audio.currentTime;
		for (const [offset, frequency] of [[0, 880], [0.14, 660]] as const) {
			const tone = audio.createOscillator();
			const gain = audio.createGain();
			tone.frequency.value = frequency;
			gain.gain.setValueAtTime(0.08, start + offset);
			gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.12);
			tone.connect(gain).connect(audio.destination);
			tone.start(start + offset);
			tone.stop(start + offset + 0.12);
		}
	} catch {
		// No audio output here: the card and the notice still show.
	}
}

let asked = false;

/** Someone knocked: the chime, and a notification if the tab is hidden and notifications are allowed. */
export function knocked(text: string, roomTitle: string): void {
	chime();
	if (typeof Notification !== 'function') return;
	if (Notification.permission === 'default' && !asked) {
		asked = true;
		void Notification.requestPermission().catch(() => undefined);
	}
	if (document.visibilityState !== 'hidden' || Notification.permission !== 'granted') return;
	const notification = new Notification(text, { body: roomTitle, tag: 'rooms-knock' });
	notification.onclick = () => {
		window.focus();
		notification.close();
	};
}
