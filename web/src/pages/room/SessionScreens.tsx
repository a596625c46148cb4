/** The screens around a call: waiting in the lobby, and the end of a visit. */
import type { MessageKey } from '../../i18n/index.js';
import type { RoomClient } from '../../room/RoomClient.js';
import type { RoomState } from '../../room/roomState.js';
import { useI18n } from '../../ui/I18n.js';

export function WaitingScreen({ client, waiting }: { client: RoomClient; waiting: NonNullable<RoomState['waiting']> }) {
	const { t } = useI18n();
	return (
		<main className="page notice" data-waiting={waiting.reason}>
			<h1>{t('app.name')}</h1>
			<p role="status" aria-busy="true">{t(`wait.${waiting.reason}`, { position: waiting.position })}</p>
			<button type="button" onClick={() => void client.leave()}>{t('wait.cancel')}</button>
		</main>
	);
}

export function EndScreen({ endReason }: { endReason: RoomState['endReason'] }) {
	const { t } = useI18n();
	return (
		<main className="page notice" data-end-reason={endReason}>
			<h1>{t('app.name')}</h1>
			<p role="status">{t(`end.${endReason ?? 'left'}` as MessageKey)}</p>
			{endReason !== 'room-ended' && endReason !== 'removed' && (
				<button type="button" onClick={() => window.location.reload()}>{t('end.rejoin')}</button>
			)}
		</main>
	);
}
