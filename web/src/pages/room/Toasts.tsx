import { useEffect, useRef } from 'react';
import type { RoomClient } from '../../room/RoomClient.js';
import type { Notice } from '../../room/roomState.js';
import { useI18n } from '../../ui/I18n.js';

const NOTICE_MS = 4000;
const NOTICE_TEXT = { joined: 'room.joined', left: 'room.left', removed: 'room.removed', mutedBy: 'room.mutedBy', handRaised: 'room.handRaised' } as const;
/** Kinds whose repeats on screen merge into one line ("3 people raised their hands"). */
const MERGED = { joined: 'room.joinedMany', left: 'room.leftMany', handRaised: 'room.handRaisedMany' } as const;
/** At most this many lines at a time, the newest: notices never pile up over the call. */
const SHOWN = 2;

/** Notices in order, with repeats of a mergeable kind gathered into the first of them. */
function grouped(notices: Notice[]): Notice[][] {
	const groups: Notice[][] = [];
	for (const notice of notices) {
		const same = notice.kind in MERGED && groups.find((group) => group[0]!.kind === notice.kind);
		if (same) same.push(notice);
		else groups.push([notice]);
	}
	return groups;
}

/**
 * Short notices (someone joined or left, you were muted, something failed), in
 * a place of their own above the control bar, covering no control and no
 * title; announced to screen readers and dismissed after a while.
 */
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
	// Each notice goes NOTICE_MS after it came, however many come after it.
	const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
	useEffect(() => {
		const current = new Set(notices.map(({ id }) => id));
		for (const { id } of notices) if (!timers.current.has(id)) timers.current.set(id, setTimeout(() => client.dismissNotice(id), NOTICE_MS));
		for (const [id, timer] of timers.current) {
			if (current.has(id)) continue;
			clearTimeout(timer);
			timers.current.delete(id);
		}
	}, [notices, client]);
	useEffect(() => () => timers.current.forEach(clearTimeout), []);
	const lines = grouped(notices).slice(-SHOWN).map((group) => {
		const first = group[0]!;
		const merged = group.length > 1 && first.kind in MERGED ? t(MERGED[first.kind as keyof typeof MERGED], { count: group.length }) : undefined;
		return { key: first.id, text: merged ?? text(first) };
	});
	return (
		<div className="toasts" role="status" aria-live="polite">
			{lines.map(({ key, text: line }) => <p key={key}>{line}</p>)}
		</div>
	);
}
