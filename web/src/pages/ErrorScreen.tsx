import type { MessageKey } from '../i18n/index.js';
import { useI18n } from '../ui/I18n.js';

const KNOWN = ['INVITE_NOT_FOUND', 'ROOM_ENDED', 'ROOM_LOCKED', 'ROOM_FULL', 'SIGNED_IN_ONLY', 'AUTH_INVALID'];

/** A clear screen for each reason a link cannot be joined. */
export function ErrorScreen({ code, message }: { code: string; message?: string }) {
	const { t } = useI18n();
	const text = KNOWN.includes(code) ? t(`error.${code}` as MessageKey) : t('error.generic', { message: message ?? code });
	return (
		<main className="page notice" data-error-code={code}>
			<h1>{t('app.name')}</h1>
			<p role="alert">{text}</p>
			<a href="/">{t('error.backHome')}</a>
		</main>
	);
}
