/**
 * The call's controls as one bar of icon buttons. The essentials are always
 * in the bar; on narrow screens the rest move into "More options", so a
 * 390 px phone keeps one row. Layout, devices and shortcuts are always there.
 */
import {
	Ellipsis, Hand, Keyboard, LayoutGrid, Lock, LockOpen, type LucideIcon, MessageSquare, Mic, MicOff, PhoneOff, ScreenShare, ScreenShareOff,
	Settings, SlidersHorizontal, SmilePlus, SquareUser, UserPlus, Users, Video, VideoOff,
} from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { MessageKey } from '../../i18n/index.js';
import { REACTIONS, type Reaction } from '../../../../shared/reactions.js';
import type { RoomClient } from '../../room/RoomClient.js';
import { isModerator, type RoomState } from '../../room/roomState.js';
import { useI18n } from '../../ui/I18n.js';
import { IconButton } from '../../ui/IconButton.js';
import { TOUCH_ONLY, useMediaQuery } from '../../ui/useMediaQuery.js';
import { usePopover } from '../../ui/usePopover.js';

export type Panel = 'chat' | 'participants' | 'host' | 'invite' | 'devices';

/** Narrower than this, the secondary controls move into the "More options" menu. */
const NARROW = '(max-width: 720px)';

/** Each reaction's accessible name. */
const REACTION_NAMES: Record<Reaction, MessageKey> = {
	'👍': 'reaction.thumbsUp', '❤️': 'reaction.heart', '😂': 'reaction.laugh', '👏': 'reaction.clap', '🎉': 'reaction.celebrate', '😮': 'reaction.surprised',
};

/** One control, shown as an icon button in the bar or as a labelled item in the menu. */
interface Control {
	key: string;
	icon: LucideIcon;
	label: string;
	/** For fixed-label toggles; controls whose label says what they do next leave it out. Never both. */
	pressed?: boolean;
	onClick: () => void;
}

