import { Lock, Settings } from 'lucide-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { InviteStatus } from '../../../shared/protocol.js';
import { LIMITS } from '../../../shared/limits.js';
import { ApiError, api } from '../api.js';
import type { RoomClient } from '../room/RoomClient.js';
import { SignalingError } from '../signaling/SignalingError.js';
import { LanguageSwitcher, useI18n } from '../ui/I18n.js';
import { ErrorScreen } from './ErrorScreen.js';
import { forgetHostKey, rememberHostKey, storedHostKey } from '../hostCredentials.js';
import { canEncryptFrames, rememberRoomSecret, storedRoomSecret } from '../roomSecrets.js';
import { E2eeError, parseRoomSecret } from '../../../shared/e2ee/roomSecret.js';
import type { InRoom } from './InRoom.js';

/**
 * The in-call code (mediasoup-client, Socket.IO, the room's UI) is a chunk of
 * its own: the join page shows without it, and fetches it while the person
 * types their name.
 */
const loadRoom = () => Promise.all([import('../room/RoomClient.js'), import('./InRoom.js')])
	.then(([client, page]) => ({ RoomClient: client.RoomClient, InRoom: page.InRoom, probeNativeCapabilities: client.probeNativeCapabilities }));
import { usePreview } from './usePreview.js';
import { Switch } from '../ui/Switch.js';
import { IconButton } from '../ui/IconButton.js';

export const NAME_STORAGE_KEY = 'rooms.name';
const GUEST_KEY_STORAGE_KEY = 'rooms.guestKey';

/**
 * This browser's own random key. A host's removal bans it, so a removed
 * guest cannot walk back in with a fresh join from the same browser.
 */
function guestKey(): string {
	let key = localStorage.getItem(GUEST_KEY_STORAGE_KEY);
	if (!key) {
		const bytes = crypto.getRandomValues(new Uint8Array(24));
		key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
		localStorage.setItem(GUEST_KEY_STORAGE_KEY, key);
	}
	return key;
}

interface JoinError {
	code: string;
	message?: string;
	reason?: string;
}

/**
 * Reads what the link's fragment carries (host key, app token, the host's
 * name) once, then removes it from the address bar and history. A host key
 * is kept for this room, so a reload keeps the host's rights.
 */
function takeFragment(code: string): { credentials: { hostKey?: string; appToken?: string }; name?: string } {
	const params = new URLSearchParams(window.location.hash.slice(1));
	if (params.size > 0) history.replaceState(null, '', window.location.pathname);
	const roomSecret = params.get('k');
	if (roomSecret) rememberRoomSecret(code, roomSecret);
	const linkKey = params.get('host');
	if (linkKey) rememberHostKey(code, linkKey);
	const hostKey = linkKey ?? storedHostKey(code);
	const appToken = params.get('app') ?? undefined;
	const name = params.get('name')?.trim() || undefined;
	return { credentials: { ...(hostKey ? { hostKey } : {}), ...(appToken ? { appToken } : {}) }, ...(name ? { name } : {}) };
}

/** Join refusals after which a kept host key is of no use: the room ended, or the key no longer opens it. */
const STALE_HOST_KEY = new Set(['ROOM_ENDED', 'AUTH_INVALID', 'INVITE_NOT_FOUND']);

/** The invite's status, asked for before the first render (`prefetchInvite`), taken once by the page. */
let prefetched: { code: string; status: Promise<InviteStatus> } | undefined;

/** Asks for the invite's status as the script starts, not after the page has rendered: the join form shows sooner. */
export function prefetchInvite(code: string): void {
	const status = api.status(code, guestKey());
	// Its failure is the page's to show when it takes it; unhandled meanwhile, it would be logged as one.
	status.catch(() => undefined);
	prefetched = { code, status };
}

function inviteStatus(code: string): Promise<InviteStatus> {
	const early = prefetched?.code === code ? prefetched.status : undefined;
	prefetched = undefined;
	return early ?? api.status(code, guestKey());
}

