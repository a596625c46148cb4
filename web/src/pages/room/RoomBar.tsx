/**
 * The room's name and state, for everyone: open or locked, and how many are
 * in. Its heading takes the focus when the person gets in, so screen readers
 * start in the room.
 */
import { Lock } from 'lucide-react';
import { useEffect, useRef } from 'react';
import type { RoomState } from '../../room/roomState.js';
import { useI18n } from '../../ui/I18n.js';
import { TOUCH_ONLY, useMediaQuery } from '../../ui/useMediaQuery.js';

export function RoomBar({ state, onHelp }: { state: RoomState; onHelp: () => void }) {
	const touch = useMediaQuery(TOUCH_ONLY);
	const { t, roomTitle } = useI18n();
	const heading = useRef<HTMLHeadingElement>(null);
	useEffect(() => heading.current?.focus(), []);
	const people = state.participants.length + (state.self ? 1 : 0);
	const locked = Boolean(state.settings?.locked);
	return (
		<header className="room-bar">
			<h1 ref={heading} tabIndex={-1}>{state.settings ? roomTitle(state.settings) : t('app.name')}</h1>
			<p className="room-state">
				<span className={locked ? 'state-locked' : 'state-open'}>{locked ? t('roomState.locked') : t('roomState.open')}</span>
				{' · '}
				<span>{t('roomState.people', { count: people })}</span>
				{state.settings?.e2ee && <>{' · '}<span className="e2ee-badge"><Lock aria-hidden="true" /> {t('room.e2ee')}</span></>}
			</p>
			{!touch && <button type="button" className="help" aria-label={t('shortcuts.heading')} title={t('shortcuts.heading')} onClick={onHelp}>?</button>}
		</header>
	);
}
