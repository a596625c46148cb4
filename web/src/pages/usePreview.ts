/**
 * Camera and microphone before joining: opens them, lists devices, switches
 * between them, and hands the live tracks to the room on join. Missing or
 * denied devices leave `denied` set, and joining still works without them.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { openDevice } from '../room/devices.js';

export interface Preview {
	audioTrack?: MediaStreamTrack;
	videoTrack?: MediaStreamTrack;
	audioDevices: MediaDeviceInfo[];
	videoDevices: MediaDeviceInfo[];
	audioDeviceId?: string;
	videoDeviceId?: string;
	/** What joining will do: on only if the switch is on and the device is open, or still opening. */
	micOn: boolean;
	cameraOn: boolean;
	/**
	 * The switches work while the devices open, so that someone who turns the
	 * microphone off at once joins with it off; only a device that failed to
	 * open leaves its switch off and disabled.
	 */
	micAvailable: boolean;
	cameraAvailable: boolean;
	denied: boolean;
	setMicOn(on: boolean): void;
	setCameraOn(on: boolean): void;
	selectDevice(kind: 'audioinput' | 'videoinput', deviceId: string): void;
	/**
	 * Gives the tracks to the caller, who stops them from then on. Waits for
	 * the devices to open first, so a quick "Join" does not join without media.
	 */
	handOver(): Promise<{ audioTrack?: MediaStreamTrack; videoTrack?: MediaStreamTrack; micOn: boolean; cameraOn: boolean }>;
}

/** The camera and microphone opened as the script starts (`openDevicesEarly`), taken once by the first preview. */
let openedEarly: Promise<[MediaStreamTrack | undefined, MediaStreamTrack | undefined]> | undefined;

/**
 * Opens the camera and microphone as the join page's script starts, not after
 * its first render: the preview, and a quick "Join", wait less. Nothing is
 * opened where the browser has no media devices.
 */
export function openDevicesEarly(): void {
	if (navigator.mediaDevices) openedEarly = Promise.all([openDevice('audio'), openDevice('video')]);
}

export function usePreview(active: boolean): Preview {
	const [audioTrack, setAudioTrack] = useState<MediaStreamTrack>();
	const [videoTrack, setVideoTrack] = useState<MediaStreamTrack>();
	const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
	const [micOn, setMicOn] = useState(true);
	const [cameraOn, setCameraOn] = useState(true);
	const [denied, setDenied] = useState(false);
	const [opened, setOpened] = useState(false);
	const handedOver = useRef(false);
	const tracks = useRef<{ audio?: MediaStreamTrack; video?: MediaStreamTrack }>({});
	const opening = useRef<Promise<void>>(Promise.resolve());

	useEffect(() => {
		if (!active || !navigator.mediaDevices) {
			if (!navigator.mediaDevices) {
				setDenied(true);
				setOpened(true);
			}
			return;
		}
		let cancelled = false;
		opening.current = (async () => {
			const early = openedEarly;
			openedEarly = undefined;
			const [audio, video] = await (early ?? Promise.all([openDevice('audio'), openDevice('video')]));
			if (cancelled) {
				audio?.stop();
				video?.stop();
				return;
			}
			tracks.current = { audio, video };
			setAudioTrack(audio);
			setVideoTrack(video);
			setDenied(!audio || !video);
			setOpened(true);
			setDevices(await navigator.mediaDevices.enumerateDevices());
		})();
		return () => {
			cancelled = true;
			if (!handedOver.current) {
				tracks.current.audio?.stop();
				tracks.current.video?.stop();
			}
		};
	}, [active]);

	const selectDevice = useCallback((kind: 'audioinput' | 'videoinput', deviceId: string) => {
		void (async () => {
			const track = await openDevice(kind === 'audioinput' ? 'audio' : 'video', deviceId);
			if (!track) return;
			if (kind === 'audioinput') {
				tracks.current.audio?.stop();
				tracks.current.audio = track;
				setAudioTrack(track);
			} else {
				tracks.current.video?.stop();
				tracks.current.video = track;
				setVideoTrack(track);
			}
		})();
	}, []);

	return {
		audioTrack,
		videoTrack,
		audioDevices: devices.filter((device) => device.kind === 'audioinput'),
		videoDevices: devices.filter((device) => device.kind === 'videoinput'),
		audioDeviceId: audioTrack?.getSettings().deviceId,
		videoDeviceId: videoTrack?.getSettings().deviceId,
		micOn: micOn && (!opened || Boolean(audioTrack)),
		cameraOn: cameraOn && (!opened || Boolean(videoTrack)),
		micAvailable: !opened || Boolean(audioTrack),
		cameraAvailable: !opened || Boolean(videoTrack),
		denied,
		setMicOn,
		setCameraOn,
		selectDevice,
		async handOver() {
			await opening.current;
			handedOver.current = true;
			const { audio, video } = tracks.current;
			return { audioTrack: audio, videoTrack: video, micOn: micOn && Boolean(audio), cameraOn: cameraOn && Boolean(video) };
		},
	};
}
