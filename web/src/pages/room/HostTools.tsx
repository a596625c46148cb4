/**
 * What hosts and co-hosts see and use in the room: requests to join, actions
 * on each person, and the room settings with the timeline. The server checks
 * every action against the caller's live role; these only ask, and a
 * refusal is shown as a notice (HostControls).
 */
import { Ellipsis, X } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { withRoomSecret } from '../../../../shared/links.js';
import { rememberRoomSecret, storedRoomSecret } from '../../roomSecrets.js';
import type { LobbyEntryView, ModerationEvent, ParticipantView } from '../../../../shared/protocol.js';
import type { RoomSettingsPatch } from '../../../../shared/schemas.js';
import { forgetHostKey, rememberHostLink } from '../../hostCredentials.js';
import type { MessageKey } from '../../i18n/index.js';
import type { RoomClient } from '../../room/RoomClient.js';
import type { RoomState } from '../../room/roomState.js';
import { copyText } from '../../ui/clipboard.js';
import { useI18n } from '../../ui/I18n.js';
import { LinkBox } from '../../ui/LinkBox.js';
import { Switch } from '../../ui/Switch.js';
import { useConfirm } from '../../ui/ConfirmDialog.js';
import { IconButton } from '../../ui/IconButton.js';
import { usePopover } from '../../ui/usePopover.js';
import { knocked } from '../../room/knockAlerts.js';

/** People at the door, with admit and deny for each. Shown whenever someone waits; each new knock chimes (and notifies a hidden tab). */
export function LobbyRequests({ client, entries, roomTitle }: { client: RoomClient; entries: LobbyEntryView[]; roomTitle: string }) {
	const { t } = useI18n();
	const known = useRef<Set<string> | undefined>(undefined);
	useEffect(() => {
		// Those already waiting when the host arrives are on the card; only knocks from now on chime.
		const arrived = known.current ? entries.filter(({ id }) => !known.current!.has(id)) : [];
		known.current = new Set(entries.map(({ id }) => id));
		for (const entry of arrived) knocked(t(`lobby.${entry.reason}`, { name: entry.name }), roomTitle);
	}, [entries, roomTitle, t]);
	if (entries.length === 0) return null;
	return (
		<section className="lobby" aria-label={t('lobby.heading', { count: entries.length })}>
			<h2>{t('lobby.heading', { count: entries.length })}</h2>
			<ul>
				{entries.map((entry) => (
					<li key={entry.id}>
						<span>{t(`lobby.${entry.reason}`, { name: entry.name })}{entry.appName && <span className="badge">{t('room.verified', { app: entry.appName })}</span>}</span>
						{/* Letting people in is what a host does most: Admit leads; Deny is plain, not a red alarm. */}
						<button type="button" className="primary" onClick={() => void client.host.admit(entry.id)}>{t('lobby.admit', { name: entry.name })}</button>
						<button type="button" onClick={() => void client.host.deny(entry.id)}>{t('lobby.deny', { name: entry.name })}</button>
					</li>
				))}
			</ul>
		</section>
	);
}

/**
 * Mute, co-host and remove for one person, as far as the viewer's role
 * allows: one menu button per row (fifty rows of red buttons would shout), and
 * removal asked again in the page.
 */
export function ParticipantActions({ client, self, participant }: { client: RoomClient; self: ParticipantView; participant: ParticipantView }) {
	const { t } = useI18n();
	const [open, setOpen] = useState(false);
	const { anchor, button } = usePopover(open, setOpen);
	const [dialog, ask] = useConfirm();
	const menuId = useId();
	// Nobody acts on a host here; co-hosts may act on guests and other co-hosts.
	if (participant.role === 'host' || self.role === 'guest') return null;
	const name = participant.name;
	const act = (action: () => unknown) => () => {
		setOpen(false);
		action();
	};
	const remove = async () => {
		if (await ask({ message: t('host.confirmRemove', { name }), confirm: t('host.removeConfirm') })) void client.host.remove(participant.id);
	};
	return (
		<span className="popover-anchor person" ref={anchor}>
			<IconButton ref={button} icon={Ellipsis} className="small" label={t('host.actionsFor', { name })} aria-expanded={open} aria-controls={menuId}
				onClick={() => setOpen(!open)} />
			{open && (
				<span id={menuId} className="more-menu person-menu" role="group" aria-label={t('host.actionsFor', { name })}>
					<button type="button" className="menu-item" onClick={act(() => void client.host.mute(participant.id))}>{t('host.mute', { name })}</button>
					<button type="button" className="menu-item" onClick={act(() => void client.host.setRole(participant.id, participant.role === 'cohost' ? 'guest' : 'cohost'))}>
						{participant.role === 'cohost' ? t('host.removeCohost', { name }) : t('host.makeCohost', { name })}
					</button>
					<button type="button" className="menu-item danger-text" onClick={act(() => void remove())}>{t('host.remove', { name })}</button>
				</span>
			)}
			{dialog}
		</span>
	);
}

