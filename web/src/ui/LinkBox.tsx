/** A link shown as text for copying by hand; with `focus`, focused and selected so one keystroke copies it. */
import { useEffect, useRef } from 'react';

export function LinkBox({ label, value, hint, focus = true }: { label: string; value: string; hint?: string; focus?: boolean }) {
	const ref = useRef<HTMLInputElement>(null);
	useEffect(() => {
		if (!focus) return;
		ref.current?.focus();
		ref.current?.select();
	}, [value, focus]);
	return (
		<label className="link-box">
			<span>{hint ?? label}</span>
			<input ref={ref} readOnly value={value} aria-label={label} onFocus={(event) => event.target.select()} />
		</label>
	);
}
