/** Short notices (someone joined or left, you were muted, something failed), announced to screen readers and dismissed after a while. */
import { useEffect } from 'react';
import type { RoomClient } from '../../room/RoomClient.js';
import type { Notice } from '../../room/roomState.js';
import { useI18n } from '../../ui/I18n.js';

const NOTICE_MS = 4000;
const NOTICE_TEXT = { joined: 'room.joined', left: 'room.left', mutedBy: 'room.mutedBy', handRaised: 'room.handRaised' } as const;

export function Toasts({ client, notices }: { client: RoomClient; notices: Notice[] }) {
	const { t } = useI18n();
	useEffect(() => {
		const timers = notices.map((notice) => setTimeout(() => client.dismissNotice(notice.id), NOTICE_MS));
		return () => timers.forEach(clearTimeout);
	}, [notices, client]);
	return (
		<div className="toasts" role="status" aria-live="polite">
			{notices.map((notice) => (
				<p key={notice.id}>{notice.kind === 'actionFailed'
					? t('room.actionFailed', { code: notice.code })
					: t(NOTICE_TEXT[notice.kind], { name: notice.name })}</p>
			))}
		</div>
	);
}
