/**
 * One contract for every store implementation, run on SQLite (a real file)
 * and on PostgreSQL (Debian's server, started for this file): the services
 * cannot tell them apart. Invite codes stay unique under concurrent writers,
 * against live rooms and codes a reset retired; an owner's quota holds under
 * concurrent creations; listings page by keyset; the purge takes what it
 * should; the timeline, the removals, the webhook outbox and identity links
 * read back as written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withFreshCode } from '../../../server/rooms/inviteCodes.js';
import { CodeTakenError, OwnerQuotaError, type RoomRecord } from '../../../server/store/RoomStore.js';
import { openPgStores } from '../../../server/store/pg/openPgStores.js';
import { MIGRATIONS, migrate } from '../../../server/store/pg/schema.js';
import { openSqliteStores } from '../../../server/store/sqlite/openSqliteStores.js';
import type { Stores } from '../../../server/store/Stores.js';
import { Postgres, startPostgres } from '../../support/postgres.js';

const logger = pino({ level: 'silent' });
let postgres: Postgres;
beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.close());

const KINDS = {
	SQLite: async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-store-'));
		const stores = openSqliteStores(dir, { waitMs: 2000, logger });
		return { stores, cleanUp: () => fs.rmSync(dir, { recursive: true, force: true }) };
	},
	PostgreSQL: async () => ({ stores: await openPgStores(await postgres.database(), { waitMs: 2000, logger }), cleanUp: () => undefined }),
};

/** The ids of the deliveries a claim got. */
const ids = ({ claimed }: { claimed: { id: string }[] }): string[] => claimed.map(({ id }) => id);

let serial = 0;
function record(code: string, overrides: Partial<RoomRecord> = {}): RoomRecord {
	const now = new Date().toISOString();
	return {
		id: `room-${++serial}`, code, title: 'Room', ownerIdentity: 'messenger:u-1', ownerName: 'Hana', audience: 'link',
		maxParticipants: 50, locked: false, lockedBy: null, waitForHost: true, autoLockOnRemove: true, e2ee: false, expiresAt: null,
		status: 'open', hostKeyHash: 'a'.repeat(64), createdAt: now, updatedAt: now, endedAt: null, ...overrides,
	};
}