export function ControlBar({ client, state, panel, setPanel, onHelp }: {
	client: RoomClient; state: RoomState; panel: Panel | null; setPanel: (panel: Panel | null) => void; onHelp: () => void;
}) {
	const { t } = useI18n();
	const { local } = state;
	const moderator = isModerator(state.self);
	const narrow = useMediaQuery(NARROW);
	const touch = useMediaQuery(TOUCH_ONLY);
	const [reactionsOpen, setReactionsOpen] = useState(false);
	const [menuOpen, setMenuOpen] = useState(false);
	const toggle = (which: Panel) => setPanel(panel === which ? null : which);
	const handRaised = state.hands.some(({ participantId }) => participantId === state.self?.id);
	const canShare = 'getDisplayMedia' in (navigator.mediaDevices ?? {});

	const secondary: Control[] = [
		...(canShare ? [{
			key: 'share', icon: local.screenTrack ? ScreenShareOff : ScreenShare, label: local.screenTrack ? t('control.stopShare') : t('control.share'),
			onClick: () => void (local.screenTrack ? client.local.stopScreenShare() : client.local.startScreenShare()),
		}] : []),
		{ key: 'hand', icon: Hand, label: t('control.raiseHand'), pressed: handRaised, onClick: () => void client.interactions.setHandRaised(!handRaised) },
		{ key: 'participants', icon: Users, label: t('control.participants'), pressed: panel === 'participants', onClick: () => toggle('participants') },
		{ key: 'invite', icon: UserPlus, label: t('control.invite'), pressed: panel === 'invite', onClick: () => toggle('invite') },
		...(moderator ? [
			{
				key: 'lock', icon: state.settings?.locked ? LockOpen : Lock, label: state.settings?.locked ? t('control.unlock') : t('control.lock'),
				onClick: () => void client.host.updateRoom({ locked: !state.settings?.locked }),
			},
			{ key: 'host', icon: Settings, label: t('control.hostTools'), pressed: panel === 'host', onClick: () => toggle('host') },
		] : []),
	];
	const menuOnly: Control[] = [
		state.layout === 'grid'
			? { key: 'layout', icon: SquareUser, label: t('control.speakerView'), onClick: () => client.setLayout('speaker') }
			: { key: 'layout', icon: LayoutGrid, label: t('control.gridView'), onClick: () => client.setLayout('grid') },
		{ key: 'devices', icon: SlidersHorizontal, label: t('control.devices'), pressed: panel === 'devices', onClick: () => toggle('devices') },
		// Keyboard shortcuts mean nothing on a touch screen without a keyboard.
		...(touch ? [] : [{ key: 'shortcuts', icon: Keyboard, label: t('shortcuts.heading'), onClick: onHelp }]),
	];
	const menu = narrow ? [...secondary, ...menuOnly] : menuOnly;
	const chatLabel = state.unread > 0 ? `${t('control.chat')} ${t('chat.unread', { count: state.unread })}` : t('control.chat');

	return (
		<footer className="controls" aria-label={t('control.bar')}>
			<span className={`quality ${state.quality}`} role="img" aria-label={t(`room.quality.${state.quality}`)} title={t(`room.quality.${state.quality}`)} />
			<IconButton icon={local.micOn ? Mic : MicOff} label={local.micOn ? t('control.mute') : t('control.unmute')} className={local.micOn ? '' : 'off'}
				disabled={!local.micTrack} onClick={() => void client.local.setMicOn(!local.micOn)} />
			<IconButton icon={local.cameraOn ? Video : VideoOff} label={local.cameraOn ? t('control.cameraOff') : t('control.cameraOn')}
				className={local.cameraOn ? '' : 'off'} disabled={!local.cameraTrack} onClick={() => void client.local.setCameraOn(!local.cameraOn)} />
			<span className="popover-anchor">
				<IconButton icon={SmilePlus} label={t('control.reactions')} aria-expanded={reactionsOpen} aria-controls="reaction-picker"
					onClick={() => setReactionsOpen(!reactionsOpen)} />
				{reactionsOpen && (
					<span id="reaction-picker" className="reaction-picker" role="group" aria-label={t('control.reactions')}>
						{REACTIONS.map((emoji) => (
							<button key={emoji} type="button" aria-label={t(REACTION_NAMES[emoji])} title={t(REACTION_NAMES[emoji])}
								onClick={() => void client.interactions.react(emoji)}>{emoji}</button>
						))}
					</span>
				)}
			</span>
			<IconButton icon={MessageSquare} label={chatLabel} aria-pressed={panel === 'chat'} onClick={() => toggle('chat')}
				extra={state.unread > 0 ? <span className="unread">{state.unread}</span> : undefined} />
			{!narrow && secondary.map(({ key, icon, label, pressed, onClick }) => (
				<IconButton key={key} icon={icon} label={label} aria-pressed={pressed} onClick={onClick} />
			))}
			<MoreMenu open={menuOpen} setOpen={setMenuOpen} label={t('control.more')} controls={menu} />
			<IconButton icon={PhoneOff} label={t('control.leave')} className="leave" onClick={() => void client.leave()} />
		</footer>
	);
}

/** "More options": a disclosure button and a list of labelled controls; Escape or a click elsewhere closes it. */
function MoreMenu({ open, setOpen, label, controls }: { open: boolean; setOpen: (open: boolean) => void; label: string; controls: Control[] }) {
	const { anchor, button } = usePopover(open, setOpen);
	return (
		<span className="popover-anchor" ref={anchor}>
			<IconButton ref={button} icon={Ellipsis} label={label} aria-expanded={open} aria-controls="more-menu" onClick={() => setOpen(!open)} />
			{open && (
				<span id="more-menu" className="more-menu" role="group" aria-label={label}>
					{controls.map(({ key, icon: Icon, label: name, pressed, onClick }) => (
						<button key={key} type="button" className="menu-item" aria-pressed={pressed} onClick={() => {
							setOpen(false);
							onClick();
						}}><Icon aria-hidden="true" focusable="false" /><span>{name}</span></button>
					))}
				</span>
			)}
		</span>
	);
}
