/** Identity links, in the service's SQLite file. */
import type Database from 'better-sqlite3';
import type { IdentityLink, IdentityLinkStore } from '../IdentityLinkStore.js';
import { linkFromRow, type LinkRow } from '../rows.js';
import type { SqliteExecutor } from './SqliteExecutor.js';

export class SqliteIdentityLinkStore implements IdentityLinkStore {
	readonly #db: Database.Database;
	readonly #sql: SqliteExecutor;
	/** Runs on every owner request, so prepared once. */
	readonly #activeNeighbours: Database.Statement<[string, string], { other: string }>;

	constructor(db: Database.Database, sql: SqliteExecutor) {
		this.#db = db;
		this.#sql = sql;
		this.#activeNeighbours = db.prepare(`
			SELECT to_identity AS other FROM identity_links WHERE status = 'active' AND from_identity = ?
			UNION SELECT from_identity AS other FROM identity_links WHERE status = 'active' AND to_identity = ?`);
	}

	insert(link: IdentityLink): Promise<void> {
		return this.#sql.request(() => {
			this.#db.prepare('INSERT INTO identity_links (id, from_identity, to_identity, status, created_at) VALUES (?, ?, ?, ?, ?)')
				.run(link.id, link.from, link.to, link.status, link.createdAt);
		});
	}

	get(id: string): Promise<IdentityLink | undefined> {
		return this.#sql.request(() => this.#get(id));
	}

	#get(id: string): IdentityLink | undefined {
		const row = this.#db.prepare<[string], LinkRow>('SELECT * FROM identity_links WHERE id = ?').get(id);
		return row && linkFromRow(row);
	}

	between(from: string, to: string): Promise<IdentityLink | undefined> {
		return this.#sql.request(() => {
			const row = this.#db.prepare<[string, string], LinkRow>('SELECT * FROM identity_links WHERE from_identity = ? AND to_identity = ?').get(from, to);
			return row && linkFromRow(row);
		});
	}

	activate(id: string, at: string): Promise<IdentityLink | undefined> {
		return this.#sql.request(this.#db.transaction(() => {
			this.#db.prepare("UPDATE identity_links SET status = 'active', confirmed_at = ? WHERE id = ?").run(at, id);
			return this.#get(id);
		}));
	}

	delete(id: string): Promise<void> {
		return this.#sql.request(() => {
			this.#db.prepare('DELETE FROM identity_links WHERE id = ?').run(id);
		});
	}

	listFor(identity: string): Promise<IdentityLink[]> {
		return this.#sql.request(() => this.#db.prepare<[string, string], LinkRow>(
			'SELECT * FROM identity_links WHERE from_identity = ? OR to_identity = ? ORDER BY created_at, id')
			.all(identity, identity).map(linkFromRow));
	}

	activeNeighbours(identity: string): Promise<string[]> {
		return this.#sql.request(() => this.#activeNeighbours.all(identity, identity).map(({ other }) => other));
	}
}
