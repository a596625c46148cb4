/**
 * Property-based fuzzing (fast-check) of every Socket.IO request and every
 * HTTP endpoint, against the real server and worker: random and malformed
 * payloads, near-valid ones with junk in single fields (RTP parameters,
 * DTLS, SRTP, addresses), huge strings, `__proto__` keys, and the ids of
 * other people's transports, producers and consumers. Every request gets an
 * answer with a clear code (never INTERNAL or a 5xx), other people's media
 * goes on, and nothing is left in the worker once everyone has gone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors.js';
import { REQUESTS, type RequestName } from '../../shared/requests.js';
import type { SignalingClient } from '../../web/src/signaling/SignalingClient.js';
import { api, createRoom, joinAppToken } from '../support/server.js';
import { hostKeyOf, ownerToken, serverWithCrowd } from '../support/rooms.js';
import { type BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';
import { eventually } from '../support/eventually.js';

const fixture = serverWithCrowd();
const { crowd } = fixture;

/**
 * Host powers that would end the run or silence the victims when well-formed,
 * or make the guest fuzzer a co-host who could (each is tested where it
 * belongs); guests send them too, and are refused.
 */
const HOST_ONLY_FOR_OTHERS = new Set<RequestName>(['room.end', 'room.resetLink', 'participant.remove', 'participant.mute', 'participant.muteAll',
	'participant.setRole']);
const NAMES = Object.keys(REQUESTS) as RequestName[];

/** The fields a request's schema knows (none for junk-only schemas). */
function fieldsOf(schema: unknown): string[] {
	const node = schema as { shape?: Record<string, unknown>; unwrap?: () => unknown };
	if (node.shape) return Object.keys(node.shape);
	return node.unwrap ? fieldsOf(node.unwrap()) : [];
}

/** A field's values: ones the schema accepts (which the handler and the worker must still judge), and junk. */
interface Field {
	valid: fc.Arbitrary<unknown>;
	junk: fc.Arbitrary<unknown>;
}

const junkNumber = fc.oneof(fc.integer({ min: -(2 ** 33), max: 2 ** 33 }), fc.double(), fc.constantFrom(0, -1, 128, 256, 65_536, 2 ** 32));
const junkString = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('__proto__', 'constructor', '', ' ', 'a'.repeat(65)));
const junkValue = fc.oneof(junkNumber, junkString, fc.anything({ maxDepth: 2, withNullPrototype: true }));

/**
 * RTP parameters the schema accepts but the worker may not: codecs that do
 * not match the kind or the router, payload type clashes, RTX without its
 * codec, odd scalability modes, duplicate SSRCs.
 */
const rtpParameters = fc.record({
	mid: fc.constantFrom('0', '1', 'a'),
	codecs: fc.array(fc.record({
		mimeType: fc.constantFrom('audio/opus', 'video/VP8', 'video/H264', 'video/rtx', 'video/VP9', 'audio/PCMU', 'audio/x-junk'),
		payloadType: fc.integer({ min: 0, max: 127 }),
		clockRate: fc.constantFrom(48_000, 90_000, 8000, 1),
		channels: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
		parameters: fc.option(fc.dictionary(fc.constantFrom('apt', 'profile-id', 'packetization-mode', 'useinbandfec', 'x-google-start-bitrate'),
			fc.oneof(fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 200 }))), { nil: undefined }),
		rtcpFeedback: fc.option(fc.array(fc.record({ type: fc.constantFrom('nack', 'ccm', 'goog-remb', 'transport-cc'), parameter: fc.constantFrom('pli', 'fir', '') }),
			{ maxLength: 4 }), { nil: undefined }),
	}, { requiredKeys: ['mimeType', 'payloadType', 'clockRate'] }), { minLength: 1, maxLength: 3 }),
	encodings: fc.array(fc.record({
		ssrc: fc.constantFrom(1, 1111, 0xffffffff),
		rid: fc.constantFrom('r0', 'r1', 'r2'),
		scalabilityMode: fc.constantFrom('L1T3', 'L1T1', 'L3T3', 'S3T3', 'L9T9', 'junk', ''),
		rtx: fc.record({ ssrc: fc.constantFrom(1, 2222) }),
		maxBitrate: fc.integer({ min: 1, max: 10_000_000 }),
		scaleResolutionDownBy: fc.constantFrom(1, 2, 4),
		dtx: fc.boolean(),
	}, { requiredKeys: [] }), { maxLength: 4 }),
	headerExtensions: fc.array(fc.record({
		uri: fc.constantFrom('urn:ietf:params:rtp-hdrext:sdes:mid', 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', 'x'),
		id: fc.integer({ min: 1, max: 255 }),
	}), { maxLength: 4 }),
	rtcp: fc.record({ cname: fc.string({ maxLength: 40 }), reducedSize: fc.boolean(), mux: fc.boolean() }, { requiredKeys: [] }),
}, { requiredKeys: ['codecs'] });

