import type { MessageKey } from '../i18n/index.js';
import { useI18n } from '../ui/I18n.js';

const KNOWN = ['INVITE_NOT_FOUND', 'INVITE_EXPIRED', 'ROOM_ENDED', 'ROOM_LOCKED', 'ROOM_FULL', 'SIGNED_IN_ONLY', 'AUTH_INVALID', 'REMOVED', 'DENIED',
	'E2EE_KEY_MISSING', 'E2EE_KEY_INVALID', 'E2EE_UNSUPPORTED'];

export interface ErrorScreenProps {
	code: string;
	message?: string;
	/** `link-reset` tells a reset link from a mistyped one. */
	reason?: string;
	/** What the person can do about it (ask to join, wait for a seat). */
	action?: { label: string; run: () => void };
	/** The room's title, when the link led to one. */
	title?: string;
}

/** A clear screen for each reason a link cannot be joined. */
export function ErrorScreen({ code, message, reason, action, title }: ErrorScreenProps) {
	const { t } = useI18n();
	const text = reason === 'link-reset' ? t('error.LINK_RESET')
		: KNOWN.includes(code) ? t(`error.${code}` as MessageKey) : t('error.generic', { message: message ?? code });
	return (
		<main className="page notice" data-error-code={code} data-error-reason={reason}>
			<h1>{title || t('app.name')}</h1>
			<p role="alert">{text}</p>
			{action && <button type="button" onClick={action.run}>{action.label}</button>}
			<a href="/">{t('error.backHome')}</a>
		</main>
	);
}
