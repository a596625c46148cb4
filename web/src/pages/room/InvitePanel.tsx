/** Inviting people from inside the room: the link as text, Copy, and the browser's share sheet where there is one. */
import { X } from 'lucide-react';
import { ShareLink } from '../../ui/ShareLink.js';
import { useI18n } from '../../ui/I18n.js';
import { IconButton } from '../../ui/IconButton.js';

export function InvitePanel({ url, title, onClose }: { url: string; title: string; onClose: () => void }) {
	const { t } = useI18n();
	return (
		<aside className="panel" aria-label={t('invite.heading')}>
			<header><h2>{t('invite.heading')}</h2><IconButton icon={X} label={t('invite.close')} onClick={onClose} /></header>
			<p className="hint">{t('invite.hint')}</p>
			<ShareLink url={url} title={title} />
		</aside>
	);
}
