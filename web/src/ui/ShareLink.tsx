/**
 * An invite link to pass on: shown as text, with Copy (which says so only
 * when the browser really copied, and otherwise selects the link to copy by
 * hand) and, where the browser has one (phones), its share sheet.
 */
import { useState } from 'react';
import { copyText } from './clipboard.js';
import { useI18n } from './I18n.js';
import { LinkBox } from './LinkBox.js';

/**
 * `label` names the link and `copyLabel` its Copy button (the invite link's by
 * default); `shareSheet: false` offers Copy only (a host link is not for a chat);
 * `primary` fills Copy, where passing the link on is the screen's main job.
 */
export function ShareLink({ url, title, label, copyLabel, shareSheet = true, primary = false }:
	{ url: string; title: string; label?: string; copyLabel?: string; shareSheet?: boolean; primary?: boolean }) {
	const { t } = useI18n();
	const [copy, setCopy] = useState<'copied' | 'manual' | null>(null);
	const canShare = shareSheet && typeof navigator.share === 'function';
	const copyLink = async () => setCopy((await copyText(url)) ? 'copied' : 'manual');
	const share = () => {
		// Dismissing the share sheet rejects; nothing to report.
		navigator.share({ title, text: t('share.text', { title }), url }).catch(() => undefined);
	};
	return (
		<div className="share-link">
			<LinkBox label={label ?? t('room.inviteLink')} value={url} hint={copy === 'manual' ? t('room.copyManually') : undefined} focus={copy === 'manual'} />
			<div className="share-actions">
				<button type="button" className={primary ? 'primary' : undefined} onClick={() => void copyLink()}>{copyLabel ?? t('control.copyLink')}</button>
				{canShare && <button type="button" onClick={share}>{t('share.button')}</button>}
			</div>
			<p role="status" className="hint">{copy === 'copied' ? t('room.linkCopied') : ''}</p>
		</div>
	);
}