describe.each(Object.keys(KINDS) as (keyof typeof KINDS)[])('%s stores', (kind) => {
	let stores: Stores;
	let cleanUp: () => void;
	beforeEach(async () => {
		({ stores, cleanUp } = await KINDS[kind]());
	});
	afterEach(async () => {
		await stores.close();
		cleanUp();
	});

	it('reads back a room as written, by id and by code, and applies patches', async () => {
		const room = record('READBACK23', { locked: true, lockedBy: 'host', e2ee: true, expiresAt: '2099-01-01T00:00:00.000Z' });
		await stores.rooms.insertRoom(room);
		expect(await stores.rooms.getRoom(room.id)).toEqual(room);
		expect(await stores.rooms.getRoomByCode('READBACK23')).toEqual(room);
		const updated = await stores.rooms.updateRoom(room.id, { title: 'New title', locked: false, lockedBy: null, maxParticipants: 12 });
		expect(updated).toMatchObject({ title: 'New title', locked: false, lockedBy: null, maxParticipants: 12, code: 'READBACK23', e2ee: true });
		expect(updated!.updatedAt >= room.updatedAt).toBe(true);
		expect(await stores.rooms.updateRoom('no-such-room', { title: 'x' })).toBeUndefined();
		expect(await stores.rooms.getRoom('no-such-room')).toBeUndefined();
	});

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
		expect(await stores.rooms.replaceCode(first.id, 'NEWCODE234', { hostKeyHash: 'b'.repeat(64) })).toMatchObject({ code: 'NEWCODE234', hostKeyHash: 'b'.repeat(64) });
		expect(await stores.rooms.isRetiredCode('OLDCODE234')).toBe(true);
		expect(await stores.rooms.getRoomByCode('OLDCODE234')).toBeUndefined();
		await expect(stores.rooms.insertRoom(record('OLDCODE234'))).rejects.toBeInstanceOf(CodeTakenError);
		const second = record('OTHERCODE2');
		await stores.rooms.insertRoom(second);
		await expect(stores.rooms.replaceCode(second.id, 'OLDCODE234', {})).rejects.toBeInstanceOf(CodeTakenError);
		await expect(stores.rooms.replaceCode(second.id, 'NEWCODE234', {})).rejects.toBeInstanceOf(CodeTakenError);
		// A refused reset changed nothing: the room keeps its code, and its code is not retired.
		expect((await stores.rooms.getRoom(second.id))?.code).toBe('OTHERCODE2');
		expect(await stores.rooms.isRetiredCode('OTHERCODE2')).toBe(false);
		expect(await stores.rooms.replaceCode('no-such-room', 'FRESHCODE2', {})).toBeUndefined();
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

	it('holds an owner to their quota of open rooms, even when the creations race', async () => {
		const quota = { maxOpen: 3, maxCreatedSince: 100, since: new Date(Date.now() - 60_000).toISOString() };
		const owner = { ownerIdentity: `messenger:quota-${kind}` };
		const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => stores.rooms.insertRoom(record(`QUOTA${i}23456`, owner), quota)));
		expect(results.filter(({ status }) => status === 'fulfilled')).toHaveLength(3);
		for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
			expect(result.reason).toEqual(new OwnerQuotaError('open', 3));
		}
	});

	it('lists an owner\'s rooms newest first, in pages that continue where the last stopped', async () => {
		const owner = `messenger:pages-${kind}`;
		const rooms = Array.from({ length: 5 }, (_, i) => record(`PAGE${i}234567`, { ownerIdentity: owner, createdAt: `2026-01-0${i + 1}T00:00:00.000Z` }));
		// Two rooms created in the same millisecond are told apart by id.
		rooms.push(record('PAGESAME234', { ownerIdentity: owner, createdAt: rooms[4]!.createdAt }));
		for (const room of rooms) await stores.rooms.insertRoom(room);
		await stores.rooms.insertRoom(record('NOTMINE2345'));
		const first = await stores.rooms.listRoomsByOwners([owner], { limit: 4 });
		const last = first.at(-1)!;
		const rest = await stores.rooms.listRoomsByOwners([owner], { limit: 4, after: { createdAt: last.createdAt, id: last.id } });
		const expected = [...rooms].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? -1 : 1)).map(({ id }) => id);
		expect([...first, ...rest].map(({ id }) => id)).toEqual(expected);
		expect(await stores.rooms.listRoomsByOwners([], { limit: 10 })).toEqual([]);
	});

	it('purges rooms that ended before the cutoff with what is kept about them; open, recent and live rooms stay', async () => {
		const old = '2026-01-01T00:00:00.000Z';
		const ended = record('ENDED23456', { status: 'ended', endedAt: old });
		const live = record('LIVEENDED2', { status: 'ended', endedAt: old });
		const open = record('STILLOPEN2');
		for (const room of [ended, live, open]) await stores.rooms.insertRoom(room);
		await stores.rooms.replaceCode(ended.id, 'ENDEDNEW23', {});
		await stores.timeline.appendEvent(ended.id, { type: 'room.ended', actor: { kind: 'system', name: 'Rooms' } });
		await stores.barred.bar(ended.id, 'removed', [{ kind: 'guest-key', value: 'gk' }]);
		const delivery = { appId: 'messenger', roomId: ended.id, event: 'room.ended' as const, body: '{}', nextAttemptAt: 0, createdAt: old };
		await stores.webhooks.enqueue({ ...delivery, id: 'delivered-1' });
		await stores.webhooks.enqueue({ ...delivery, id: 'pending-1' });
		const [sent] = await stores.webhooks.list('messenger', ended.id, 10).then((entries) => entries.filter(({ id }) => id === 'delivered-1'));
		await stores.webhooks.recordAttempt(sent!.seq, 'delivered', [], 0);

		const counts = await stores.rooms.purge({ roomsBefore: new Date('2026-02-01'), deliveriesBefore: new Date('2026-02-01'), keep: new Set([live.id]) });
		expect(counts).toEqual({ rooms: 1, events: 1, retiredCodes: 1, deliveries: 1 });
		expect(await stores.rooms.getRoom(ended.id)).toBeUndefined();
		expect(await stores.rooms.isRetiredCode('ENDED23456')).toBe(false);
		expect(await stores.barred.barredOf(ended.id, 'removed')).toEqual([]);
		// The pending delivery stays: the app is still told.
		expect((await stores.webhooks.list('messenger', ended.id, 10)).map(({ id }) => id)).toEqual(['pending-1']);
		expect(await stores.rooms.getRoom(live.id)).toBeDefined();
		expect(await stores.rooms.getRoom(open.id)).toBeDefined();
	});

	it('keeps co-hosts in order of appointment until dismissed, and purges them with their room', async () => {
		await stores.cohosts.setCohost('room-r', 'p-2', true);
		await stores.cohosts.setCohost('room-r', 'p-1', true);
		await stores.cohosts.setCohost('room-r', 'p-2', true);
		await stores.cohosts.setCohost('room-other', 'p-9', true);
		expect(await stores.cohosts.cohostsOf('room-r')).toEqual(['p-2', 'p-1']);
		await stores.cohosts.setCohost('room-r', 'p-2', false);
		expect(await stores.cohosts.cohostsOf('room-r')).toEqual(['p-1']);
		const ended = record('ROLESEND23', { status: 'ended', endedAt: '2020-01-01T00:00:00.000Z' });
		await stores.rooms.insertRoom(ended);
		await stores.cohosts.setCohost(ended.id, 'p-3', true);
		await stores.rooms.purge({ roomsBefore: new Date(), deliveriesBefore: new Date(0), keep: new Set() });
		expect(await stores.cohosts.cohostsOf(ended.id)).toEqual([]);
		expect(await stores.cohosts.cohostsOf('room-r')).toEqual(['p-1']);
	});

	it('keeps removals and denials apart', async () => {
		const person = [{ kind: 'guest-key' as const, value: 'gk-1' }];
		await stores.barred.bar('room-a', 'removed', person);
		await stores.barred.bar('room-a', 'removed', person);
		expect(await stores.barred.reasonsBarred('room-a', person)).toEqual(['removed']);
		await stores.barred.bar('room-a', 'denied', [{ kind: 'identity', value: 'messenger:u-9' }]);
		expect(await stores.barred.barredOf('room-a', 'denied')).toEqual([{ kind: 'identity', value: 'messenger:u-9' }]);
		expect(await stores.barred.reasonsBarred('room-a', [...person, { kind: 'identity', value: 'messenger:u-9' }]).then((reasons) => reasons.sort()))
			.toEqual(['denied', 'removed']);
		expect(await stores.barred.reasonsBarred('room-b', person)).toEqual([]);
	});

	it('keeps the timeline in order, each line with its own time, read on from an id', async () => {
		const at = new Date('2026-03-01T10:00:00.000Z');
		const written = [];
		for (const name of ['Ana', 'Bo', 'Cy']) {
			written.push(await stores.timeline.appendEvent('room-t', {
				type: 'participant.joined', actor: { kind: 'participant', name, id: `p-${name}` }, subject: { id: `p-${name}`, name }, data: { via: 'link' },
			}, at));
		}
		const events = await stores.timeline.listEvents('room-t', 0, 10);
		expect(events).toEqual(written);
		expect(events.map(({ at: time }) => time)).toEqual(Array(3).fill(at.toISOString()));
		expect(await stores.timeline.listEvents('room-t', written[0]!.id, 1)).toEqual([written[1]]);
		expect(await stores.timeline.listEvents('room-other', 0, 10)).toEqual([]);
	});

	it('claims the outbox\'s oldest pending delivery of each room, soonest due first, for one owner at a time until its lease ends', async () => {
		const entry = (id: string, roomId: string, nextAttemptAt: number) => ({ id, appId: 'messenger', roomId, event: 'participant.joined' as const, body: `{"id":"${id}"}`, nextAttemptAt, createdAt: new Date().toISOString() });
		await stores.webhooks.enqueue(entry('a1', 'room-a', 500));
		await stores.webhooks.enqueue(entry('b1', 'room-b', 100));
		await stores.webhooks.enqueue(entry('a2', 'room-a', 0));
		await stores.webhooks.enqueue(entry('c1', 'room-c', 5000));
		// Due heads only, soonest first; c1 is the next to fall due.
		const first = await stores.webhooks.claimHeads('node-1', 1000, 10_000, 10);
		expect([ids(first), first.nextDueAt]).toEqual([['b1', 'a1'], 5000]);
		expect(first.claimed[1]).toMatchObject({ appId: 'messenger', roomId: 'room-a', status: 'pending', attempts: [], nextAttemptAt: 500, body: '{"id":"a1"}' });
		// Held: nobody else gets them, and a room's next delivery waits behind its held head.
		expect(ids(await stores.webhooks.claimHeads('node-2', 1000, 10_000, 10))).toEqual([]);
		await stores.webhooks.recordAttempt(first.claimed[0]!.seq, 'delivered', [{ at: new Date().toISOString(), status: 204, durationMs: 12 }], 0);
		expect(ids(await stores.webhooks.claimHeads('node-2', 2000, 10_000, 10))).toEqual([]);
		// A lease that ended (its node died mid-attempt): another owner takes it; and an owner's own claims can be let go.
		expect(ids(await stores.webhooks.claimHeads('node-2', 11_001, 10_000, 1))).toEqual(['a1']);
		await stores.webhooks.releaseClaims('node-2');
		expect(ids(await stores.webhooks.claimHeads('node-3', 11_002, 10_000, 10))).toEqual(['a1', 'c1']);
		// The outcome of an attempt ends its claim: a retry is anybody's once due.
		const [a1] = (await stores.webhooks.list('messenger', 'room-a', 10)).filter(({ id }) => id === 'a1');
		await stores.webhooks.recordAttempt(a1!.seq, 'pending', [{ at: new Date().toISOString(), status: 500, durationMs: 3 }], 12_000);
		expect(ids(await stores.webhooks.claimHeads('node-1', 12_000, 10_000, 10))).toEqual(['a1']);
		expect((await stores.webhooks.list('messenger', undefined, 10)).map(({ id, status }) => `${id} ${status}`)).toEqual(['c1 pending', 'a2 pending', 'b1 delivered', 'a1 pending']);
		expect((await stores.webhooks.list('messenger', 'room-b', 10))[0]!.attempts).toEqual([{ at: expect.any(String), status: 204, durationMs: 12 }]);
	});

	it('keeps identity links, pending until confirmed, and finds the active ones from either end', async () => {
		const link = { id: 'link-1', from: 'messenger:u-1', to: 'whatsapp:u-2', status: 'pending' as const, createdAt: '2026-01-01T00:00:00.000Z', confirmedAt: null };
		await stores.identityLinks.insert(link);
		expect(await stores.identityLinks.get('link-1')).toEqual(link);
		expect(await stores.identityLinks.between('messenger:u-1', 'whatsapp:u-2')).toEqual(link);
		expect(await stores.identityLinks.activeNeighbours('messenger:u-1')).toEqual([]);
		expect(await stores.identityLinks.activate('link-1', '2026-01-02T00:00:00.000Z')).toEqual({ ...link, status: 'active', confirmedAt: '2026-01-02T00:00:00.000Z' });
		expect(await stores.identityLinks.activeNeighbours('whatsapp:u-2')).toEqual(['messenger:u-1']);
		expect((await stores.identityLinks.listFor('whatsapp:u-2')).map(({ id }) => id)).toEqual(['link-1']);
		await expect(stores.identityLinks.insert({ ...link, id: 'link-2' })).rejects.toThrow();
		await stores.identityLinks.delete('link-1');
		expect(await stores.identityLinks.get('link-1')).toBeUndefined();
	});
});