export function JoinPage({ code }: { code: string }) {
	const { t, roomTitle } = useI18n();
	const [fragment] = useState(() => takeFragment(code));
	const { credentials } = fragment;
	const [invite, setInvite] = useState<InviteStatus>();
	const [error, setError] = useState<JoinError>();
	const [name, setName] = useState(() => fragment.name ?? localStorage.getItem(NAME_STORAGE_KEY) ?? '');
	const [joining, setJoining] = useState(false);
	/** The camera and microphone lists, behind a settings button: most people keep the defaults. */
	const [devicesOpen, setDevicesOpen] = useState(false);
	const [client, setClient] = useState<RoomClient>();
	const [RoomPage, setRoomPage] = useState<typeof InRoom>();
	useEffect(() => {
		// Fetched now, used on Join, and this browser's media capabilities probed meanwhile (the Device then loads at
		// once when the seat is taken). A failure here is tried again (and reported) on Join.
		loadRoom().then(({ probeNativeCapabilities }) => probeNativeCapabilities(), () => undefined);
	}, []);
	const preview = usePreview(!client);
	const videoRef = useRef<HTMLVideoElement>(null);

	useEffect(() => {
		inviteStatus(code).then(setInvite, (failure: unknown) => {
			const inviteError = toJoinError(failure);
			if (STALE_HOST_KEY.has(inviteError.code)) forgetHostKey(code);
			setError(inviteError);
		});
	}, [code]);

	useEffect(() => {
		if (videoRef.current) videoRef.current.srcObject = preview.videoTrack ? new MediaStream([preview.videoTrack]) : null;
	}, [preview.videoTrack, invite]);

	// A locked room can be asked to join, a full one waited for; both go through the lobby.
	const mayWait = Boolean(invite && !credentials.hostKey && (invite.locked || invite.participantCount >= invite.maxParticipants));

	const join = async (wait: boolean) => {
		setJoining(true);
		setError(undefined);
		localStorage.setItem(NAME_STORAGE_KEY, name.trim());
		try {
			const response = await api.join(code, { name: name.trim(), ...credentials, guestKey: guestKey(), wait });
			const [tracks, { RoomClient, InRoom }] = await Promise.all([preview.handOver(), loadRoom()]);
			const room = new RoomClient({
				serverUrl: window.location.origin,
				signalingPath: response.signalingPath,
				token: response.token,
				iceServers: response.iceServers,
				micTrack: tracks.audioTrack,
				cameraTrack: tracks.videoTrack,
				micOn: tracks.micOn,
				cameraOn: tracks.cameraOn,
				wait,
				...(invite?.e2ee ? { roomSecret: storedRoomSecret(code) } : {}),
			});
			// A room that ends takes its host key with it.
			room.store.subscribe(() => {
				if (room.state.endReason === 'room-ended') forgetHostKey(code);
			});
			await room.start();
			setRoomPage(() => InRoom);
			setClient(room);
		} catch (failure) {
			setJoining(false);
			const joinError = toJoinError(failure);
			if (STALE_HOST_KEY.has(joinError.code)) forgetHostKey(code);
			setError(joinError);
		}
	};
	const submit = (event: FormEvent) => {
		event.preventDefault();
		void join(mayWait);
	};

	if (client && RoomPage) return <RoomPage client={client} title={invite ? roomTitle(invite) : ''} />;
	if (error) {
		// Refused because the room locked or filled meanwhile: offer the lobby, with the name already given.
		const action = error.code === 'ROOM_LOCKED' ? t('join.askToJoin') : error.code === 'ROOM_FULL' ? t('join.waitForSeat') : undefined;
		return <ErrorScreen code={error.code} message={error.message} reason={error.reason} title={invite && roomTitle(invite)}
			action={action && name.trim() ? { label: action, run: () => void join(true) } : undefined} />;
	}
	if (!invite) return <main className="page notice"><p aria-busy="true">{t('join.loading')}</p></main>;
	// Told before anything else: a removal lasts for the room's life.
	if (invite.removed) return <ErrorScreen code="REMOVED" title={roomTitle(invite)} />;
	if (invite.denied) return <ErrorScreen code="DENIED" title={roomTitle(invite)} />;
	// An encrypted room is joined encrypted or not at all: never in clear.
	const e2eeRefusal = invite.e2ee ? e2eeRefusalOf(storedRoomSecret(code)) : undefined;
	if (e2eeRefusal) return <ErrorScreen code={e2eeRefusal} title={roomTitle(invite)} />;

	return (
		<main className="page join">
			<header className="topbar"><h1>{roomTitle(invite)}</h1><LanguageSwitcher /></header>
			<p>{t('join.hostedBy', { name: invite.hostName })} · {t('join.inRoom', { count: invite.participantCount, max: invite.maxParticipants })}</p>
			{invite.e2ee && <p className="e2ee-badge"><Lock aria-hidden="true" /> {t('room.e2ee')}</p>}
			{credentials.hostKey && <p className="hint">{t('join.asHost')}</p>}
			{!credentials.hostKey && invite.locked && <p className="hint">{t('join.lockedHint')}</p>}
			{!credentials.hostKey && !invite.locked && invite.participantCount >= invite.maxParticipants && <p className="hint">{t('join.fullHint')}</p>}
			{!credentials.hostKey && !invite.locked && invite.waitForHost && !invite.hostPresent && <p className="hint">{t('join.hostAwayHint')}</p>}
			{/* On a phone the name and Join come first, then the preview with its two switches, as Meet and Messenger do. */}
			<form onSubmit={submit} className="card join-form">
				<label htmlFor="display-name">{t('join.name')}</label>
				<input id="display-name" value={name} maxLength={LIMITS.nameMaxLength} required autoComplete="name" onChange={(e) => setName(e.target.value)} />
				<button type="submit" disabled={joining || name.trim() === ''}>
					{joining ? t('join.joining') : invite.locked && mayWait ? t('join.askToJoin') : mayWait ? t('join.waitForSeat') : t('join.button')}
				</button>
			</form>
			<section className="preview" aria-label={t('join.camera')}>
				{preview.videoTrack && preview.cameraOn
					? <video ref={videoRef} autoPlay playsInline muted className="mirrored" />
					: <div className="avatar large" aria-hidden="true">{name.trim().slice(0, 1).toUpperCase() || '?'}</div>}
				<div className="preview-switches">
					<Switch label={t('join.cameraOn')} checked={preview.cameraOn} disabled={!preview.cameraAvailable} onChange={preview.setCameraOn} />
					<Switch label={t('join.micOn')} checked={preview.micOn} disabled={!preview.micAvailable} onChange={preview.setMicOn} />
				</div>
				<IconButton icon={Settings} className="preview-settings" label={t('join.chooseDevices')} aria-expanded={devicesOpen} aria-controls="join-devices"
					onClick={() => setDevicesOpen(!devicesOpen)} />
			</section>
			{preview.denied && <p role="status" className="hint">{t('join.mediaDenied')}</p>}
			{devicesOpen && (
				<div id="join-devices" className="card devices">
					<DeviceSelect label={t('join.camera')} noDevice={t('join.noDevice')} devices={preview.videoDevices} selected={preview.videoDeviceId}
						onSelect={(id) => preview.selectDevice('videoinput', id)} />
					<DeviceSelect label={t('join.microphone')} noDevice={t('join.noDevice')} devices={preview.audioDevices} selected={preview.audioDeviceId}
						onSelect={(id) => preview.selectDevice('audioinput', id)} />
				</div>
			)}
		</main>
	);
}

