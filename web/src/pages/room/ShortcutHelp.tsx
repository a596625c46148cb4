/** The keyboard shortcuts, shown on `?` (or the help button); Escape or Close hides them. */
import { useEffect, useRef } from 'react';
import type { MessageKey } from '../../i18n/index.js';
import { useI18n } from '../../ui/I18n.js';

const SHORTCUTS: { key: string; what: MessageKey }[] = [
	{ key: 'M', what: 'shortcuts.mic' },
	{ key: 'V', what: 'shortcuts.camera' },
	{ key: 'H', what: 'shortcuts.hand' },
	{ key: 'D', what: 'shortcuts.debug' },
	{ key: '?', what: 'shortcuts.help' },
];

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
	const { t } = useI18n();
	const close = useRef<HTMLButtonElement>(null);
	useEffect(() => {
		close.current?.focus();
		const onKey = (event: KeyboardEvent) => {
			if (event.key === 'Escape') onClose();
		};
		window.addEventListener('keydown', onKey);
		return () => window.removeEventListener('keydown', onKey);
	}, [onClose]);
	return (
		<div className="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcut-help-heading">
			<h2 id="shortcut-help-heading">{t('shortcuts.heading')}</h2>
			<dl className="shortcuts">
				{SHORTCUTS.map(({ key, what }) => (
					<div key={key}><dt><kbd>{key}</kbd></dt><dd>{t(what)}</dd></div>
				))}
			</dl>
			<button ref={close} type="button" onClick={onClose}>{t('shortcuts.close')}</button>
		</div>
	);
}
