/** A button that shows an SVG icon: its name is its accessible label, also shown as a tooltip on hover and keyboard focus. */
import type { LucideIcon } from 'lucide-react';
import type { ComponentProps, ReactNode } from 'react';

export interface IconButtonProps extends Omit<ComponentProps<'button'>, 'aria-label' | 'children'> {
	icon: LucideIcon;
	label: string;
	/** Shown beside the icon, e.g. an unread count; hidden from screen readers (put it in `label`). */
	extra?: ReactNode;
}

export function IconButton({ icon: Icon, label, extra, className, ...rest }: IconButtonProps) {
	return (
		<button type="button" {...rest} className={`icon-button ${className ?? ''}`} aria-label={label} data-tip={label}>
			<Icon aria-hidden="true" focusable="false" />
			{extra !== undefined && <span aria-hidden="true">{extra}</span>}
		</button>
	);
}
