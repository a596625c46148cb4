/**
 * Inviting people from inside the room: the Invite panel, and the card a
 * host sees while alone (as in Meet and Jitsi). Both show the link as text,
 * Copy, the browser's share sheet where there is one, and who the link lets
 * in now: everyone, or everyone who asks while the room is locked.
 */
import { X } from 'lucide-react';
import type { RoomSettingsView } from '../../../../shared/views.js';
import type { MessageKey } from '../../i18n/index.js';
import { useI18n } from '../../ui/I18n.js';
import { IconButton } from '../../ui/IconButton.js';
import { ShareLink } from '../../ui/ShareLink.js';

interface InviteProps {
	url: string;
	title: string;
	settings: RoomSettingsView | undefined;
	onClose: () => void;
}

/** What the link does today, from the room's live settings. */
function whoCanJoin(settings: RoomSettingsView | undefined): MessageKey {
	const signedIn = settings?.audience === 'signed-in';
	if (settings?.locked) return signedIn ? 'invite.signedInLocked' : 'invite.locked';
	return signedIn ? 'invite.signedIn' : 'invite.open';
}

export function InvitePanel({ url, title, settings, onClose }: InviteProps) {
	const { t } = useI18n();
	return (
		<aside className="panel" aria-label={t('invite.heading')}>
			<header><h2>{t('invite.heading')}</h2><IconButton icon={X} label={t('invite.close')} onClick={onClose} /></header>
			<p className="hint invite-who">{t(whoCanJoin(settings))}</p>
			<ShareLink url={url} title={title} />
		</aside>
	);
}

/** A host alone in the room: the link at hand, in its own row above the controls, until someone joins or the host hides it. */
export function AloneCard({ url, title, settings, onClose }: InviteProps) {
	const { t } = useI18n();
	return (
		<section className="alone-card" aria-labelledby="alone-heading">
			<header><h2 id="alone-heading">{t('invite.aloneHeading')}</h2><IconButton icon={X} label={t('invite.aloneClose')} onClick={onClose} /></header>
			<p className="hint invite-who">{t(whoCanJoin(settings))}</p>
			<ShareLink url={url} title={title} primary />
		</section>
	);
}
