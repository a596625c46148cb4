/** Helpers for tests that need a host and guests in a room. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { SignalingError } from '../../web/src/signaling/SignalingClient.js';
import { api, appToken, joinAppToken, joinSeat, startServer, type TestServer } from './server.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';

export const OWNER = { app: 'messenger', user: 'u-host', name: 'Hana' } as const;
export const ownerToken = (): string => appToken(OWNER.app, OWNER.user, OWNER.name);
/** The owner's token for joining their own room as themselves. */
export const ownerJoinToken = (): string => joinAppToken(OWNER.app, OWNER.user, OWNER.name);

export function hostKeyOf(hostUrl: string): string {
	return new URLSearchParams(new URL(hostUrl).hash.slice(1)).get('host')!;
}

/** The error code a signalling request was refused with. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof SignalingError) return error.code;
		throw error;
	}
	throw new Error('expected the request to be refused');
}

/** A set of participants closed together after each test. */
export class Crowd {
	readonly #open: BotConnection[] = [];

	constructor(private readonly url: () => string) {}

	/** Joins by code and takes a seat (or fails). */
	async seat(code: string, name: string, extra: Record<string, unknown> = {}): Promise<BotConnection> {
		const seat = await joinSeat(this.url(), code, name, extra);
		const participant = await BotConnection.connect(this.url(), seat.token, { path: seat.signalingPath });
		this.#open.push(participant);
		return participant;
	}

	/** An ingest participant of the owner app, seated: it can send and receive plain SRTP. */
	async stream(roomId: string, name: string): Promise<BotConnection> {
		const participant = await BotConnection.ingest(this.url(), roomId, name, ownerToken());
		this.#open.push(participant);
		return participant;
	}

	/** Connects with `wait` and asks for a seat; may end up in the lobby. */
	async arrive(code: string, name: string, extra: Record<string, unknown> = {}) {
		const seat = await joinSeat(this.url(), code, name, { wait: true, ...extra });
		const participant = await BotConnection.connect(this.url(), seat.token, { join: false, path: seat.signalingPath });
		this.#open.push(participant);
		const result = await participant.join({ wait: true });
		return { participant, result };
	}

	/** Connects with a token as it is, without joining. */
	async connect(token: string): Promise<BotConnection> {
		const participant = await BotConnection.connect(this.url(), token, { join: false });
		this.#open.push(participant);
		return participant;
	}

	closeAll(): void {
		for (const participant of this.#open.splice(0)) participant.close();
	}
}

export async function roomOf(base: string, roomId: string): Promise<any> {
	const response = await api(base, 'GET', `/api/v1/rooms/${roomId}`, { token: ownerToken() });
	if (response.status !== 200) throw new Error(`get room failed: ${JSON.stringify(response.body)}`);
	return response.body.room;
}

/**
 * One server for a whole test file, and a crowd emptied after each test.
 * `server` is there once the file's tests run.
 */
export function serverWithCrowd(env: Record<string, string> = {}): { readonly server: TestServer; readonly crowd: Crowd } {
	let server: TestServer | undefined;
	const current = (): TestServer => {
		if (!server) throw new Error('the test server has not started');
		return server;
	};
	const fixture = {
		get server(): TestServer {
			return current();
		},
		crowd: new Crowd(() => current().url),
	};
	beforeAll(async () => {
		server = await startServer(env);
	});
	afterEach(() => fixture.crowd.closeAll());
	afterAll(async () => {
		await server?.close();
	});
	return fixture;
}

/** The room's timeline of people, as lines such as "Bo joined" with their times, through the owner API. */
export async function peopleTimeline(base: string, roomId: string): Promise<{ line: string; at: string }[]> {
	const { body } = await api(base, 'GET', `/api/v1/rooms/${roomId}/events`, { token: ownerToken() });
	return body.events.filter(({ type }: { type: string }) => type.startsWith('participant.'))
		.map(({ type, actor, subject, at }: { type: string; actor: { name: string }; subject?: { name: string }; at: string }) =>
			({ line: `${(subject ?? actor).name} ${type.split('.')[1]}`, at }));
}

/** The room's webhook events in the outbox, oldest first, through the owner API. */
export async function webhookEvents(base: string, roomId: string): Promise<string[]> {
	const { body } = await api(base, 'GET', `/api/v1/rooms/${roomId}/webhooks`, { token: ownerToken() });
	return body.deliveries.map(({ event }: { event: string }) => event).reverse();
}
