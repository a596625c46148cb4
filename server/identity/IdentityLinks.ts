/**
 * Linked identities: one person known to several apps (a Messenger account
 * id, a WhatsApp phone number). An app declares that its user is also a
 * user of another app; the link takes effect only when that other app
 * confirms it for its own user, so each app vouches only for its own people.
 * Active links are followed transitively when deciding who owns a room.
 */
import type Database from 'better-sqlite3';
import { nanoid } from 'nanoid';
import { AppRegistry } from '../apps/AppRegistry.js';
import type { AppUser } from '../auth/appTokens.js';
import { Errors } from '../errors.js';

export interface IdentityLink {
	id: string;
	/** The identity whose app declared the link. */
	from: string;
	/** The identity whose app must confirm it. */
	to: string;
	status: 'pending' | 'active';
	createdAt: string;
	confirmedAt: string | null;
}

interface LinkRow {
	id: string;
	from_identity: string;
	to_identity: string;
	status: IdentityLink['status'];
	created_at: string;
	confirmed_at: string | null;
}

function fromRow(row: LinkRow): IdentityLink {
	return { id: row.id, from: row.from_identity, to: row.to_identity, status: row.status, createdAt: row.created_at, confirmedAt: row.confirmed_at };
}

export class IdentityLinks {
	readonly #db: Database.Database;
	readonly #apps: AppRegistry;
	/** The other ends of a identity's active links; run on every owner request, so prepared once. */
	readonly #activeNeighbours: Database.Statement<[string, string], { other: string }>;

	constructor(db: Database.Database, apps: AppRegistry) {
		this.#db = db;
		this.#apps = apps;
		this.#activeNeighbours = db.prepare(`
			SELECT to_identity AS other FROM identity_links WHERE status = 'active' AND from_identity = ?
			UNION SELECT from_identity AS other FROM identity_links WHERE status = 'active' AND to_identity = ?`);
	}

	/**
	 * `user` (vouched for by their app's token) says they are `userId` of
	 * `appId`. Pending until that app confirms; if that app had already
	 * declared the reverse, this confirms it instead.
	 */
	declare(user: AppUser, appId: string, userId: string): IdentityLink {
		const app = this.#apps.get(appId);
		if (!app) throw Errors.invalidPayload(`unknown app ${appId}`);
		if (app.id === user.app.id) throw Errors.invalidPayload('link identities of two different apps');
		if (!AppRegistry.isValidUserId(app, userId)) throw Errors.invalidPayload(`userId is not a valid ${app.name} user id`);
		const to = `${app.id}:${userId}`;
		const reverse = this.#between(to, user.identity);
		if (reverse) return reverse.status === 'active' ? reverse : this.#activate(reverse.id);
		const existing = this.#between(user.identity, to);
		if (existing) return existing;
		const link: IdentityLink = { id: `lnk_${nanoid()}`, from: user.identity, to, status: 'pending', createdAt: new Date().toISOString(), confirmedAt: null };
		this.#db.prepare('INSERT INTO identity_links (id, from_identity, to_identity, status, created_at) VALUES (?, ?, ?, ?, ?)')
			.run(link.id, link.from, link.to, link.status, link.createdAt);
		return link;
	}

	/** The other side confirms: only the identity the link points to may. */
	confirm(user: AppUser, linkId: string): IdentityLink {
		const link = this.#get(linkId);
		if (!link || link.to !== user.identity) throw Errors.notFound('identity link');
		return link.status === 'active' ? link : this.#activate(link.id);
	}

	/** Either side may undo a link, pending or active. */
	remove(user: AppUser, linkId: string): void {
		const link = this.#get(linkId);
		if (!link || (link.from !== user.identity && link.to !== user.identity)) throw Errors.notFound('identity link');
		this.#db.prepare('DELETE FROM identity_links WHERE id = ?').run(linkId);
	}

	/** Links this user declared or must confirm. */
	list(user: AppUser): IdentityLink[] {
		return this.#db.prepare<[string, string], LinkRow>(
			'SELECT * FROM identity_links WHERE from_identity = ? OR to_identity = ? ORDER BY created_at, id')
			.all(user.identity, user.identity).map(fromRow);
	}

	/** The identity and every identity actively linked to it, directly or through others. */
	identitiesOf(identity: string): string[] {
		const found = new Set([identity]);
		for (const current of found) {
			for (const { other } of this.#activeNeighbours.all(current, current)) found.add(other);
		}
		return [...found];
	}

	#get(id: string): IdentityLink | undefined {
		const row = this.#db.prepare<[string], LinkRow>('SELECT * FROM identity_links WHERE id = ?').get(id);
		return row && fromRow(row);
	}

	#between(from: string, to: string): IdentityLink | undefined {
		const row = this.#db.prepare<[string, string], LinkRow>('SELECT * FROM identity_links WHERE from_identity = ? AND to_identity = ?').get(from, to);
		return row && fromRow(row);
	}

	#activate(id: string): IdentityLink {
		this.#db.prepare("UPDATE identity_links SET status = 'active', confirmed_at = ? WHERE id = ?").run(new Date().toISOString(), id);
		return this.#get(id)!;
	}
}
