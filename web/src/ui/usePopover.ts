/**
 * A popover's rules, for menus opened by a button: on opening, focus goes to
 * its first item; Escape closes it and gives focus back to the button; a press
 * anywhere outside closes it.
 */
import { useEffect, useRef } from 'react';

export function usePopover(open: boolean, setOpen: (open: boolean) => void, firstItem = '.menu-item') {
	const anchor = useRef<HTMLSpanElement>(null);
	const button = useRef<HTMLButtonElement>(null);
	useEffect(() => {
		if (!open) return;
		anchor.current?.querySelector<HTMLButtonElement>(firstItem)?.focus();
		const onKey = (event: KeyboardEvent) => {
			if (event.key !== 'Escape') return;
			setOpen(false);
			button.current?.focus();
		};
		const onPointer = (event: PointerEvent) => {
			if (!anchor.current?.contains(event.target as Node)) setOpen(false);
		};
		window.addEventListener('keydown', onKey);
		document.addEventListener('pointerdown', onPointer);
		return () => {
			window.removeEventListener('keydown', onKey);
			document.removeEventListener('pointerdown', onPointer);
		};
	}, [open, setOpen, firstItem]);
	return { anchor, button };
}
