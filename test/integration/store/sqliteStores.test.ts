/**
 * The SQLite stores on a real file: invite codes stay unique under
 * concurrent writers, against live rooms and against codes a link reset
 * retired, because the store checks and inserts in one transaction.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFreshCode } from '../../../server/rooms/inviteCodes.js';
import { CodeTakenError, type RoomRecord } from '../../../server/store/RoomStore.js';
import { MIGRATIONS } from '../../../server/store/sqlite/database.js';
import { openSqliteStores } from '../../../server/store/sqlite/openSqliteStores.js';
import type { Stores } from '../../../server/store/Stores.js';

let dir: string;
let stores: Stores;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-store-'));
	stores = openSqliteStores(dir, { waitMs: 2000, logger: pino({ level: 'silent' }) });
});
afterEach(() => {
	stores.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
function record(code: string): RoomRecord {
	const now = new Date().toISOString();
	return {
		id: `room-${++serial}`, code, title: 'Room', ownerIdentity: 'messenger:u-1', ownerName: 'Hana', audience: 'link',
		maxParticipants: 50, locked: false, lockedBy: null, waitForHost: true, autoLockOnRemove: true, e2ee: false, expiresAt: null,
		status: 'open', hostKeyHash: 'a'.repeat(64), createdAt: now, updatedAt: now, endedAt: null,
	};
}

describe('SQLite room store', () => {
	it('lets exactly one of many concurrent inserts take a code', async () => {
		const results = await Promise.allSettled(Array.from({ length: 20 }, () => stores.rooms.insertRoom(record('SAMECODE23'))));
		expect(results.filter(({ status }) => status === 'fulfilled')).toHaveLength(1);
		for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
			expect(result.reason).toBeInstanceOf(CodeTakenError);
		}
	});

	it('never gives a new room, or a reset, a code that a reset retired', async () => {
		const first = record('OLDCODE234');
		await stores.rooms.insertRoom(first);
		await stores.rooms.replaceCode(first.id, 'NEWCODE234', {});
		expect(await stores.rooms.isRetiredCode('OLDCODE234')).toBe(true);
		await expect(stores.rooms.insertRoom(record('OLDCODE234'))).rejects.toBeInstanceOf(CodeTakenError);
		const second = record('OTHERCODE2');
		await stores.rooms.insertRoom(second);
		await expect(stores.rooms.replaceCode(second.id, 'OLDCODE234', {})).rejects.toBeInstanceOf(CodeTakenError);
		await expect(stores.rooms.replaceCode(second.id, 'NEWCODE234', {})).rejects.toBeInstanceOf(CodeTakenError);
		// A refused reset changed nothing: the room keeps its code, and its code is not retired.
		expect((await stores.rooms.getRoom(second.id))?.code).toBe('OTHERCODE2');
		expect(await stores.rooms.isRetiredCode('OTHERCODE2')).toBe(false);
	});

	it('draws again when a code is taken, so concurrent creations all get distinct codes', async () => {
		// A generator that keeps proposing the same few codes: every creation but the first collides at least once.
		const proposals = ['COLLIDE234', 'COLLIDE234', 'COLLIDE234', 'SECOND2345', 'COLLIDE234', 'SECOND2345', 'THIRD23456'];
		let next = 0;
		const draw = () => proposals[next++ % proposals.length]!;
		const create = () => withFreshCode(async (code) => {
			const room = record(code);
			await stores.rooms.insertRoom(room);
			return room;
		}, draw);
		const rooms = await Promise.all([create(), create(), create()]);
		expect(new Set(rooms.map(({ code }) => code))).toEqual(new Set(['COLLIDE234', 'SECOND2345', 'THIRD23456']));
	});
});

describe('SQLite barred store', () => {
	it('keeps removals and denials apart in one table', async () => {
		const person = [{ kind: 'guest-key' as const, value: 'gk-1' }];
		await stores.barred.bar('room-a', 'removed', person);
		expect(await stores.barred.reasonsBarred('room-a', person)).toEqual(['removed']);
		await stores.barred.bar('room-a', 'denied', [{ kind: 'identity', value: 'messenger:u-9' }]);
		expect(await stores.barred.barredOf('room-a', 'denied')).toEqual([{ kind: 'identity', value: 'messenger:u-9' }]);
		expect(await stores.barred.reasonsBarred('room-a', [...person, { kind: 'identity', value: 'messenger:u-9' }]).then((reasons) => reasons.sort()))
			.toEqual(['denied', 'removed']);
		expect(await stores.barred.reasonsBarred('room-b', person)).toEqual([]);
	});

	it('keeps the removals and denials of a data folder from before the tables were one', async () => {
		stores.close();
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
