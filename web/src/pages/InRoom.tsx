import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { LIMITS } from '../../../shared/limits.js';
import type { MessageKey } from '../i18n/index.js';
import type { RoomClient } from '../room/RoomClient.js';
import { isModerator, producerOf } from '../room/roomState.js';
import type { ParticipantView } from '../../../shared/protocol.js';
import { layoutGrid } from '../ui/gridLayout.js';
import { useI18n } from '../ui/I18n.js';
import { Tile, type TileProps } from '../ui/Tile.js';
import { LobbyRequests, ParticipantActions, RoomSettingsPanel } from './HostTools.js';

const NOTICE_MS = 4000;
const NOTICE_TEXT = { joined: 'room.joined', left: 'room.left', mutedBy: 'room.mutedBy' } as const;

function useElementSize(ref: React.RefObject<HTMLElement | null>): { width: number; height: number } {
	const [size, setSize] = useState({ width: 800, height: 450 });
	useLayoutEffect(() => {
		const element = ref.current;
		if (!element) return;
		const observer = new ResizeObserver(([entry]) => {
			if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
		});
		observer.observe(element);
		return () => observer.disconnect();
	}, [ref]);
	return size;
}

export function InRoom({ client }: { client: RoomClient }) {
	const { t } = useI18n();
	const state = useSyncExternalStore(client.subscribe, () => client.state);
	const [panel, setPanel] = useState<'chat' | 'participants' | 'settings' | null>(null);
	const [page, setPage] = useState(0);
	const [copied, setCopied] = useState(false);
	const gridRef = useRef<HTMLDivElement>(null);
	const size = useElementSize(gridRef);
	const { local } = state;
	const onAudioBlocked = useCallback(() => client.setAudioBlocked(true), [client]);

	useEffect(() => () => client.close(), [client]);
	useEffect(() => {
		const timers = state.notices.map((notice) => setTimeout(() => client.dismissNotice(notice.id), NOTICE_MS));
		return () => timers.forEach(clearTimeout);
	}, [state.notices, client]);
	useEffect(() => {
		const onKey = (event: KeyboardEvent) => {
			const target = event.target as HTMLElement;
			if (event.ctrlKey || event.metaKey || event.altKey || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
			if (event.key === 'm' || event.key === 'M') void client.setMicOn(!client.state.local.micOn);
			if (event.key === 'v' || event.key === 'V') void client.setCameraOn(!client.state.local.cameraOn);
		};
		window.addEventListener('keydown', onKey);
		return () => window.removeEventListener('keydown', onKey);
	}, [client]);

	if (state.phase === 'waiting' && state.waiting) {
		return (
			<main className="page notice" data-waiting={state.waiting.reason}>
				<h1>{t('app.name')}</h1>
				<p role="status" aria-busy="true">{t(`wait.${state.waiting.reason}`, { position: state.waiting.position })}</p>
				<button type="button" onClick={() => void client.leave()}>{t('wait.cancel')}</button>
			</main>
		);
	}

	if (state.phase === 'ended') {
		return (
			<main className="page notice" data-end-reason={state.endReason}>
				<h1>{t('app.name')}</h1>
				<p role="status">{t(`end.${state.endReason ?? 'left'}` as MessageKey)}</p>
				{state.endReason !== 'room-ended' && state.endReason !== 'removed' && (
					<button type="button" onClick={() => window.location.reload()}>{t('end.rejoin')}</button>
				)}
			</main>
		);
	}

	const self = state.self;
	const moderator = isModerator(self);
	const inviteUrl = `${window.location.origin}/r/${state.settings?.code ?? ''}`;
	const badgeOf = (participant: ParticipantView) => (participant.role === 'host' ? t('room.host')
		: participant.role === 'cohost' ? t('room.cohost')
			: participant.appName ? t('room.verified', { app: participant.appName }) : undefined);
	const tiles: TileProps[] = [];
	if (self) {
		tiles.push({
			participantId: self.id, name: self.name, label: t('room.you', { name: self.name }),
			videoTrack: local.cameraOn ? local.cameraTrack : undefined, micMuted: !local.micOn, mirrored: true,
			speaking: state.activeSpeakerId === self.id, badge: badgeOf(self),
		});
	}
	let stage: TileProps | undefined;
	if (self && local.screenTrack) {
		stage = { participantId: self.id, name: self.name, label: self.name, videoTrack: local.screenTrack, micMuted: false, isScreen: true };
	}
	for (const participant of state.participants) {
		const camera = producerOf(participant, 'camera');
		const mic = producerOf(participant, 'mic');
		const screen = producerOf(participant, 'screen');
		tiles.push({
			participantId: participant.id, name: participant.name, label: participant.name,
			videoTrack: camera && !camera.paused ? camera.track : undefined,
			audioTrack: mic?.track, micMuted: !mic || mic.paused,
			speaking: state.activeSpeakerId === participant.id,
			badge: badgeOf(participant),
			onAudioBlocked,
		});
		if (screen?.track && !stage) {
			stage = { participantId: participant.id, name: participant.name, label: participant.name, videoTrack: screen.track, micMuted: false, isScreen: true };
		}
	}
	// The active speaker stays on the first page.
	const speakerIndex = tiles.findIndex((tile) => tile.speaking);
	if (speakerIndex > 0) tiles.splice(1, 0, ...tiles.splice(speakerIndex, 1));
	const grid = layoutGrid(tiles, size, page);

	const copyLink = async () => {
		await navigator.clipboard?.writeText(inviteUrl).catch(() => undefined);
		setCopied(true);
		setTimeout(() => setCopied(false), 2000);
	};

	return (
		<main className={`room ${panel ? 'with-panel' : ''}`}>
			{state.phase === 'reconnecting' && <div className="overlay" role="alert">{t('room.reconnecting')}</div>}
			<div className="stage-area">
				{stage && <div className="stage"><Tile {...stage} /></div>}
				<div className="grid" ref={gridRef} style={{ gridTemplateColumns: `repeat(${grid.columns}, 1fr)`, gridTemplateRows: `repeat(${grid.rows}, 1fr)` }}>
					{grid.tiles.map((tile) => <Tile key={tile.participantId} {...tile} />)}
				</div>
				{grid.pageCount > 1 && (
					<nav className="pager">
						<button type="button" onClick={() => setPage(grid.page - 1)} disabled={grid.page === 0}>{t('room.previousPage')}</button>
						<span>{t('room.page', { page: grid.page + 1, pages: grid.pageCount })}</span>
						<button type="button" onClick={() => setPage(grid.page + 1)} disabled={grid.page >= grid.pageCount - 1}>{t('room.nextPage')}</button>
					</nav>
				)}
			</div>
			{panel === 'chat' && <ChatPanel client={client} onClose={() => setPanel(null)} />}
			{panel === 'participants' && (
				<aside className="panel" aria-label={t('control.participants')}>
					<header><h2>{t('participants.heading', { count: state.participants.length + 1 })}</h2>
						<button type="button" onClick={() => setPanel(null)}>{t('participants.close')}</button></header>
					{moderator && <button type="button" onClick={() => void client.muteEveryone().catch(() => undefined)}>{t('host.muteEveryone')}</button>}
					<ul>{tiles.map((tile) => {
						const person = state.participants.find(({ id }) => id === tile.participantId);
						return (
							<li key={tile.participantId}>{tile.label}{tile.badge && <span className="badge">{tile.badge}</span>}
								{tile.micMuted && <span className="muted" aria-label={t('room.muted')}>🔇</span>}
								{self && person && <ParticipantActions client={client} self={self} participant={person} />}
							</li>
						);
					})}</ul>
				</aside>
			)}
			{panel === 'settings' && moderator && <RoomSettingsPanel client={client} state={state} onClose={() => setPanel(null)} />}
			{moderator && <LobbyRequests client={client} entries={state.lobby} />}
			<div className="toasts" role="status" aria-live="polite">
				{state.notices.map((notice) => <p key={notice.id}>{t(NOTICE_TEXT[notice.kind], { name: notice.name })}</p>)}
				{copied && <p>{t('room.linkCopied')}</p>}
			</div>
			{state.audioBlocked && (
				<button type="button" className="enable-audio" onClick={() => {
					document.querySelectorAll('audio').forEach((audio) => void audio.play().catch(() => undefined));
					client.setAudioBlocked(false);
				}}>{t('room.enableAudio')}</button>
			)}
			<footer className="controls" aria-label={t('control.shortcuts')}>
				<span className={`quality ${state.quality}`} role="img" aria-label={t(`room.quality.${state.quality}`)} title={t(`room.quality.${state.quality}`)} />
				<button type="button" aria-pressed={!local.micOn} disabled={!local.micTrack} onClick={() => void client.setMicOn(!local.micOn)}>
					{local.micOn ? t('control.mute') : t('control.unmute')}
				</button>
				<button type="button" aria-pressed={!local.cameraOn} disabled={!local.cameraTrack} onClick={() => void client.setCameraOn(!local.cameraOn)}>
					{local.cameraOn ? t('control.cameraOff') : t('control.cameraOn')}
				</button>
				{'getDisplayMedia' in (navigator.mediaDevices ?? {}) && (
					<button type="button" aria-pressed={Boolean(local.screenTrack)}
						onClick={() => void (local.screenTrack ? client.stopScreenShare() : client.startScreenShare().catch(() => undefined))}>
						{local.screenTrack ? t('control.stopShare') : t('control.share')}
					</button>
				)}
				<button type="button" aria-pressed={panel === 'chat'} onClick={() => setPanel(panel === 'chat' ? null : 'chat')}>{t('control.chat')}</button>
				<button type="button" aria-pressed={panel === 'participants'} onClick={() => setPanel(panel === 'participants' ? null : 'participants')}>{t('control.participants')}</button>
				<button type="button" onClick={() => void copyLink()}>{t('control.copyLink')}</button>
				{moderator && (
					<button type="button" aria-pressed={Boolean(state.settings?.locked)}
						onClick={() => void client.updateRoom({ locked: !state.settings?.locked }).catch(() => undefined)}>
						{state.settings?.locked ? t('control.unlock') : t('control.lock')}
					</button>
				)}
				{moderator && (
					<button type="button" aria-pressed={panel === 'settings'} onClick={() => setPanel(panel === 'settings' ? null : 'settings')}>{t('control.hostTools')}</button>
				)}
				<button type="button" className="leave" onClick={() => void client.leave()}>{t('control.leave')}</button>
			</footer>
		</main>
	);
}

function ChatPanel({ client, onClose }: { client: RoomClient; onClose: () => void }) {
	const { t } = useI18n();
	const state = useSyncExternalStore(client.subscribe, () => client.state);
	const [text, setText] = useState('');
	const send = (event: FormEvent) => {
		event.preventDefault();
		if (!text.trim()) return;
		void client.sendChat(text.trim()).then(() => setText(''), () => undefined);
	};
	return (
		<aside className="panel" aria-label={t('chat.heading')}>
			<header><h2>{t('chat.heading')}</h2><button type="button" onClick={onClose}>{t('chat.close')}</button></header>
			<ol className="messages" aria-live="polite">
				{state.messages.length === 0 && <li className="hint">{t('chat.empty')}</li>}
				{state.messages.map((message) => <li key={message.id}><strong>{message.name}</strong> {message.text}</li>)}
			</ol>
			<form onSubmit={send}>
				<input aria-label={t('chat.placeholder')} placeholder={t('chat.placeholder')} value={text} maxLength={LIMITS.chatMaxLength} onChange={(e) => setText(e.target.value)} />
				<button type="submit">{t('chat.send')}</button>
			</form>
		</aside>
	);
}
