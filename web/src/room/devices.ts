/** Opening a camera or microphone, the same way before and during a call. */

/** 720p: the top simulcast layer, for a speaker on a large screen; thumbnails get the 180p layer. */
const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/** The device's track, or undefined when it is missing or permission was denied. */
export async function openDevice(kind: 'audio' | 'video', deviceId?: string): Promise<MediaStreamTrack | undefined> {
	const constraints = kind === 'audio'
		? { audio: deviceId ? { deviceId: { exact: deviceId } } : true }
		: { video: { ...VIDEO_CONSTRAINTS, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) } };
	try {
		const stream = await navigator.mediaDevices.getUserMedia(constraints);
		return kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
	} catch {
		return undefined;
	}
}
