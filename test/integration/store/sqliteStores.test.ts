/**
 * What only the SQLite stores have: a data folder from an older release,
 * brought up to date by its migrations. What every store does is in
 * storeContract.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../server/store/sqlite/database.js';
import { openSqliteStores } from '../../../server/store/sqlite/openSqliteStores.js';
import type { Stores } from '../../../server/store/Stores.js';

let dir: string;
let stores: Stores;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-store-'));
	stores = openSqliteStores(dir, { waitMs: 2000, logger: pino({ level: 'silent' }) });
});
afterEach(async () => {
	await stores.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

describe('SQLite stores', () => {
	it('keeps the removals and denials of a data folder from before the tables were one', async () => {
		await stores.close();
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir);
		// The schema as the previous release left it, with one removal and one denial in it.
		const old = new Database(path.join(dir, 'rooms.sqlite'));
		const merging = MIGRATIONS.findIndex((migration) => migration.includes('CREATE TABLE room_barred'));
		for (const migration of MIGRATIONS.slice(0, merging)) old.exec(migration);
		old.pragma(`user_version = ${merging}`);
		old.prepare("INSERT INTO room_bans VALUES ('room-a', 'guest-key', 'gk-removed', '2026-01-01T00:00:00.000Z')").run();
		old.prepare("INSERT INTO room_denials VALUES ('room-a', 'identity', 'messenger:u-denied', '2026-01-01T00:00:00.000Z')").run();
		old.close();
		stores = openSqliteStores(dir, { waitMs: 2000, logger: pino({ level: 'silent' }) });
		expect(await stores.barred.reasonsBarred('room-a', [{ kind: 'guest-key', value: 'gk-removed' }])).toEqual(['removed']);
		expect(await stores.barred.barredOf('room-a', 'denied')).toEqual([{ kind: 'identity', value: 'messenger:u-denied' }]);
	});
});
