/** The call's controls: microphone, camera, screen, hand and reactions, panels, invite, lock, host tools and leave. */
import { useState } from 'react';
import type { MessageKey } from '../../i18n/index.js';
import { Reaction } from '../../../../shared/schemas.js';
import type { RoomClient } from '../../room/RoomClient.js';
import { isModerator, type RoomState } from '../../room/roomState.js';
import { useI18n } from '../../ui/I18n.js';

export type Panel = 'chat' | 'participants' | 'settings' | 'invite';

/** Each reaction's accessible name. */
const REACTION_NAMES: Record<Reaction, MessageKey> = {
	'👍': 'reaction.thumbsUp', '❤️': 'reaction.heart', '😂': 'reaction.laugh', '👏': 'reaction.clap', '🎉': 'reaction.celebrate', '😮': 'reaction.surprised',
};

export function ControlBar({ client, state, panel, setPanel }: {
	client: RoomClient; state: RoomState; panel: Panel | null; setPanel: (panel: Panel | null) => void;
}) {
	const { t } = useI18n();
	const { local } = state;
	const moderator = isModerator(state.self);
	const toggle = (which: Panel) => setPanel(panel === which ? null : which);
	const [reactionsOpen, setReactionsOpen] = useState(false);
	const handRaised = state.hands.some(({ participantId }) => participantId === state.self?.id);
	return (
		<footer className="controls" aria-label={t('control.bar')}>
			<span className={`quality ${state.quality}`} role="img" aria-label={t(`room.quality.${state.quality}`)} title={t(`room.quality.${state.quality}`)} />
			{/* Buttons whose label says what they do next change their label; fixed-label toggles use aria-pressed. Never both. */}
			<button type="button" disabled={!local.micTrack} onClick={() => void client.setMicOn(!local.micOn)}>
				{local.micOn ? t('control.mute') : t('control.unmute')}
			</button>
			<button type="button" disabled={!local.cameraTrack} onClick={() => void client.setCameraOn(!local.cameraOn)}>
				{local.cameraOn ? t('control.cameraOff') : t('control.cameraOn')}
			</button>
			{'getDisplayMedia' in (navigator.mediaDevices ?? {}) && (
				<button type="button" onClick={() => void (local.screenTrack ? client.stopScreenShare() : client.startScreenShare())}>
					{local.screenTrack ? t('control.stopShare') : t('control.share')}
				</button>
			)}
			<button type="button" aria-pressed={handRaised} onClick={() => void client.setHandRaised(!handRaised)}>{t('control.raiseHand')}</button>
			<span className="reaction-menu">
				<button type="button" aria-expanded={reactionsOpen} aria-controls="reaction-picker" onClick={() => setReactionsOpen(!reactionsOpen)}>{t('control.reactions')}</button>
				{reactionsOpen && (
					<span id="reaction-picker" className="reaction-picker" role="group" aria-label={t('control.reactions')}>
						{Reaction.options.map((emoji) => (
							<button key={emoji} type="button" aria-label={t(REACTION_NAMES[emoji])} title={t(REACTION_NAMES[emoji])}
								onClick={() => void client.react(emoji)}>{emoji}</button>
						))}
					</span>
				)}
			</span>
			<button type="button" aria-pressed={panel === 'chat'} onClick={() => toggle('chat')}>
				{t('control.chat')}{' '}
				{state.unread > 0 && <span className="unread" aria-label={t('chat.unread', { count: state.unread })}>{state.unread}</span>}
			</button>
			<button type="button" aria-pressed={panel === 'participants'} onClick={() => toggle('participants')}>{t('control.participants')}</button>
			<button type="button" aria-pressed={panel === 'invite'} onClick={() => toggle('invite')}>{t('control.invite')}</button>
			{moderator && (
				<button type="button" onClick={() => void client.host.updateRoom({ locked: !state.settings?.locked })}>
					{state.settings?.locked ? t('control.unlock') : t('control.lock')}
				</button>
			)}
			{moderator && <button type="button" aria-pressed={panel === 'settings'} onClick={() => toggle('settings')}>{t('control.hostTools')}</button>}
			<button type="button" className="leave" onClick={() => void client.leave()}>{t('control.leave')}</button>
		</footer>
	);
}
