/** The room while in it: the tiles, the panels, the notices and the control bar, or the screen around the call. */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { shareableLink } from '../roomSecrets.js';
import type { ParticipantView } from '../../../shared/protocol.js';
import type { RoomClient } from '../room/RoomClient.js';
import { isModerator } from '../room/roomState.js';
import { buildTiles } from '../room/tiles.js';
import { useI18n } from '../ui/I18n.js';
import { ChatPanel } from './room/ChatPanel.js';
import { ControlBar, type Panel } from './room/ControlBar.js';
import { DevicesPanel } from './room/DevicesPanel.js';
import { LobbyRequests, RoomSettingsPanel } from './room/HostTools.js';
import { AloneCard, InvitePanel } from './room/InvitePanel.js';
import { ParticipantsPanel } from './room/ParticipantsPanel.js';
import { RoomBar } from './room/RoomBar.js';
import { ShortcutHelp } from './room/ShortcutHelp.js';
import { EndScreen, WaitingScreen } from './room/SessionScreens.js';
import { TileGrid } from './room/TileGrid.js';
import { Toasts } from './room/Toasts.js';

/** `title` is the invite's, for the screens before the room's own settings arrive. */
export function InRoom({ client, title }: { client: RoomClient; title: string }) {
	const { t, roomTitle } = useI18n();
	const state = useSyncExternalStore(client.store.subscribe, () => client.store.state);
	const [panel, setPanel] = useState<Panel | null>(null);
	const onAudioBlocked = useCallback(() => client.setAudioBlocked(true), [client]);
	const onView = useCallback((shown: Parameters<RoomClient['setView']>[0]) => client.setView(shown), [client]);
	const [helpOpen, setHelpOpen] = useState(false);
	const [debug, setDebug] = useState(false);
	const closeHelp = useCallback(() => setHelpOpen(false), []);
	// The alone card shows until the first person comes (or the host hides it), not again each time the host is left alone.
	const [aloneCardDone, setAloneCardDone] = useState(false);
	const someoneCame = state.participants.length > 0;
	useEffect(() => {
		if (someoneCame) setAloneCardDone(true);
	}, [someoneCame]);

	useEffect(() => () => client.close(), [client]);
	useEffect(() => {
		const onKey = (event: KeyboardEvent) => {
			const target = event.target as HTMLElement;
			if (event.ctrlKey || event.metaKey || event.altKey || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
			const key = event.key.toLowerCase();
			if (key === 'm') void client.local.setMicOn(!client.state.local.micOn);
			if (key === 'v') void client.local.setCameraOn(!client.state.local.cameraOn);
			if (key === 'h') void client.interactions.setHandRaised(!client.state.hands.some(({ participantId }) => participantId === client.state.self?.id));
			if (key === 'd') setDebug((shown) => !shown);
			if (event.key === '?') setHelpOpen(true);
		};
		window.addEventListener('keydown', onKey);
		return () => window.removeEventListener('keydown', onKey);
	}, [client]);

	const shownTitle = state.settings ? roomTitle(state.settings) : title;
	// The tab says which room this is and, to hosts, how many wait to be let in: seen from another tab.
	const waiting = isModerator(state.self) ? state.lobby.length : 0;
	useEffect(() => {
		const appName = t('app.name');
		document.title = waiting > 0 ? `(${waiting}) ${shownTitle} · ${appName}` : `${shownTitle} · ${appName}`;
		return () => {
			document.title = appName;
		};
	}, [shownTitle, waiting, t]);
	if (state.phase === 'waiting' && state.waiting) return <WaitingScreen client={client} waiting={state.waiting} title={shownTitle} cameraTrack={state.local.cameraOn ? state.local.cameraTrack : undefined} />;
	if (state.phase === 'ended') return <EndScreen endReason={state.endReason} endedByYou={Boolean(state.endingRoom)} title={shownTitle} />;

	const badge = (participant: ParticipantView) => (participant.role === 'host' ? t('room.host')
		: participant.role === 'cohost' ? t('room.cohost')
			: participant.appName ? t('room.verified', { app: participant.appName }) : undefined);
	const { tiles, stage } = buildTiles(state, { you: (name) => t('room.you', { name }), badge });
	const code = state.settings?.code ?? '';
	const inviteUrl = shareableLink(`${window.location.origin}/r/${code}`, code);

	return (
		<main className={`room ${panel ? 'with-panel' : ''}`}>
			{state.phase === 'reconnecting' && <div className="overlay" role="alert">{t('room.reconnecting')}</div>}
			{state.mediaUnreachable && state.phase === 'joined' && (
				<div className="media-trouble" role="alert">
					<p>{t('room.mediaUnreachable')}</p>
					<button type="button" onClick={() => client.retryConnection()}>{t('room.mediaRetry')}</button>
				</div>
			)}
			<RoomBar state={state} onHelp={() => setHelpOpen(true)} />
			{helpOpen && <ShortcutHelp onClose={closeHelp} />}
			<TileGrid tiles={tiles} stage={stage} selfId={state.self?.id} onAudioBlocked={onAudioBlocked} onView={onView} debug={debug} speakerId={state.local.speakerId}
				onPin={(id) => client.pin(state.pinnedId === id ? null : id)}
				onSpotlight={isModerator(state.self) ? (id) => void client.host.spotlight(state.spotlightId === id ? null : id) : undefined}
				overlay={<Toasts client={client} notices={state.notices} />} />
			{panel === 'chat' && <ChatPanel client={client} onClose={() => setPanel(null)} />}
			{panel === 'participants' && <ParticipantsPanel client={client} state={state} tiles={tiles} onClose={() => setPanel(null)} />}
			{panel === 'host' && isModerator(state.self) && <RoomSettingsPanel client={client} state={state} onClose={() => setPanel(null)} />}
			{panel === 'devices' && <DevicesPanel client={client} state={state} onClose={() => setPanel(null)} />}
			{panel === 'invite' && <InvitePanel url={inviteUrl} title={shownTitle} settings={state.settings} onClose={() => setPanel(null)} />}
			{isModerator(state.self) && !someoneCame && !aloneCardDone && state.phase === 'joined' && panel !== 'invite' && (
				<AloneCard url={inviteUrl} title={shownTitle} settings={state.settings} onClose={() => setAloneCardDone(true)} />
			)}
			{isModerator(state.self) && <LobbyRequests client={client} entries={state.lobby} roomTitle={shownTitle} />}
			{state.audioBlocked && (
				<button type="button" className="enable-audio" onClick={() => {
					document.querySelectorAll('audio').forEach((audio) => void audio.play().catch(() => undefined));
					client.setAudioBlocked(false);
				}}>{t('room.enableAudio')}</button>
			)}
			<ControlBar client={client} state={state} panel={panel} setPanel={setPanel} onHelp={() => setHelpOpen(true)} />
		</main>
	);
}
