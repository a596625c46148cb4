/** A button that shows an SVG icon: its name is its accessible label, also shown as a tooltip on hover and keyboard focus (styles.css). */
import type { LucideIcon } from 'lucide-react';
import { type ComponentProps, type ReactNode, useState } from 'react';

export interface IconButtonProps extends Omit<ComponentProps<'button'>, 'aria-label' | 'children'> {
	icon: LucideIcon;
	label: string;
	/** Shown beside the icon, e.g. an unread count; hidden from screen readers (put it in `label`). */
	extra?: ReactNode;
}

export function IconButton({ icon: Icon, label, extra, className, ...rest }: IconButtonProps) {
	// Pressed, its tooltip goes until the pointer leaves: it would cover the menu or panel the press opened.
	const [tipDismissed, setTipDismissed] = useState(false);
	return (
		<button type="button" {...rest} className={`icon-button ${className ?? ''}`} aria-label={label} data-tip={label}
			data-tip-dismissed={tipDismissed || undefined}
			onPointerDown={(event) => {
				setTipDismissed(true);
				rest.onPointerDown?.(event);
			}}
			onPointerLeave={(event) => {
				setTipDismissed(false);
				rest.onPointerLeave?.(event);
			}}>
			<Icon aria-hidden="true" focusable="false" />
			{extra !== undefined && <span aria-hidden="true">{extra}</span>}
		</button>
	);
}
