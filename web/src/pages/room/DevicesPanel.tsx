/**
 * Devices during the call: camera, microphone (with a level meter) and
 * speaker, noise suppression and background blur. Switching a device keeps
 * the call going; the lists follow devices being plugged in or out.
 */
import { X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { RoomClient } from '../../room/RoomClient.js';
import type { RoomState } from '../../room/roomState.js';
import { useI18n } from '../../ui/I18n.js';
import { Switch } from '../../ui/Switch.js';
import { IconButton } from '../../ui/IconButton.js';

function useDevices(): MediaDeviceInfo[] {
	const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
	useEffect(() => {
		const media = navigator.mediaDevices;
		if (!media) return;
		const update = () => void media.enumerateDevices().then(setDevices).catch(() => undefined);
		update();
		media.addEventListener('devicechange', update);
		return () => media.removeEventListener('devicechange', update);
	}, []);
	return devices;
}

/** The microphone's loudness, redrawn every frame while the panel is open. */
function MicLevel({ client, label }: { client: RoomClient; label: string }) {
	const meter = useRef<HTMLMeterElement>(null);
	useEffect(() => {
		let frame = 0;
		const draw = () => {
			if (meter.current) meter.current.value = client.local.micLevel();
			frame = requestAnimationFrame(draw);
		};
		draw();
		return () => cancelAnimationFrame(frame);
	}, [client]);
	return <meter ref={meter} className="mic-level" min={0} max={1} low={0.6} high={0.9} optimum={0.3} aria-label={label} />;
}

function DeviceSelect({ label, devices, selected, onSelect, disabled }: {
	label: string; devices: MediaDeviceInfo[]; selected: string | undefined; onSelect: (deviceId: string) => void; disabled?: boolean;
}) {
	return (
		<label className="device-select">
			<span>{label}</span>
			<select value={selected ?? ''} disabled={disabled || devices.length === 0} onChange={(event) => onSelect(event.target.value)}>
				{devices.map((device, i) => <option key={device.deviceId} value={device.deviceId}>{device.label || `${label} ${i + 1}`}</option>)}
			</select>
		</label>
	);
}

export function DevicesPanel({ client, state, onClose }: { client: RoomClient; state: RoomState; onClose: () => void }) {
	const { t } = useI18n();
	const devices = useDevices();
	const { local } = state;
	const heading = useRef<HTMLHeadingElement>(null);
	useEffect(() => heading.current?.focus(), []);
	const ofKind = (kind: MediaDeviceKind) => devices.filter((device) => device.kind === kind);
	const canChooseSpeaker = 'setSinkId' in HTMLMediaElement.prototype;
	return (
		<aside className="panel devices-panel" aria-labelledby="devices-heading">
			<header>
				<h2 id="devices-heading" ref={heading} tabIndex={-1}>{t('devices.heading')}</h2>
				<IconButton icon={X} label={t('devices.close')} onClick={onClose} />
			</header>
			<DeviceSelect label={t('join.camera')} devices={ofKind('videoinput')} selected={local.cameraDeviceId} disabled={!local.cameraTrack}
				onSelect={(id) => void client.local.switchCamera(id)} />
			<DeviceSelect label={t('join.microphone')} devices={ofKind('audioinput')} selected={local.micTrack?.getSettings().deviceId}
				disabled={!local.micTrack} onSelect={(id) => void client.local.switchMicrophone(id)} />
			{local.micTrack && <MicLevel client={client} label={t('devices.micLevel')} />}
			{canChooseSpeaker && (
				<DeviceSelect label={t('devices.speaker')} devices={ofKind('audiooutput')} selected={local.speakerId ?? 'default'}
					onSelect={(id) => client.local.setSpeaker(id)} />
			)}
			<Switch label={t('devices.noiseSuppression')} checked={local.noiseSuppression !== 'off'} disabled={!local.micTrack}
				onChange={(on) => void client.local.setNoiseSuppression(on)} />
			{local.noiseSuppression === 'browser' && <p className="hint">{t('devices.noiseBrowser')}</p>}
			<Switch label={t('devices.blur')} checked={local.backgroundBlur} disabled={!local.cameraTrack || local.blurUnavailable}
				onChange={(on) => void client.local.setBackgroundBlur(on)} />
			{local.blurUnavailable && <p className="hint">{t('devices.blurUnavailable')}</p>}
		</aside>
	);
}
