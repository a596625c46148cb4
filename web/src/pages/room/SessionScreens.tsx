/** The screens around a call: waiting in the lobby, and the end of a visit. Each names the room and offers a way on. */
import { useEffect, useRef } from 'react';
import type { MessageKey } from '../../i18n/index.js';
import type { RoomClient } from '../../room/RoomClient.js';
import type { RoomState } from '../../room/roomState.js';
import { useI18n } from '../../ui/I18n.js';

/** One's own camera while waiting, so people can fix their hair before a host lets them in. */
function SelfView({ track }: { track: MediaStreamTrack }) {
	const { t } = useI18n();
	const ref = useRef<HTMLVideoElement>(null);
	useEffect(() => {
		if (ref.current) ref.current.srcObject = new MediaStream([track]);
	}, [track]);
	return <video ref={ref} className="self-view mirrored" autoPlay playsInline muted aria-label={t('wait.selfView')} />;
}

export function WaitingScreen({ client, waiting, title, cameraTrack }: {
	client: RoomClient; waiting: NonNullable<RoomState['waiting']>; title: string; cameraTrack?: MediaStreamTrack;
}) {
	const { t } = useI18n();
	return (
		<main className="page notice" data-waiting={waiting.reason}>
			<h1>{title || t('app.name')}</h1>
			{cameraTrack && <SelfView track={cameraTrack} />}
			<p role="status" aria-busy="true">{t(`wait.${waiting.reason}`, { position: waiting.position })}</p>
			<button type="button" onClick={() => void client.leave()}>{t('wait.cancel')}</button>
		</main>
	);
}

export function EndScreen({ endReason, endedByYou, title }: { endReason: RoomState['endReason']; endedByYou: boolean; title: string }) {
	const { t } = useI18n();
	const canRejoin = endReason !== 'room-ended' && endReason !== 'removed' && endReason !== 'denied';
	return (
		<main className="page notice" data-end-reason={endReason}>
			<h1>{title || t('app.name')}</h1>
			<p role="status">{endReason === 'room-ended' && endedByYou ? t('end.youEnded') : t(`end.${endReason ?? 'left'}` as MessageKey)}</p>
			{canRejoin && <button type="button" onClick={() => window.location.reload()}>{t('end.rejoin')}</button>}
			<a href="/">{t('error.backHome')}</a>
		</main>
	);
}