function TimelineLine({ event }: { event: ModerationEvent }) {
	const { t } = useI18n();
	const time = new Date(event.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
	const subject = event.subject?.name ?? t('timeline.everyone');
	return <li><time dateTime={event.at}>{time}</time> {t(`timeline.${event.type}` as MessageKey, { actor: event.actor.name, subject })}</li>;
}

/** Who can join, the link, ending the room, and the timeline. */
export function RoomSettingsPanel({ client, state, onClose }: { client: RoomClient; state: RoomState; onClose: () => void }) {
	const { t } = useI18n();
	const [notice, setNotice] = useState<string>();
	const [hostUrl, setHostUrl] = useState<string>();
	/** The new invite link, shown to copy by hand when the browser would not copy it. */
	const [newLink, setNewLink] = useState<string>();
	const settings = state.settings;
	useEffect(() => {
		void client.host.loadTimeline();
	}, [client]);
	if (!settings) return null;
	const toggle = (patch: RoomSettingsPatch) => void client.host.updateRoom(patch);
	const reset = async () => {
		const oldCode = settings.code;
		const answer = await client.host.resetLink();
		if (!answer) return;
		// The host keeps their rights on the new link, and a reload lands on it; the old one is dead.
		forgetHostKey(oldCode);
		if (answer.hostUrl) rememberHostLink(answer.hostUrl);
		// An encrypted room keeps its key: it goes with the new link.
		const secret = storedRoomSecret(oldCode);
		if (secret) rememberRoomSecret(answer.code, secret);
		history.replaceState(null, '', new URL(answer.inviteUrl).pathname);
		const inviteUrl = withRoomSecret(answer.inviteUrl, secret);
		const copied = await copyText(inviteUrl);
		setNotice(copied ? t('host.linkReset') : t('host.linkResetNotCopied'));
		setNewLink(copied ? undefined : inviteUrl);
		setHostUrl(answer.hostUrl && withRoomSecret(answer.hostUrl, secret));
	};
	const [dialog, ask] = useConfirm();
	const end = async () => {
		if (await ask({ message: t('host.confirmEnd'), confirm: t('host.endConfirm') })) void client.host.endRoom();
	};
	return (
		<aside className="panel" aria-label={t('control.hostTools')}>
			<header><h2>{t('control.hostTools')}</h2><IconButton icon={X} label={t('host.close')} onClick={onClose} /></header>
			{/* Signing in goes through the app that made the room: a room made on the landing page has none. */}
			{settings.fromApp && <Switch label={t('host.signedInOnly')} checked={settings.audience === 'signed-in'}
				onChange={(on) => toggle({ audience: on ? 'signed-in' : 'link' })} />}
			<Switch label={t('host.waitForHost')} checked={settings.waitForHost} onChange={(on) => toggle({ waitForHost: on })} />
			<Switch label={t('host.autoLock')} checked={settings.autoLockOnRemove} onChange={(on) => toggle({ autoLockOnRemove: on })} />
			<button type="button" onClick={() => void reset()}>{t('host.resetLink')}</button>
			{notice && <p role="status">{notice}</p>}
			{newLink && <LinkBox label={t('room.inviteLink')} value={newLink} />}
			{hostUrl && <LinkBox label={t('host.newHostLink')} value={hostUrl} focus={false} />}
			{state.self?.role === 'host' && <button type="button" className="danger" onClick={() => void end()}>{t('host.endRoom')}</button>}
			{dialog}
			<h3>{t('host.timeline')}</h3>
			{/* Scrollable, so it takes the keyboard focus too. */}
			<ol className="timeline" tabIndex={0} aria-label={t('host.timeline')}>{[...state.timeline].reverse().map((event) => <TimelineLine key={event.id} event={event} />)}</ol>
		</aside>
	);
}