const rtpCapabilities = fc.record({
	codecs: fc.array(fc.record({
		kind: fc.constantFrom('audio', 'video'), mimeType: fc.constantFrom('audio/opus', 'video/VP8', 'video/H264', 'video/rtx'),
		clockRate: fc.constantFrom(48_000, 90_000), preferredPayloadType: fc.integer({ min: 0, max: 127 }), channels: fc.integer({ min: 1, max: 2 }),
		parameters: fc.dictionary(fc.constantFrom('apt', 'profile-level-id'), fc.oneof(fc.integer({ min: 0, max: 127 }), fc.string({ maxLength: 8 }))),
	}, { requiredKeys: ['kind', 'mimeType', 'clockRate'] }), { maxLength: 4 }),
	headerExtensions: fc.array(fc.record({ kind: fc.constantFrom('audio', 'video'), uri: fc.constantFrom('urn:ietf:params:rtp-hdrext:sdes:mid', 'x'),
		preferredId: fc.integer({ min: 1, max: 255 }) }), { maxLength: 3 }),
}, { requiredKeys: [] });

/** Text of the base64url alphabet, as boxes and identities are sent. */
const base64url = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...'ABCxyz0189-_'), minLength, maxLength });

function fieldsFor(ids: string[], own: string[]): Record<string, Field> {
	const anId = { valid: fc.constantFrom(...ids), junk: junkString };
	const aTransport = own.length ? { valid: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...own) }, { weight: 1, arbitrary: fc.constantFrom(...ids) }), junk: junkString } : anId;
	const oneOf = (...values: unknown[]): Field => ({ valid: fc.constantFrom(...values), junk: junkValue });
	return {
		transportId: aTransport, producerId: anId, consumerId: anId, to: anId,
		producerIds: { valid: fc.array(fc.constantFrom(...ids), { minLength: 1, maxLength: 5 }), junk: fc.oneof(junkValue, fc.constant([]), fc.array(junkString, { maxLength: 200 })) },
		consumerIds: { valid: fc.array(fc.constantFrom(...ids), { minLength: 1, maxLength: 5 }), junk: fc.oneof(junkValue, fc.constant([]), fc.array(junkString, { maxLength: 200 })) },
		receive: oneOf('webrtc', 'plain'),
		participantId: { valid: fc.constantFrom(...ids, null), junk: junkString },
		direction: oneOf('send', 'recv'), type: oneOf('webrtc', 'plain'), kind: oneOf('audio', 'video'), source: oneOf('mic', 'camera', 'screen'),
		rtpParameters: { valid: rtpParameters, junk: junkValue },
		rtpCapabilities: { valid: rtpCapabilities, junk: junkValue },
		dtlsParameters: {
			valid: fc.record({ role: fc.constantFrom('auto', 'client', 'server'), fingerprints: fc.array(fc.record({
				algorithm: fc.constantFrom('sha-256', 'sha-1', 'sha-512'),
				value: fc.uint8Array({ minLength: 20, maxLength: 64 }).map((bytes) => [...bytes].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':')),
			}), { minLength: 1, maxLength: 3 }) }),
			junk: junkValue,
		},
		srtpParameters: {
			valid: fc.uint8Array({ minLength: 30, maxLength: 30 }).map((bytes) => ({ cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: Buffer.from(bytes).toString('base64') })),
			junk: fc.oneof(junkValue, fc.record({ cryptoSuite: fc.constantFrom('AEAD_AES_256_GCM', ''), keyBase64: fc.base64String({ maxLength: 60 }) })),
		},
		ip: { valid: fc.constantFrom('127.0.0.1', '::1', '0.0.0.0', '255.255.255.255', '10.0.0.1', '8.8.8.8'), junk: junkValue },
		port: { valid: fc.integer({ min: 1, max: 65_535 }), junk: junkNumber },
		paused: oneOf(true, false), wait: oneOf(true, false), locked: oneOf(true, false), waitForHost: oneOf(true, false), autoLockOnRemove: oneOf(true, false),
		height: { valid: fc.integer({ min: 1, max: 4320 }), junk: junkNumber },
		tiles: { valid: fc.array(fc.record({ producerId: fc.constantFrom(...ids), height: fc.integer({ min: 0, max: 8640 }) }), { maxLength: 60 }),
			junk: fc.oneof(junkValue, fc.array(fc.record({ producerId: junkString, height: junkNumber }), { maxLength: 100 })) },
		text: { valid: fc.string({ minLength: 1, maxLength: 2000 }), junk: fc.constantFrom('\u202eevil', ' ', 'x'.repeat(2001), 'x'.repeat(30_000)) },
		emoji: oneOf('👍', '🎉'), role: oneOf('cohost', 'guest'),
		unreachable: oneOf(true, false),
		box: { valid: base64url(1, 1366), junk: fc.constantFrom('', 'not base64url!', 'A'.repeat(20_000)) },
		e2ee: { valid: fc.record({ publicKey: base64url(87, 87), proof: base64url(43, 43) }), junk: junkValue },
		title: { valid: fc.string({ minLength: 1, maxLength: 100 }), junk: fc.constantFrom('', '\u200bx', 'x'.repeat(200)) },
		audience: oneOf('link', 'signed-in'),
		maxParticipants: { valid: fc.integer({ min: 2, max: 50 }), junk: junkNumber },
		expiresAt: { valid: fc.constantFrom(null, '2099-01-01T00:00:00Z'), junk: fc.constantFrom('2020-01-01T00:00:00Z', 'soon') },
	};
}

