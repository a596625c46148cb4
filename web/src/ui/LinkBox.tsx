/**
 * A link shown as text for copying by hand, whole: it wraps over as many
 * lines as it needs rather than hiding its end (where an encrypted room's key
 * is). With `focus`, focused and selected so one keystroke copies it.
 */
import { useEffect, useRef } from 'react';

export function LinkBox({ label, value, hint, focus = true }: { label: string; value: string; hint?: string; focus?: boolean }) {
	const ref = useRef<HTMLTextAreaElement>(null);
	useEffect(() => {
		if (!focus) return;
		ref.current?.focus();
		ref.current?.select();
	}, [value, focus]);
	return (
		<label className="link-box">
			<span>{hint ?? label}</span>
			<textarea ref={ref} readOnly rows={2} value={value} aria-label={label} onFocus={(event) => event.target.select()} />
		</label>
	);
}
