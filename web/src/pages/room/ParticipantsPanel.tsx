/** Who is in the room, with host actions on each person for hosts and co-hosts. */
import { MicOff, X } from 'lucide-react';
import type { RoomClient } from '../../room/RoomClient.js';
import { isModerator, type RoomState } from '../../room/roomState.js';
import type { TileModel } from '../../room/tiles.js';
import { useI18n } from '../../ui/I18n.js';
import { ParticipantActions } from './HostTools.js';
import { IconButton } from '../../ui/IconButton.js';

export function ParticipantsPanel({ client, state, tiles, onClose }: { client: RoomClient; state: RoomState; tiles: TileModel[]; onClose: () => void }) {
	const { t } = useI18n();
	const self = state.self;
	return (
		<aside className="panel" aria-label={t('control.participants')}>
			<header><h2>{t('participants.heading', { count: state.participants.length + 1 })}</h2>
				<IconButton icon={X} label={t('participants.close')} onClick={onClose} /></header>
			{isModerator(self) && <button type="button" onClick={() => void client.host.muteEveryone()}>{t('host.muteEveryone')}</button>}
			{state.hands.length > 0 && (
				<section aria-label={t('hands.heading')}>
					<h3>{t('hands.heading')}</h3>
					<ol className="hands">{state.hands.map(({ participantId }) => {
						const tile = tiles.find((candidate) => candidate.participantId === participantId);
						if (!tile) return null;
						return (
							<li key={participantId}>{tile.label}
								{isModerator(self) && participantId !== self?.id && (
									<button type="button" onClick={() => void client.host.lowerHand(participantId)}>{t('hands.lower', { name: tile.name })}</button>
								)}
							</li>
						);
					})}</ol>
				</section>
			)}
			<ul>{tiles.map((tile) => {
				const person = state.participants.find(({ id }) => id === tile.participantId);
				return (
					<li key={tile.participantId}>{tile.label}
						{/* Read as "Kim (you), Host". */}
						{tile.badge && <><span className="visually-hidden">, </span><span className="badge">{tile.badge}</span></>}
						{tile.micMuted && <span className="muted" role="img" aria-label={t('room.muted')}><MicOff aria-hidden="true" /></span>}
						{self && person && <ParticipantActions client={client} self={self} participant={person} />}
					</li>
				);
			})}</ul>
		</aside>
	);
}