/**
 * Payloads for a request with these fields (all of them when not given): valid ones (which the handler
 * and the worker must still judge: other people's ids, RTP parameters the
 * router cannot take), ones with a single field of junk, missing or
 * extra, and fully random values.
 */
function payloads(ids: string[], only?: string[], own: string[] = []) {
	const fields = Object.entries(fieldsFor(ids, own)).filter(([key]) => !only || only.includes(key));
	const valid = Object.fromEntries(fields.map(([key, field]) => [key, field.valid]));
	const complete = fc.record(valid);
	const variants: fc.WeightedArbitrary<unknown>[] = [
		{ weight: 4, arbitrary: complete },
		{ weight: 1, arbitrary: fc.tuple(complete, fc.constantFrom('extra', '__proto__', 'constructor')).map(([payload, key]) => ({ ...payload, [key]: 1 })) },
		{ weight: 2, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true, withSparseArray: true }) },
		{ weight: 1, arbitrary: fc.constantFrom(JSON.parse('{"__proto__":{"polluted":true}}'), JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'), null, [], 'x') },
	];
	if (fields.length > 0) {
		variants.push({ weight: 4, arbitrary: fc.constantFrom(...fields).chain(([key, field]) => fc.record({ ...valid, [key]: field.junk })) });
		variants.push({ weight: 1, arbitrary: fc.record(valid, { requiredKeys: [] }) });
	}
	return fc.oneof(...variants);
}

/** Sends one request as a client would, with an ack; resolves with the code it ended with. */
function send(signaling: SignalingClient, name: RequestName, payload: unknown): Promise<string> {
	return signaling.request(name, payload as never).then(() => 'ok', (error: { code?: string; message?: string }) => {
		if (process.env.FUZZ_TRACE) console.log(`[fuzz] refused: ${error.message}`);
		return error.code ?? 'no code';
	});
}

