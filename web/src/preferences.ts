/** This browser's choices for calls, kept across calls in localStorage: noise suppression (on unless turned off) and background blur. */
export interface CallPreferences {
	noiseSuppression: boolean;
	backgroundBlur: boolean;
}

const KEY = 'rooms.preferences';
const DEFAULTS: CallPreferences = { noiseSuppression: true, backgroundBlur: false };

export function callPreferences(): CallPreferences {
	try {
		const stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<CallPreferences>;
		return {
			noiseSuppression: typeof stored.noiseSuppression === 'boolean' ? stored.noiseSuppression : DEFAULTS.noiseSuppression,
			backgroundBlur: typeof stored.backgroundBlur === 'boolean' ? stored.backgroundBlur : DEFAULTS.backgroundBlur,
		};
	} catch {
		return { ...DEFAULTS };
	}
}

export function saveCallPreferences(change: Partial<CallPreferences>): void {
	localStorage.setItem(KEY, JSON.stringify({ ...callPreferences(), ...change }));
}