/** Why this browser cannot join an encrypted room with the key it has: none, a damaged one, or no way to encrypt frames. */
function e2eeRefusalOf(secret: string | undefined): string | undefined {
	if (!secret) return 'E2EE_KEY_MISSING';
	try {
		parseRoomSecret(secret);
	} catch (error) {
		if (error instanceof E2eeError) return 'E2EE_KEY_INVALID';
		throw error;
	}
	return canEncryptFrames() ? undefined : 'E2EE_UNSUPPORTED';
}

function toJoinError(failure: unknown): JoinError {
	if (failure instanceof ApiError) return { code: failure.code, message: failure.message, ...(failure.reason ? { reason: failure.reason } : {}) };
	if (failure instanceof SignalingError) return { code: failure.code, message: failure.message };
	return { code: 'INTERNAL', message: String(failure) };
}

/** A device list for one kind of device. */
function DeviceSelect(props: { label: string; noDevice: string; devices: MediaDeviceInfo[]; selected: string | undefined; onSelect: (deviceId: string) => void }) {
	return (
		<label>
			<span>{props.label}</span>
			<select value={props.selected ?? ''} onChange={(e) => props.onSelect(e.target.value)}>
				{props.devices.length === 0 && <option value="">{props.noDevice}</option>}
				{props.devices.map((device, i) => <option key={device.deviceId} value={device.deviceId}>{device.label || `${props.label} ${i + 1}`}</option>)}
			</select>
		</label>
	);
}