describe('fuzzing', () => {
	it('every Socket.IO request, with any payload, from a host, a guest and an ingest participant: a clear answer, others unharmed, nothing left behind', async () => {
		const { room, hostUrl } = await createRoom(fixture.server.url, { waitForHost: false });
		// The victims: Bo sends, Cy receives Bo; the fuzzers get their ids.
		const bo = await crowd.stream(room.id, 'Bo');
		const cy = await crowd.stream(room.id, 'Cy');
		const boProducer = await bo.sendAudio();
		const cyConsumer = await cy.receive(boProducer);
		const host = await crowd.seat(room.code, 'Hana', { hostKey: hostKeyOf(hostUrl), appToken: joinAppToken('messenger', 'u-host', 'Hana') });
		const guest = await crowd.seat(room.code, 'Gus');
		const feed = await crowd.stream(room.id, 'Feed');
		const others = [boProducer, cyConsumer, bo.id, cy.id, host.id, guest.id, feed.id];
		// Nobody leaves mid-run: a well-formed room.leave would end that fuzzer's session (tested elsewhere).
		const staying = NAMES.filter((name) => name !== 'room.leave');
		// Media requests go furthest, into the worker: they come up four times as often.
		const media = NAMES.filter((name) => /^(transport|producer|consumer)\./.test(name));
		const fuzzers: { who: BotConnection; names: RequestName[]; own: string[] }[] = [
			{ who: host, names: [...staying.filter((name) => !HOST_ONLY_FOR_OTHERS.has(name)), ...media, ...media, ...media], own: [] },
			{ who: guest, names: [...staying, ...media, ...media, ...media], own: [] },
			{ who: feed, names: [...staying, ...media, ...media, ...media], own: [] },
		];
		// The guest's and the feed's own transports: most requests name them, some name someone else's objects.
		for (const [fuzzer, type] of [[fuzzers[1]!, 'webrtc'], [fuzzers[2]!, 'plain']] as const) {
			for (const direction of ['send', 'recv'] as const) fuzzer.own.push((await fuzzer.who.signaling.request('transport.create', { direction, type })).id);
		}
		const ids = [...others, ...fuzzers.flatMap(({ own }) => own)];

		const codes: Record<string, number> = {};
		const arbitraries = fuzzers.map(({ own }) => new Map(NAMES.map((name) => [name, payloads(ids, fieldsOf(REQUESTS[name].schema), own)])));
		const cases = fc.nat(fuzzers.length - 1).chain((which) => fc.constantFrom(...fuzzers[which]!.names)
			.chain((name) => arbitraries[which]!.get(name)!.map((payload) => ({ which, name, payload }))));
		await fc.assert(fc.asyncProperty(cases, async ({ which, name, payload }) => {
			const { who } = fuzzers[which]!;
			const started = performance.now();
			const code = await send(who.signaling, name, payload);
			if (process.env.FUZZ_TRACE) console.log(`[fuzz] ${which} ${name} ${code} ${Math.round(performance.now() - started)} ms ${JSON.stringify(payload)?.slice(0, 200)}`);
			codes[code] = (codes[code] ?? 0) + 1;
			// A rate-limited request was refused before validation: wait for the bucket, it says nothing about the payload.
			if (code === ErrorCode.RATE_LIMITED) await new Promise((resolve) => setTimeout(resolve, 200));
			expect(code, `${name} ${JSON.stringify(payload)?.slice(0, 300)}`).not.toBe(ErrorCode.INTERNAL);
			expect(code).not.toBe('no code');
			expect(who.signaling.connected, `${name} ${JSON.stringify(payload)?.slice(0, 300)} disconnected its sender`).toBe(true);
		}), { numRuns: Number(process.env.FUZZ_RUNS ?? 1500), endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) });

		console.log('[fuzz] answers by code:', JSON.stringify(codes));
		expect(codes.INVALID_PAYLOAD).toBeGreaterThan(100);
		// Bo's microphone still reaches Cy: no fuzzer closed, paused or took over someone else's media.
		const before = cy.receivedPackets;
		await eventually(() => cy.receivedPackets > before + 20, 3000, 'Bo\'s audio to keep reaching Cy');

		crowd.closeAll();
		const live = fixture.server.server.liveRooms.get(room.id);
		await eventually(() => !live || live.closed, 5000, 'the room to close once everyone has gone');
		for (const worker of fixture.server.server.workers.workers) {
			const dump = await worker.dump();
			expect(dump.routerIds).toEqual([]);
		}
	}, 120_000);

	it('a Socket.IO frame over the size limit closes only that socket', async () => {
		const { room } = await createRoom(fixture.server.url);
		const [mallory, bob] = [await crowd.seat(room.code, 'Mallory'), await crowd.seat(room.code, 'Bob')];
		const oversized = mallory.signaling.request('chat.send', { text: 'x'.repeat(100 * 1024) }).then(() => 'ok', (error: { code: string }) => error.code);
		await eventually(() => !mallory.signaling.connected, 5000, 'the sender\'s socket to close');
		expect(await oversized).not.toBe('ok');
		expect(bob.signaling.connected).toBe(true);
		expect((await bob.signaling.request('chat.send', { text: 'still here' })).text).toBe('still here');
		expect(bob.events.filter(({ event, payload }) => event === 'chat.message' && payload.text.length > 1000)).toEqual([]);
	});

	it('every HTTP endpoint, with any body, path id and query: a clear 4xx, never a 5xx', async () => {
		const { room } = await createRoom(fixture.server.url);
		const routes: [string, string][] = [
			['POST', '/rooms'], ['GET', '/rooms'], ['GET', '/rooms/:id'], ['PATCH', '/rooms/:id'], ['POST', '/rooms/:id/link/reset'],
			['DELETE', '/rooms/:id/participants/:pid'], ['POST', '/rooms/:id/participants/:pid/mute'], ['POST', '/rooms/:id/participants/:pid/role'],
			['POST', '/rooms/:id/mute'], ['POST', '/rooms/:id/lobby/:pid/admit'], ['POST', '/rooms/:id/lobby/:pid/deny'], ['POST', '/rooms/:id/ingest'],
			['GET', '/rooms/:id/events'], ['GET', '/rooms/:id/webhooks'], ['POST', '/identity-links'], ['GET', '/identity-links'],
			['POST', '/identity-links/:id/confirm'], ['DELETE', '/identity-links/:id'],
			['GET', '/invites/:code'], ['POST', '/invites/:code/status'], ['POST', '/invites/:code/join'], ['POST', '/web/rooms'],
		];
		const segment = fc.oneof(fc.constantFrom(room.id, room.code, '__proto__', '%00', '..', 'a'.repeat(300)), fc.webSegment());
		const body = fc.oneof(
			payloads([room.id, room.code]),
			fc.record({ name: fc.string({ maxLength: 100 }), title: fc.string({ maxLength: 200 }), guestKey: fc.string({ maxLength: 200 }),
				hostKey: fc.string({ maxLength: 100 }), appToken: fc.string({ maxLength: 100 }), audio: fc.boolean(), video: fc.anything({ maxDepth: 1 }),
				app: fc.string({ maxLength: 40 }), userId: fc.string({ maxLength: 200 }), audience: fc.constantFrom('link', 'signed-in', 'x') }, { requiredKeys: [] }),
		);
		const statuses: Record<number, number> = {};
		await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), segment, segment, body, fc.webQueryParameters(), fc.boolean(),
			async ([method, pattern], a, b, json, query, authorized) => {
				const pathname = pattern.replace(':id', encodeURIComponent(a)).replace(':code', encodeURIComponent(a)).replace(':pid', encodeURIComponent(b));
				const response = await api(fixture.server.url, method, `/api/v1${pathname}${query ? `?${query}` : ''}`,
					{ ...(authorized ? { token: ownerToken() } : {}), ...(method === 'GET' || method === 'DELETE' ? {} : { body: json }) });
				statuses[response.status] = (statuses[response.status] ?? 0) + 1;
				expect(response.status, `${method} ${pathname} ${JSON.stringify(json)?.slice(0, 200)}`).toBeLessThan(500);
				if (response.status >= 400) expect(typeof response.body?.error?.code).toBe('string');
			}), { numRuns: 400, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) });
		console.log('[fuzz] HTTP statuses:', JSON.stringify(statuses));
		expect(Object.keys(statuses).some((status) => Number(status) >= 400)).toBe(true);
	}, 120_000);
});
