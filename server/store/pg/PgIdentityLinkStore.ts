/** Identity links, in PostgreSQL. */
import type pg from 'pg';
import type { IdentityLink, IdentityLinkStore } from '../IdentityLinkStore.js';
import { linkFromRow, type LinkRow } from '../rows.js';
import type { PgExecutor } from './PgExecutor.js';

export class PgIdentityLinkStore implements IdentityLinkStore {
	readonly #sql: PgExecutor;

	constructor(sql: PgExecutor) {
		this.#sql = sql;
	}

	insert(link: IdentityLink): Promise<void> {
		return this.#sql.request(async (db) => {
			await db.query('INSERT INTO identity_links (id, from_identity, to_identity, status, created_at) VALUES ($1, $2, $3, $4, $5)',
				[link.id, link.from, link.to, link.status, link.createdAt]);
		});
	}

	get(id: string): Promise<IdentityLink | undefined> {
		return this.#sql.request((db) => this.#one(db, 'SELECT * FROM identity_links WHERE id = $1', [id]));
	}

	async #one(db: pg.ClientBase, query: string, values: unknown[]): Promise<IdentityLink | undefined> {
		const { rows: [row] } = await db.query<LinkRow>(query, values);
		return row && linkFromRow(row);
	}

	between(from: string, to: string): Promise<IdentityLink | undefined> {
		return this.#sql.request((db) => this.#one(db, 'SELECT * FROM identity_links WHERE from_identity = $1 AND to_identity = $2', [from, to]));
	}

	activate(id: string, at: string): Promise<IdentityLink | undefined> {
		return this.#sql.request((db) => this.#one(db, "UPDATE identity_links SET status = 'active', confirmed_at = $2 WHERE id = $1 RETURNING *", [id, at]));
	}

	delete(id: string): Promise<void> {
		return this.#sql.request(async (db) => {
			await db.query('DELETE FROM identity_links WHERE id = $1', [id]);
		});
	}

	listFor(identity: string): Promise<IdentityLink[]> {
		return this.#sql.request(async (db) => (await db.query<LinkRow>(
			'SELECT * FROM identity_links WHERE from_identity = $1 OR to_identity = $1 ORDER BY created_at, id', [identity])).rows.map(linkFromRow));
	}

	activeNeighbours(identity: string): Promise<string[]> {
		return this.#sql.request(async (db) => (await db.query<{ other: string }>(`
			SELECT to_identity AS other FROM identity_links WHERE status = 'active' AND from_identity = $1
			UNION SELECT from_identity AS other FROM identity_links WHERE status = 'active' AND to_identity = $1`, [identity])).rows.map(({ other }) => other));
	}
}
