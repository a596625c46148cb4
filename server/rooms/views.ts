/** How a room record is shown: to people in the room (settings) and to its owner app (the whole room). */
import type { JoinedRoom, RoomSettingsView, RoomView } from '../../shared/protocol.js';
import { defaultTitleOf } from '../../shared/titles.js';
import { appIdOf, WEB_APP_ID } from '../auth/appTokens.js';
import type { RoomRecord } from '../store/RoomStore.js';
import type { Lobby } from './Lobby.js';
import type { Participant } from './Participant.js';
import type { RaisedHands } from './RaisedHands.js';

export function settingsView(record: RoomRecord): RoomSettingsView {
	return {
		code: record.code,
		title: record.title,
		defaultTitleOf: defaultTitleOf(record.title, record.ownerName),
		audience: record.audience,
		maxParticipants: record.maxParticipants,
		locked: record.locked,
		waitForHost: record.waitForHost,
		autoLockOnRemove: record.autoLockOnRemove,
		expiresAt: record.expiresAt,
		e2ee: record.e2ee,
		fromApp: appIdOf(record.ownerIdentity) !== WEB_APP_ID,
		lockedBy: record.locked ? record.lockedBy : null,
	};
}

export function roomView(record: RoomRecord): RoomView {
	return {
		...settingsView(record),
		id: record.id,
		owner: { identity: record.ownerIdentity, name: record.ownerName },
		status: record.status,
		createdAt: record.createdAt,
		updatedAt: record.updatedAt,
		endedAt: record.endedAt,
	};
}

/** Whom the room looks at now: the spotlight, the dominant speaker and who is audible. */
export type RoomFocus = Pick<JoinedRoom, 'spotlightId' | 'activeSpeakerId' | 'speakingIds'>;

/** What a person is told when they take a seat: who is there, what they send, the settings, raised hands, whom the room looks at, and (for hosts) the lobby. */
export function joinedView(participant: Participant, others: Participant[], record: RoomRecord, lobby: Lobby, hands: RaisedHands,
	focus: RoomFocus): JoinedRoom {
	return {
		self: participant.view(),
		participants: others.map((other) => other.view()),
		producers: others.flatMap((other) => other.media.producerViews()),
		settings: settingsView(record),
		lobby: participant.isModerator ? lobby.views() : [],
		hands: hands.views(),
		...focus,
	};
}

/**
 * The invite link with the host credential, and the host's name so the join
 * page is filled in, in its fragment: browsers never send a fragment to
 * servers, so neither reaches logs or Referer headers.
 */
export function hostLink(inviteUrl: string, hostKey: string, hostName: string): string {
	return `${inviteUrl}#${new URLSearchParams({ host: hostKey, name: hostName })}`;
}
