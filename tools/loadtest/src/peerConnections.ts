/**
 * Keeps each RTCPeerConnection a page makes in `window.peerConnections`, for
 * getStats: an init script for the end-to-end tests and the load tool's
 * probe. A string: tsx rewrites functions.
 */
export const KEEP_PEER_CONNECTIONS = `
	window.peerConnections = [];
	const Native = window.RTCPeerConnection;
	window.RTCPeerConnection = function (...args) {
		const connection = new Native(...args);
		window.peerConnections.push(connection);
		return connection;
	};
	window.RTCPeerConnection.prototype = Native.prototype;
	Object.setPrototypeOf(window.RTCPeerConnection, Native);
`;
