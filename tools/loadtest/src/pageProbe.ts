/**
 * What each browser participant measures about itself, in the page: a
 * script added before the app loads, after KEEP_PEER_CONNECTIONS (whose
 * connections it reads for getStats). Every 100 ms it notes each remote video tile's decoded
 * frames, so that a freeze (no new frame for more than 500 ms) is seen even
 * between the coordinator's one-second samples. `window.roomsProbe.sample()`
 * returns the figures since the previous call. A string: it runs in the page.
 */
export const PAGE_PROBE = `
(() => {
	const connections = window.peerConnections;
	const FREEZE_MS = 500;
	/** Per video element: frames and time at its last sample, and the frame count and time of its latest change. */
	const tiles = new Map();
	setInterval(() => {
		const now = performance.now();
		for (const video of document.querySelectorAll('figure.tile[data-kind=camera] video')) {
			if (video.closest('figure').textContent.includes('(you)')) continue;
			const frames = video.getVideoPlaybackQuality().totalVideoFrames;
			let tile = tiles.get(video);
			if (!tile) tiles.set(video, tile = { sampledFrames: frames, sampledAt: now, frames, changedAt: now, frozen: false });
			if (frames !== tile.frames) {
				tile.frames = frames;
				tile.changedAt = now;
			} else if (now - tile.changedAt > FREEZE_MS) tile.frozen = true;
		}
	}, 100);

	let last = { at: performance.now(), inBytes: 0, outBytes: 0, received: 0, lost: 0 };
	window.roomsProbe = {
		async sample() {
			const now = performance.now();
			const seconds = Math.max(0.001, (now - last.at) / 1000);
			const shown = [];
			for (const [video, tile] of tiles) {
				if (!video.isConnected) { tiles.delete(video); continue; }
				// A tile that came on screen moments ago waits for the next sample: a few ms without a frame say nothing of its frame rate.
				const tileSeconds = (now - tile.sampledAt) / 1000;
				if (tileSeconds < 0.5) continue;
				shown.push({ fps: (tile.frames - tile.sampledFrames) / tileSeconds, frozen: tile.frozen, height: video.videoHeight });
				tile.sampledFrames = tile.frames;
				tile.sampledAt = now;
				tile.frozen = false;
			}
			let inBytes = 0, outBytes = 0, received = 0, lost = 0, jitter = [], rtt = [], sent;
			for (const connection of connections) {
				if (connection.connectionState === 'closed') continue;
				for (const stats of (await connection.getStats()).values()) {
					if (stats.type === 'inbound-rtp') {
						inBytes += stats.bytesReceived ?? 0;
						received += stats.packetsReceived ?? 0;
						lost += Math.max(0, stats.packetsLost ?? 0);
						if (stats.jitter !== undefined) jitter.push(stats.jitter * 1000);
					} else if (stats.type === 'outbound-rtp') {
						outBytes += stats.bytesSent ?? 0;
						// The camera's largest simulcast layer being sent, and why the encoder holds back (cpu, bandwidth), if it does.
						if (stats.kind === 'video' && stats.frameHeight && (!sent || stats.frameHeight > sent.height)) {
							sent = { width: stats.frameWidth ?? 0, height: stats.frameHeight, fps: stats.framesPerSecond ?? 0, limitation: stats.qualityLimitationReason ?? 'none' };
						}
					}
					else if (stats.type === 'candidate-pair' && stats.nominated && stats.currentRoundTripTime !== undefined) rtt.push(stats.currentRoundTripTime * 1000);
				}
			}
			const newReceived = received - last.received, newLost = lost - last.lost;
			const sample = {
				tiles: shown,
				inKbps: Math.max(0, inBytes - last.inBytes) * 8 / 1000 / seconds,
				outKbps: Math.max(0, outBytes - last.outBytes) * 8 / 1000 / seconds,
				loss: newReceived + newLost > 0 ? Math.max(0, newLost) / (newReceived + newLost) : 0,
				jitterMs: jitter.length ? jitter.reduce((a, b) => a + b, 0) / jitter.length : undefined,
				rttMs: rtt.length ? Math.max(...rtt) : undefined,
				sent,
				jsHeapMb: performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : undefined,
				firstFrameMs: window.roomsProbe.firstFrameMs,
				// In the room: the call's screen, not the reconnecting overlay over it.
				inRoom: Boolean(document.querySelector('main.room')) && !document.querySelector('main.room > .overlay'),
			};
			last = { at: now, inBytes, outBytes, received, lost };
			return sample;
		},
		/** Milliseconds from navigation start to the first remote video frame, once there is one. */
		firstFrameMs: undefined,
	};
	const firstFrame = setInterval(() => {
		for (const tile of tiles.values()) {
			if (tile.frames > 0) {
				window.roomsProbe.firstFrameMs = performance.now();
				clearInterval(firstFrame);
				return;
			}
		}
	}, 50);
})();
`;