describe('PostgreSQL shared by several nodes', () => {
	/** Three nodes' stores on one database, each with its own connections, as three servers would have. */
	async function threeNodes(): Promise<Stores[]> {
		const url = await postgres.database();
		return Promise.all(Array.from({ length: 3 }, () => openPgStores(url, { waitMs: 5000, logger })));
	}

	it('holds an owner to their quota when the creations race on different nodes', async () => {
		const nodes = await threeNodes();
		try {
			const quota = { maxOpen: 4, maxCreatedSince: 100, since: new Date(Date.now() - 60_000).toISOString() };
			const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) =>
				nodes[i % 3]!.rooms.insertRoom(record(`NODES${String(i).padStart(2, '0')}2345`, { ownerIdentity: 'messenger:racer' }), quota)));
			expect(results.filter(({ status }) => status === 'fulfilled')).toHaveLength(4);
		} finally {
			await Promise.all(nodes.map((node) => node.close()));
		}
	});

	it('gives a code to one room only when nodes race for it, and never a retired one', async () => {
		const nodes = await threeNodes();
		try {
			const results = await Promise.allSettled(Array.from({ length: 9 }, (_, i) => nodes[i % 3]!.rooms.insertRoom(record('RACECODE23'))));
			expect(results.filter(({ status }) => status === 'fulfilled')).toHaveLength(1);
			const winner = await nodes[1]!.rooms.getRoomByCode('RACECODE23');
			await nodes[2]!.rooms.replaceCode(winner!.id, 'RACENEW234', {});
			await expect(nodes[0]!.rooms.insertRoom(record('RACECODE23'))).rejects.toBeInstanceOf(CodeTakenError);
		} finally {
			await Promise.all(nodes.map((node) => node.close()));
		}
	});

	it('gives each delivery to one node when three claim at once, and a room\'s next only after its head is done', async () => {
		const nodes = await threeNodes();
		try {
			for (let room = 0; room < 20; room++) {
				for (let index = 0; index < 2; index++) {
					await nodes[room % 3]!.webhooks.enqueue({ id: `r${room}-${index}`, appId: 'messenger', roomId: `room-${room}`, event: 'room.locked', body: '{}', nextAttemptAt: 0, createdAt: new Date().toISOString() });
				}
			}
			const rounds = await Promise.all(nodes.map((node, index) => node.webhooks.claimHeads(`node-${index}`, 1000, 10_000, 20)));
			const claimed = rounds.flatMap(({ claimed: entries }) => entries.map(({ id }) => id));
			expect(claimed.sort()).toEqual(Array.from({ length: 20 }, (_, room) => `r${room}-0`).sort());
			expect(ids(await nodes[0]!.webhooks.claimHeads('node-0', 1000, 10_000, 20))).toEqual([]);
		} finally {
			await Promise.all(nodes.map((node) => node.close()));
		}
	});

	it('purges no room live on another node, and takes a dead node\'s placement and records with the room they were of', async () => {
		const nodes = await threeNodes();
		try {
			const [purging, holding] = nodes as [Stores, Stores];
			for (const id of ['node-b', 'node-c']) await holding.nodes!.register({ id, incarnation: `${id}-1`, internalUrl: `http://127.0.0.1/${id}` });
			const old = '2026-01-01T00:00:00.000Z';
			// Its link expired long ago, but its call goes on, on node b (no time limit).
			const elsewhere = record('LIVEELSE23', { expiresAt: old });
			// It ended on node c, which died before it could let go of the room, with Ana still on the record.
			const abandoned = record('ABANDON234', { status: 'ended', endedAt: old });
			for (const room of [elsewhere, abandoned]) await purging.rooms.insertRoom(room);
			expect((await holding.nodes!.place(elsewhere.id, 5, 'node-b'))?.nodeId).toBe('node-b');
			expect((await holding.nodes!.place(abandoned.id, 5, 'node-c'))?.nodeId).toBe('node-c');
			await holding.presence!.seat({ roomId: abandoned.id, participantId: 'p-ana', name: 'Ana' }, 'node-c');
			await holding.nodes!.markDead('node-c');

			const counts = await purging.rooms.purge({ roomsBefore: new Date('2026-02-01'), deliveriesBefore: new Date('2026-02-01'), keep: new Set() });
			expect(counts.rooms).toBe(1);
			expect(await purging.rooms.getRoom(elsewhere.id)).toBeDefined();
			expect(await purging.rooms.getRoom(abandoned.id)).toBeUndefined();
			expect(await holding.nodes!.placementsOn('node-c', 0)).toEqual([]);
			expect(await holding.presence!.takeAllOf('node-c', new Date(Date.now() + 60_000))).toEqual([]);
			expect((await holding.nodes!.placementsOn('node-b', 0)).map(({ roomId }) => roomId)).toEqual([elsewhere.id]);
		} finally {
			await Promise.all(nodes.map((node) => node.close()));
		}
	});

	it('three nodes starting at once against an empty database apply each migration once', async () => {
		const url = await postgres.database();
		const clients = await Promise.all(Array.from({ length: 3 }, async () => {
			const client = new pg.Client({ connectionString: url });
			await client.connect();
			return client;
		}));
		try {
			const applied = await Promise.all(clients.map((client) => migrate(client)));
			expect(applied.reduce((sum, count) => sum + count, 0)).toBe(MIGRATIONS.length);
			const { rows } = await clients[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
			expect(rows.map(({ version }) => version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
			// And again: nothing left to apply.
			expect(await migrate(clients[1]!)).toBe(0);
		} finally {
			await Promise.all(clients.map((client) => client.end()));
		}
	});

	it('refuses to start, saying why, when the database cannot be reached', async () => {
		await expect(openPgStores('postgres://rooms@127.0.0.1:1/none', { waitMs: 1000, logger }))
			.rejects.toThrow(/cannot open the PostgreSQL database of ROOMS_DATABASE_URL/);
	});
});
