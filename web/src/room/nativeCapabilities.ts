/**
 * mediasoup-client's handler for this browser, with its probe of the
 * browser's own RTP capabilities done once per page and kept. The probe makes
 * two throwaway RTCPeerConnection offers (some 50 ms of main thread); the join
 * page runs it while the person types their name (`probeNativeCapabilities`),
 * so the Device loads at once when the seat is taken, and a rejoin does not
 * probe again.
 */
import { detectDevice, type types } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/handlers/Chrome111';
import { Chrome74 } from 'mediasoup-client/handlers/Chrome74';
import { Firefox120 } from 'mediasoup-client/handlers/Firefox120';
import { Safari12 } from 'mediasoup-client/handlers/Safari12';
import type { HandlerFactory } from 'mediasoup-client/handlers/HandlerInterface';

const HANDLERS: Record<string, () => HandlerFactory> = {
	Chrome111: () => Chrome111.createFactory({}),
	Chrome74: () => Chrome74.createFactory({}),
	Firefox120: () => Firefox120.createFactory({}),
	Safari12: () => Safari12.createFactory({}),
};

let memoized: HandlerFactory | undefined;

/**
 * This browser's handler factory, probing at most once per direction; undefined where mediasoup-client knows no
 * handler (the Device then says so itself, as it did before).
 */
export function handlerFactory(): HandlerFactory | undefined {
	if (memoized) return memoized;
	const name = detectDevice();
	const make = name ? HANDLERS[name] : undefined;
	if (!make) return undefined;
	const factory = make();
	const probes = new Map<string, Promise<types.RtpCapabilities>>();
	memoized = {
		name: factory.name,
		factory: (options) => factory.factory(options),
		getNativeRtpCapabilities: (options) => {
			let probe = probes.get(options.direction);
			if (!probe) {
				probe = factory.getNativeRtpCapabilities(options);
				// A failed probe is tried again next time, not remembered.
				probe.catch(() => probes.delete(options.direction));
				probes.set(options.direction, probe);
			}
			return probe;
		},
	};
	return memoized;
}

/** Probes now, in the background: what the Device's load would otherwise wait for after the join. */
export function probeNativeCapabilities(): void {
	const factory = handlerFactory();
	for (const direction of ['recvonly', 'sendonly'] as const) void factory?.getNativeRtpCapabilities({ direction }).catch(() => undefined);
}
