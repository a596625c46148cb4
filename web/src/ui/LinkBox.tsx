/** A link shown for copying by hand: focused and selected, so one keystroke copies it. */
import { useEffect, useRef } from 'react';

export function LinkBox({ label, value, hint }: { label: string; value: string; hint?: string }) {
	const ref = useRef<HTMLInputElement>(null);
	useEffect(() => {
		ref.current?.focus();
		ref.current?.select();
	}, [value]);
	return (
		<label className="link-box">
			<span>{hint ?? label}</span>
			<input ref={ref} readOnly value={value} aria-label={label} onFocus={(event) => event.target.select()} />
		</label>
	);
}
