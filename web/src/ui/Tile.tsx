import { useEffect, useRef } from 'react';
import type { TileModel } from '../room/tiles.js';
import { useI18n } from './I18n.js';

export interface TileProps extends TileModel {
	onAudioBlocked?: () => void;
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

function TrackAudio({ track, onBlocked }: { track: MediaStreamTrack; onBlocked?: () => void }) {
	const ref = useRef<HTMLAudioElement>(null);
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

/** One person (or one shared screen): video or initials, name, and a muted-mic indicator. */
export function Tile(props: TileProps) {
	const { t } = useI18n();
	const classes = ['tile', props.speaking ? 'speaking' : '', props.isScreen ? 'screen' : ''].filter(Boolean).join(' ');
	return (
		<figure className={classes} data-participant-id={props.participantId} data-kind={props.isScreen ? 'screen' : 'camera'}>
			{props.videoTrack
				? <TrackVideo track={props.videoTrack} mirrored={props.mirrored} />
				: <div className="avatar" aria-hidden="true">{initials(props.name)}</div>}
			{props.audioTrack && <TrackAudio track={props.audioTrack} onBlocked={props.onAudioBlocked} />}
			<figcaption>
				<span className="name">{props.label}</span>
				{props.badge && <span className="badge">{props.badge}</span>}
				{props.micMuted && !props.isScreen && <span className="muted" role="img" aria-label={t('room.muted')} title={t('room.muted')}>🔇</span>}
				{props.handPosition !== undefined && !props.isScreen && (
					<span className="hand" role="img" aria-label={t('tile.handRaised')} title={t('tile.handRaised')}>✋ {props.handPosition}</span>
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
