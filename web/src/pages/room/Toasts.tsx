/** Short notices (someone joined or left, you were muted, something failed), announced to screen readers and dismissed after a while. */
import { useEffect } from 'react';
import type { RoomClient } from '../../room/RoomClient.js';
import type { Notice } from '../../room/roomState.js';
import { useI18n } from '../../ui/I18n.js';

const NOTICE_MS = 4000;
const NOTICE_TEXT = { joined: 'room.joined', left: 'room.left', removed: 'room.removed', mutedBy: 'room.mutedBy', handRaised: 'room.handRaised' } as const;

export function Toasts({ client, notices }: { client: RoomClient; notices: Notice[] }) {
	const { t } = useI18n();
	const text = (notice: Notice): string => {
		if (notice.kind === 'actionFailed') return t('room.actionFailed', { code: notice.code });
		if (notice.kind === 'unavailable') return t('devices.blurUnavailable');
		if (notice.kind === 'draining') return t('room.draining');
		if (notice.kind === 'lobby') return t(`lobby.${notice.reason}`, { name: notice.name });
		if (notice.kind === 'autoLocked') return t(notice.why === 'removal' ? 'room.lockedAfterRemoval' : 'room.lockedHostAway');
		if (notice.kind === 'chat') return t(notice.private ? 'chat.toastPrivate' : 'chat.toast', { name: notice.name, text: notice.text });
		return t(NOTICE_TEXT[notice.kind], { name: notice.name });
	};
	useEffect(() => {
		const timers = notices.map((notice) => setTimeout(() => client.dismissNotice(notice.id), NOTICE_MS));
		return () => timers.forEach(clearTimeout);
	}, [notices, client]);
	return (
		<div className="toasts" role="status" aria-live="polite">
			{notices.map((notice) => <p key={notice.id}>{text(notice)}</p>)}
		</div>
	);
}
