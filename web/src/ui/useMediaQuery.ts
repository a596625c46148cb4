import { useSyncExternalStore } from 'react';

/** Whether a CSS media query matches now, following changes (rotating a phone, resizing a window). */
export function useMediaQuery(query: string): boolean {
	return useSyncExternalStore(
		(onChange) => {
			const list = window.matchMedia(query);
			list.addEventListener('change', onChange);
			return () => list.removeEventListener('change', onChange);
		},
		() => window.matchMedia(query).matches,
	);
}

/** A touch screen and no mouse: a phone or tablet, where keyboard shortcuts are not offered. */
export const TOUCH_ONLY = '(hover: none) and (pointer: coarse)';
/** A phone held upright (the stylesheet's phone width, taller than wide): one's own camera floats small. A short, wide window keeps its row of tiles. */
export const PHONE_PORTRAIT = '(max-width: 600px) and (orientation: portrait)';
