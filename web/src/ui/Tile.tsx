import { Hand, Maximize, MicOff, Pin, Star, TriangleAlert } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { TileModel } from '../room/tiles.js';
import { useI18n } from './I18n.js';

export interface TileProps extends TileModel {
	onAudioBlocked?: () => void;
	/** The audio output chosen for the call, where the browser can choose (`setSinkId`). */
	speakerId?: string;
	/** Pins this person for oneself (again: unpins). Absent for a screen share. */
	onPin?: () => void;
	/** Hosts and co-hosts: spotlights this person for everyone (again: clears it). */
	onSpotlight?: () => void;
	/** Shows the video's received resolution over the tile (the D shortcut), for people and tests checking quality. */
	debug?: boolean;
	/** The half column a grid's last row starts at, to centre a row that is not full. */
	gridColumnStart?: number;
	/** A small floating view (one's own camera on a phone): no buttons or badges, and the name for screen readers only. */
	compact?: boolean;
}

/** The video's size as decoded, e.g. "640×360", refreshed twice a second; "–" before the first frame. */
function ReceivedResolution({ figure }: { figure: React.RefObject<HTMLElement | null> }) {
	const [resolution, setResolution] = useState('–');
	useEffect(() => {
		const update = () => {
			const video = figure.current?.querySelector('video');
			setResolution(video && video.videoWidth > 0 ? `${video.videoWidth}×${video.videoHeight}` : '–');
		};
		update();
		const timer = setInterval(update, 500);
		return () => clearInterval(timer);
	}, [figure]);
	return <span className="resolution" data-resolution={resolution}>{resolution}</span>;
}

function initials(name: string): string {
	const words = name.trim().split(/\s+/).filter(Boolean);
	return words.slice(0, 2).map((word) => [...word][0]!.toUpperCase()).join('') || '?';
}

function TrackVideo({ track, mirrored }: { track: MediaStreamTrack; mirrored?: boolean }) {
	const ref = useRef<HTMLVideoElement>(null);
	useEffect(() => {
		const element = ref.current!;
		element.srcObject = new MediaStream([track]);
		// Moving a tile (the active speaker goes first) detaches the element, which pauses it.
		const play = () => void element.play().catch(() => undefined);
		element.addEventListener('pause', play);
		play();
		return () => {
			element.removeEventListener('pause', play);
			element.srcObject = null;
		};
	}, [track]);
	return <video ref={ref} autoPlay playsInline muted className={mirrored ? 'mirrored' : undefined} />;
}

function TrackAudio({ track, onBlocked, speakerId }: { track: MediaStreamTrack; onBlocked?: () => void; speakerId?: string }) {
	const ref = useRef<HTMLAudioElement>(null);
	useEffect(() => {
		const element = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
		if (speakerId !== undefined) void element?.setSinkId?.(speakerId).catch(() => undefined);
	}, [speakerId]);
	useEffect(() => {
		const element = ref.current!;
		element.srcObject = new MediaStream([track]);
		element.play().catch((error: Error) => {
			// Autoplay policy: audio may only start after the person interacts with the page.
			if (error.name === 'NotAllowedError') onBlocked?.();
		});
		return () => {
			element.srcObject = null;
		};
	}, [track, onBlocked]);
	return <audio ref={ref} autoPlay />;
}

/** One person (or one shared screen): video or initials, name, indicators, and actions (pin, spotlight, full screen). */
export function Tile(props: TileProps) {
	const { t } = useI18n();
	const figure = useRef<HTMLElement>(null);
	const trouble = Boolean(props.connectionTrouble) && !props.isScreen;
	const classes = ['tile', props.speaking ? 'speaking' : '', props.isScreen ? 'screen' : '', trouble ? 'trouble' : '', props.compact ? 'compact' : ''].filter(Boolean).join(' ');
	const name = props.label;
	return (
		// Focusable by a tap (not by Tab): on a touch screen, tapping a tile shows its buttons (.tile:focus-within).
		<figure ref={figure} tabIndex={-1} className={classes} style={props.gridColumnStart ? { gridColumnStart: props.gridColumnStart } : undefined} data-participant-id={props.participantId} data-kind={props.isScreen ? 'screen' : 'camera'}>
			{props.videoTrack
				? <TrackVideo track={props.videoTrack} mirrored={props.mirrored} />
				: <div className="avatar" aria-hidden="true">{initials(props.name)}</div>}
			{props.undecryptable && <p className="tile-notice" role="status">{t('tile.cantDecrypt')}</p>}
			{props.audioTrack && <TrackAudio track={props.audioTrack} onBlocked={props.onAudioBlocked} speakerId={props.speakerId} />}
			{props.debug && <ReceivedResolution figure={figure} />}
			{!props.compact && <div className="tile-actions" role="group" aria-label={t('tile.actions', { name })}>
				{props.onPin && (
					<button type="button" className="icon-button small" aria-label={t('tile.pin', { name })} data-tip={t('tile.pin', { name })}
						aria-pressed={Boolean(props.pinned)} onClick={props.onPin}><Pin aria-hidden="true" /></button>
				)}
				{props.onSpotlight && (
					<button type="button" className="icon-button small" aria-label={t('tile.spotlight', { name })} data-tip={t('tile.spotlight', { name })}
						aria-pressed={Boolean(props.spotlit)} onClick={props.onSpotlight}><Star aria-hidden="true" /></button>
				)}
				{'requestFullscreen' in HTMLElement.prototype && (
					<button type="button" className="icon-button small" aria-label={t('tile.fullscreen', { name })} data-tip={t('tile.fullscreen', { name })}
						onClick={() => void (document.fullscreenElement === figure.current ? document.exitFullscreen() : figure.current?.requestFullscreen())}>
						<Maximize aria-hidden="true" />
					</button>
				)}
			</div>}
			<figcaption>
				<span className={props.compact ? 'name visually-hidden' : 'name'}>{props.label}</span>
				{props.badge && !props.compact && <span className="badge">{props.badge}</span>}
				{props.notVerified && <span className="badge warning">{t('tile.notVerified')}</span>}
				{props.spotlit && !props.isScreen && <span className="badge">{t('tile.spotlit')}</span>}
				{props.pinned && !props.isScreen && <span className="badge">{t('tile.pinned')}</span>}
				{trouble && <span className="trouble-mark" role="img" aria-label={t('tile.connectionTrouble', { name })} title={t('tile.connectionTrouble', { name })}><TriangleAlert aria-hidden="true" /></span>}
				{props.micMuted && !props.isScreen && <span className="muted" role="img" aria-label={t('room.muted')} title={t('room.muted')}><MicOff aria-hidden="true" /></span>}
				{props.handPosition !== undefined && !props.isScreen && (
					<span className="hand" role="img" aria-label={t('tile.handRaised')} title={t('tile.handRaised')}><Hand aria-hidden="true" /> {props.handPosition}</span>
				)}
			</figcaption>
			{/* Decoration: the reaction's sender and emoji are not announced again for each tile. */}
			{props.reactions && (
				<div className="reactions" aria-hidden="true">
					{props.reactions.map((reaction) => <span key={reaction.id} className="reaction" data-emoji={reaction.emoji}>{reaction.emoji}</span>)}
				</div>
			)}
		</figure>
	);
}
