/**
 * The rooms a load test fills: the one behind the invite link, or with
 * `--rooms N` that many rooms the tool makes through the owner API (as the
 * app user of `--app`), so that a server is loaded with many rooms and not
 * only one. Rooms the tool made, it ends when the run is over.
 */
import { signAppToken } from '../../../shared/appTokens.js';

export interface LoadRoom {
	/** `room 1`, `room 2`...: how reports name it (never by its code). */
	label: string;
	inviteUrl: string;
	/** The owner API's id, once known (bots need it). */
	id?: string;
}

export interface AppCredentials {
	id: string;
	secret: string;
	userId: string;
	userName: string;
}

/** An app token for the owner API, for the run's length. */
export const ownerToken = (app: AppCredentials) => signAppToken({ id: app.id, secret: app.secret }, app.userId, app.userName, 3600);

export class LoadRooms {
	readonly rooms: LoadRoom[];
	readonly #origin: string;
	readonly #app: AppCredentials | undefined;
	/** Made by this run: ended when it is over. */
	readonly #made: string[];

	private constructor(origin: string, rooms: LoadRoom[], app: AppCredentials | undefined, made: string[]) {
		this.#origin = origin;
		this.rooms = rooms;
		this.#app = app;
		this.#made = made;
	}

	/** The link's room alone, when `count` is undefined; else `count` new rooms of the app, made now. */
	static async open(inviteUrl: string, count: number | undefined, app: AppCredentials | undefined, runId: string): Promise<LoadRooms> {
		const origin = new URL(inviteUrl).origin;
		if (count === undefined) return new LoadRooms(origin, [{ label: 'room 1', inviteUrl }], app, []);
		if (!app) throw new Error('--rooms makes its rooms through the owner API: give the app\'s credentials (--app, --app-secret, --app-user)');
		const made: LoadRoom[] = [];
		const rooms = new LoadRooms(origin, made, app, []);
		try {
			for (let i = 0; i < count; i++) {
				const response = await fetch(`${origin}/api/v1/rooms`, {
					method: 'POST',
					headers: { authorization: `Bearer ${ownerToken(app)}`, 'content-type': 'application/json' },
					// Nobody hosts a load room: guests must not wait for a host.
					body: JSON.stringify({ title: `Load test ${runId.slice(0, 8)}, room ${i + 1}`, waitForHost: false }),
				});
				const body = await response.json().catch(() => ({})) as { room?: { id: string }; inviteUrl?: string; error?: { code?: string; message?: string } };
				if (!response.ok || !body.room || !body.inviteUrl) {
					throw new Error(`the owner API would not make load room ${i + 1}: ${body.error?.code ?? `HTTP ${response.status}`}${body.error?.message ? ` (${body.error.message})` : ''}`);
				}
				made.push({ label: `room ${i + 1}`, inviteUrl: body.inviteUrl, id: body.room.id });
				rooms.#made.push(body.room.id);
			}
		} catch (error) {
			await rooms.close();
			throw error;
		}
		return rooms;
	}

	/** Participant `index`'s room: spread round-robin. */
	of(index: number): LoadRoom {
		return this.rooms[index % this.rooms.length]!;
	}

	/** The room's id for the owner API (the ingest API takes it): known for rooms made here, looked up by code for the link's. */
	async idOf(room: LoadRoom): Promise<string> {
		if (room.id) return room.id;
		if (!this.#app) throw new Error('bots need the owner app\'s credentials: --app, --app-secret and --app-user (or ROOMS_LOADTEST_APP...)');
		const code = new URL(room.inviteUrl).pathname.split('/').pop();
		let cursor: string | null = null;
		do {
			const response = await fetch(`${this.#origin}/api/v1/rooms?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${ownerToken(this.#app)}` } });
			if (!response.ok) throw new Error(`the owner API refused the app credentials: HTTP ${response.status}`);
			const page = await response.json() as { rooms: { id: string; code: string }[]; nextCursor: string | null };
			const found = page.rooms.find((candidate) => candidate.code === code);
			if (found) return (room.id = found.id);
			cursor = page.nextCursor;
		} while (cursor);
		throw new Error('the app user given with --app-user does not own the room of this invite link');
	}

	/** Ends the rooms this run made (a room it was given is left as it was). */
	async close(): Promise<void> {
		const app = this.#app;
		if (!app) return;
		await Promise.all(this.#made.splice(0).map((id) => fetch(`${this.#origin}/api/v1/rooms/${id}/end`, {
			method: 'POST', headers: { authorization: `Bearer ${ownerToken(app)}` },
		}).catch(() => undefined)));
	}
}
