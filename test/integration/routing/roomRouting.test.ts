/**
 * Three real nodes on a real PostgreSQL 15, reached directly (the balancer's
 * part is in cluster.test.ts): a room lives on one node. A join on any node
 * places it and answers its node's signalling path; guests who joined via
 * different nodes meet there; first joins racing on two nodes agree; a socket
 * on another node is told where the room is (WRONG_NODE); the owner's
 * controls sent to any node act on the room where it is; a node answers
 * forwarded requests only under the cluster's signature; a locate moves a
 * room only off a node that fails its probe, whose rooms then close; a
 * draining node takes no new room, and its call moves when the drain ends;
 * and a node that starts again records who its earlier start left behind.
 */
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotConnection, ingestSeat } from '../../../tools/loadtest/src/bots/BotConnection.js';
import { eventually } from '../../support/eventually.js';
import { clusterFixture } from '../../support/postgres.js';
import { ownerToken } from '../../support/rooms.js';
import { api, createRoom, joinSeat, metricOf, type TestServer } from '../../support/server.js';

const fixture = clusterFixture();
const NODE_IDS = ['node-a', 'node-b', 'node-c'] as const;
let nodes: TestServer[] = [];
let shared: Record<string, string>;
let db: pg.Client;
const open: BotConnection[] = [];

beforeAll(async () => {
	shared = await fixture.cluster();
	nodes = [];
	for (const id of NODE_IDS) nodes.push(await fixture.node({ ...shared, ROOMS_NODE_ID: id }));
	db = new pg.Client({ connectionString: shared.ROOMS_DATABASE_URL });
	await db.connect();
}, 60_000);

afterAll(async () => {
	for (const participant of open.splice(0)) participant.close();
	await db?.end();
});

/** The node whose Socket.IO path this is. */
function nodeAt(signalingPath: string): TestServer {
	const index = NODE_IDS.findIndex((id) => signalingPath === `/node/${id}/socket.io`);
	if (index < 0) throw new Error(`no node has the path ${signalingPath}`);
	return nodes[index]!;
}

/** Joins via `via` and connects where the answer says, as a browser behind the balancer would. */
async function seatVia(via: TestServer, code: string, name: string): Promise<BotConnection> {
	const seat = await joinSeat(via.url, code, name);
	const participant = await BotConnection.connect(nodeAt(seat.signalingPath).url, seat.token, { path: seat.signalingPath });
	open.push(participant);
	return participant;
}

/**
 * A node started now, and a call on it: an owner app's seat asked of it for a
 * room placed nowhere, so the room goes live where its first socket arrives.
 */
async function callOnNewNode(id: string) {
	const node = await fixture.node({ ...shared, ROOMS_NODE_ID: id });
	const { room } = await createRoom(nodes[0]!.url);
	const seat = await ingestSeat(node.url, room.id, 'Ana', ownerToken());
	const participant = await BotConnection.connect(node.url, seat.token, { path: `/node/${id}/socket.io` });
	open.push(participant);
	expect((await placements())[room.id]).toBe(id);
	return { node, room, seat, participant };
}

async function placements(): Promise<Record<string, string>> {
	const { rows } = await db.query<{ room_id: string; node_id: string }>('SELECT room_id, node_id FROM room_placements');
	return Object.fromEntries(rows.map((row) => [row.room_id, row.node_id]));
}

describe('rooms on a cluster of nodes', () => {
	it('places a room on one node; guests joining via different nodes meet on it', async () => {
		const { room } = await createRoom(nodes[0]!.url);
		const ana = await seatVia(nodes[0]!, room.code, 'Ana');
		const bo = await seatVia(nodes[1]!, room.code, 'Bo');
		const cy = await seatVia(nodes[2]!, room.code, 'Cy');
		await ana.waitFor('participant.joined', (view) => view.name === 'Cy');
		expect(cy.joined.participants.map((view: { name: string }) => view.name).sort()).toEqual(['Ana', 'Bo']);
		const holder = (await placements())[room.id]!;
		const holderIndex = NODE_IDS.indexOf(holder as typeof NODE_IDS[number]);
		expect(nodes[holderIndex]!.server.liveRooms.get(room.id)?.participantCount).toBe(3);
		for (const [index, node] of nodes.entries()) if (index !== holderIndex) expect(node.server.liveRooms.get(room.id)).toBeUndefined();
		// What the join page shows comes from the room's node, whichever node is asked.
		for (const node of nodes) expect((await api(node.url, 'GET', `/api/v1/invites/${room.code}`)).body.participantCount).toBe(3);
		for (const participant of [ana, bo]) participant.close();
	}, 60_000);

	it('spreads 30 rooms over the three nodes', async () => {
		const before = Object.keys(await placements()).length;
		const paths: string[] = [];
		for (let index = 0; index < 30; index++) {
			const { room } = await createRoom(nodes[index % 3]!.url);
			paths.push((await joinSeat(nodes[(index + 1) % 3]!.url, room.code, 'Ana')).signalingPath);
		}
		const perNode = NODE_IDS.map((id) => paths.filter((path) => path === `/node/${id}/socket.io`).length);
		expect(perNode.every((count) => count >= 5), `rooms per node: ${perNode.join(', ')}`).toBe(true);
		expect(Object.keys(await placements()).length).toBe(before + 30);
	}, 60_000);

	it('agrees on one node when first joins race via two nodes, 20 times', async () => {
		for (let round = 0; round < 20; round++) {
			const { room } = await createRoom(nodes[0]!.url);
			const [first, second] = await Promise.all([joinSeat(nodes[1]!.url, room.code, 'Ana'), joinSeat(nodes[2]!.url, room.code, 'Bo')]);
			expect(first.signalingPath).toBe(second.signalingPath);
			const { rows } = await db.query('SELECT node_id FROM room_placements WHERE room_id = $1', [room.id]);
			expect(rows).toHaveLength(1);
		}
	}, 60_000);

	it('refuses a socket on a node that does not hold the room with WRONG_NODE and the room\'s path', async () => {
		const { room } = await createRoom(nodes[0]!.url);
		const seat = await joinSeat(nodes[0]!.url, room.code, 'Ana');
		const other = nodes.find((node) => node !== nodeAt(seat.signalingPath))!;
		const otherPath = `/node/${NODE_IDS[nodes.indexOf(other)]}/socket.io`;
		const socket = io(other.url, { path: otherPath, auth: { token: seat.token }, transports: ['websocket'], reconnection: false });
		try {
			const refusal = await new Promise<{ data?: { code: string; signalingPath: string } }>((resolve) => {
				socket.once('connect_error', resolve);
				socket.once('connect', () => resolve({}));
			});
			expect(refusal.data).toMatchObject({ code: 'WRONG_NODE', signalingPath: seat.signalingPath });
		} finally {
			socket.close();
		}
		// The room did not go live there, and its placement did not move.
		expect(other.server.liveRooms.get(room.id)).toBeUndefined();
		expect(`/node/${(await placements())[room.id]}/socket.io`).toBe(seat.signalingPath);
	}, 30_000);

	it('acts on owner controls sent to a node that does not hold the room: mute, remove, lock, reset, end', async () => {
		const { room } = await createRoom(nodes[0]!.url);
		const bo = await seatVia(nodes[0]!, room.code, 'Bo');
		const holder = (await placements())[room.id]!;
		const elsewhere = nodes[NODE_IDS.findIndex((id) => id !== holder)]!;
		// Ana streams her microphone (an ingest seat of the owner app, asked of a node that does not hold the room).
		const seat = await ingestSeat(elsewhere.url, room.id, 'Ana', ownerToken());
		expect(seat.signalingPath).toBe(`/node/${holder}/socket.io`);
		const ana = await BotConnection.connect(nodeAt(seat.signalingPath).url, seat.token, { path: seat.signalingPath });
		open.push(ana);
		await ana.sendAudio();
		const owner = { token: ownerToken() };
		const forwardedKey = 'rooms_cluster_forwarded_requests_total{result="answered"}';
		const forwardedBefore = await metricOf(elsewhere.url, forwardedKey);

		// The room's participants are listed by the node holding them, whichever node is asked.
		const listed = await api(elsewhere.url, 'GET', `/api/v1/rooms/${room.id}`, owner);
		expect(listed.body.room.participants.map((view: { name: string }) => view.name).sort()).toEqual(['Ana', 'Bo']);

		expect((await api(elsewhere.url, 'POST', `/api/v1/rooms/${room.id}/participants/${ana.id}/mute`, owner)).status).toBe(200);
		await ana.waitFor('moderation.muted');

		expect((await api(elsewhere.url, 'DELETE', `/api/v1/rooms/${room.id}/participants/${bo.id}`, owner)).status).toBe(204);
		await bo.waitFor('session.closed', ({ reason }) => reason === 'removed');

		const locked = await api(elsewhere.url, 'PATCH', `/api/v1/rooms/${room.id}`, { ...owner, body: { locked: true } });
		expect(locked.status).toBe(200);
		await ana.waitFor('room.updated', (settings) => settings.locked === true);

		const reset = await api(elsewhere.url, 'POST', `/api/v1/rooms/${room.id}/link/reset`, { ...owner, body: {} });
		expect(reset.status).toBe(200);
		expect(reset.body.room.code).not.toBe(room.code);

		expect((await api(elsewhere.url, 'POST', `/api/v1/rooms/${room.id}/end`, owner)).status).toBe(200);
		await ana.waitFor('session.closed', ({ reason }) => reason === 'room-ended');
		// The list and the five controls went on to the room's node, and this node's metrics say so.
		expect(await metricOf(elsewhere.url, forwardedKey) - forwardedBefore).toBe(6);
		expect(await metricOf(elsewhere.url, 'rooms_cluster_forwarded_requests_total{result="unanswered"}')).toBe(0);
		await eventually(() => nodes.every((node) => !node.server.liveRooms.get(room.id)), 5000, 'the room to close on its node');
	}, 60_000);

	it('answers /internal/v1 only under the cluster secret\'s signature, made lately', async () => {
		const { room } = await createRoom(nodes[0]!.url);
		const path = `/internal/v1/rooms/${room.id}/end`;
		const signed = (secret: string, time: number) => ({
			'x-rooms-time': String(time),
			'x-rooms-signature': createHmac('sha256', secret).update(`POST\n${path}\n${time}\n`).digest('base64url'),
			authorization: `Bearer ${ownerToken()}`,
		});
		const send = (headers: Record<string, string>) => fetch(`${nodes[1]!.url}${path}`, { method: 'POST', headers });
		const wrongSecret = await send(signed('not-the-cluster-secret-'.padEnd(40, 'n'), Date.now()));
		expect(wrongSecret.status).toBe(401);
		expect((await wrongSecret.json()).error.code).toBe('AUTH_INVALID');
		expect((await send(signed(shared.ROOMS_CLUSTER_SECRET!, Date.now() - 60_000))).status).toBe(401);
		expect((await send({ authorization: `Bearer ${ownerToken()}` })).status).toBe(401);
		expect((await api(nodes[0]!.url, 'GET', `/api/v1/rooms/${room.id}`, { token: ownerToken() })).body.room.status).toBe('open');
		// The same request, rightly signed, is answered.
		expect((await send(signed(shared.ROOMS_CLUSTER_SECRET!, Date.now()))).status).toBe(200);
		expect((await api(nodes[0]!.url, 'GET', `/api/v1/rooms/${room.id}`, { token: ownerToken() })).body.room.status).toBe('ended');
	}, 30_000);

	it('answers a locate with the room\'s node while that node answers its probe: a healthy node is never marked dead', async () => {
		const { room } = await createRoom(nodes[0]!.url);
		const seat = await joinSeat(nodes[0]!.url, room.code, 'Ana');
		const ana = await BotConnection.connect(nodeAt(seat.signalingPath).url, seat.token, { path: seat.signalingPath });
		open.push(ana);
		const before = await db.query('SELECT node_id, epoch FROM room_placements WHERE room_id = $1', [room.id]);
		for (const node of nodes) {
			const located = await api(node.url, 'POST', '/api/v1/locate', { body: { token: seat.token } });
			expect([located.status, located.body.signalingPath]).toEqual([200, seat.signalingPath]);
		}
		expect((await db.query('SELECT node_id, epoch FROM room_placements WHERE room_id = $1', [room.id])).rows).toEqual(before.rows);
		expect((await db.query("SELECT id FROM nodes WHERE state != 'serving'")).rows).toEqual([]);
		const forged = await api(nodes[1]!.url, 'POST', '/api/v1/locate', { body: { token: `${seat.token}x` } });
		expect([forged.status, forged.body.error.code]).toEqual([401, 'AUTH_INVALID']);
		ana.close();
	}, 30_000);

	it('closes a node\'s rooms when the cluster counts it out, and a locate then places them on a live node', async () => {
		const { node: spare, room, seat, participant: ana } = await callOnNewNode('node-d');
		const appointed = await api(nodes[0]!.url, 'POST', `/api/v1/rooms/${room.id}/participants/${ana.id}/role`, { token: ownerToken(), body: { role: 'cohost' } });
		expect(appointed.status).toBe(200);

		const moved = 'rooms_cluster_rooms_moved_total';
		const [movedBefore, markedBefore] = [await metricOf(nodes[0]!.url, moved), await metricOf(nodes[0]!.url, 'rooms_cluster_nodes_marked_dead_total')];
		await db.query("UPDATE nodes SET state = 'dead' WHERE id = 'node-d'");
		await ana.waitFor('session.closed', ({ reason }) => reason === 'server-shutdown');
		expect(spare.server.liveRooms.get(room.id)).toBeUndefined();
		expect((await api(spare.url, 'GET', '/readyz')).body.error.reason).toBe('not-in-cluster');

		const located = await api(nodes[0]!.url, 'POST', '/api/v1/locate', { body: { token: seat.token } });
		expect(located.body.signalingPath).not.toBe('/node/node-d/socket.io');
		expect(`/node/${(await placements())[room.id]}/socket.io`).toBe(located.body.signalingPath);
		// The node that located the room moved it; node d answers that it is out, so it is marked dead again.
		expect(await metricOf(nodes[0]!.url, moved) - movedBefore).toBe(1);
		expect(await metricOf(nodes[0]!.url, 'rooms_cluster_nodes_marked_dead_total') - markedBefore).toBe(1);
		await eventually(async () => await metricOf(nodes[0]!.url, 'rooms_cluster_nodes{state="dead"}') >= 1, 5000, 'a sweep to see node d dead');
		expect(await metricOf(nodes[0]!.url, 'rooms_cluster_nodes{state="serving"}')).toBeGreaterThanOrEqual(3);
		// Back on its new node, as the same participant, still co-host.
		const again = await BotConnection.connect(nodeAt(located.body.signalingPath).url, seat.token, { path: located.body.signalingPath });
		open.push(again);
		expect(again.joined.self).toMatchObject({ id: seat.participantId, role: 'cohost' });
	}, 30_000);

	it('places no new room on a draining node, and its call moves when the drain ends, recorded as a move', async () => {
		const { node: draining, room, seat, participant: ana } = await callOnNewNode('node-e');
		const drained = draining.server.drain(3000);
		await eventually(async () => (await db.query("SELECT state FROM nodes WHERE id = 'node-e'")).rows[0]?.state === 'draining', 5000, 'node e to say it drains');
		for (let index = 0; index < 6; index++) {
			const { room: fresh } = await createRoom(nodes[0]!.url);
			expect((await joinSeat(draining.url, fresh.code, 'Bo')).signalingPath).not.toBe('/node/node-e/socket.io');
		}
		// The call went on while it drained, and is closed so that it moves.
		await ana.waitFor('session.closed', ({ reason }) => reason === 'server-shutdown', 10_000);
		await drained;
		const located = await api(nodes[0]!.url, 'POST', '/api/v1/locate', { body: { token: seat.token } });
		expect(located.body.signalingPath).not.toBe('/node/node-e/socket.io');
		const again = await BotConnection.connect(nodeAt(located.body.signalingPath).url, seat.token, { path: located.body.signalingPath });
		open.push(again);
		expect(again.joined.self.id).toBe(seat.participantId);
		const timeline = async () => (await api(nodes[0]!.url, 'GET', `/api/v1/rooms/${room.id}/events`, { token: ownerToken() })).body.events as { type: string }[];
		await eventually(async () => (await timeline()).some(({ type }) => type === 'room.moved'), 5000, 'the move to be logged');
		const events = await timeline();
		expect(events.map(({ type }) => type).filter((type) => type.startsWith('participant.'))).toEqual(['participant.joined']);
	}, 30_000);

	it('releases the placement of a room whose person joined but never connected, and places it again when someone does', async () => {
		const { room } = await createRoom(nodes[0]!.url);
		const seat = await joinSeat(nodes[1]!.url, room.code, 'Ana');
		const holder = nodeAt(seat.signalingPath);
		const holderId = (await placements())[room.id]!;
		// A call on the same node, whose placement must stay.
		const { room: live } = await createRoom(nodes[0]!.url);
		const bo = await seatVia(nodes[1]!, live.code, 'Bo');
		const liveHolder = (await placements())[live.id]!;
		const released = 'rooms_cluster_unused_placements_released_total';
		const releasedBefore = await metricOf(holder.url, released);

		// Not yet: the placement is younger than the age asked for.
		await holder.server.routing.releaseUnused(3600);
		expect((await placements())[room.id]).toBe(holderId);
		expect(await holder.server.routing.releaseUnused(0)).toBeGreaterThanOrEqual(1);
		expect((await placements())[room.id]).toBeUndefined();
		expect(await metricOf(holder.url, released) - releasedBefore).toBeGreaterThanOrEqual(1);
		expect((await placements())[live.id]).toBe(liveHolder);
		const liveNode = nodes[NODE_IDS.indexOf(liveHolder as typeof NODE_IDS[number])]!;
		await liveNode.server.routing.releaseUnused(0);
		expect((await placements())[live.id]).toBe(liveHolder);
		expect(liveNode.server.liveRooms.get(live.id)?.participantCount).toBe(1);
		bo.close();

		// Ana connects late, with her join's answer: the room is placed again, on the node she reached.
		const ana = await BotConnection.connect(holder.url, seat.token, { path: seat.signalingPath });
		open.push(ana);
		expect(ana.joined.self.name).toBe('Ana');
		expect((await placements())[room.id]).toBe(holderId);

		// A socket's claim of a room at the moment its unused placement is released: whichever reaches the database first,
		// the room stays placed on the node that now holds it.
		for (let attempt = 0; attempt < 5; attempt++) {
			const { room: raced } = await createRoom(nodes[0]!.url);
			const racedHolder = nodeAt((await joinSeat(holder.url, raced.code, 'Cy')).signalingPath);
			const racedId = (await placements())[raced.id];
			await Promise.all([racedHolder.server.routing.claim(raced.id), racedHolder.server.routing.releaseUnused(0)]);
			expect((await placements())[raced.id]).toBe(racedId);
			racedHolder.server.routing.release(raced.id);
		}
	}, 30_000);

	it('records as gone, when a node starts again, the people its earlier start left on the record', async () => {
		const { room } = await createRoom(nodes[0]!.url);
		const first = await fixture.node({ ...shared, ROOMS_NODE_ID: 'node-f' });
		await first.close();
		// Seated under the earlier start, which stopped without a goodbye (as a crash would leave it).
		await db.query(`INSERT INTO room_presence (room_id, participant_id, name, node_id, seated_at) VALUES ($1, 'p-gus', 'Gus', 'node-f', now() - interval '1 minute')`, [room.id]);
		await fixture.node({ ...shared, ROOMS_NODE_ID: 'node-f' });
		const timeline = async () => (await api(nodes[0]!.url, 'GET', `/api/v1/rooms/${room.id}/events`, { token: ownerToken() })).body.events as { type: string; subject?: { id: string }; data?: { reason?: string } }[];
		await eventually(async () => (await timeline()).some((event) => event.type === 'participant.left' && event.subject?.id === 'p-gus'), 5000, 'Gus to be recorded gone');
		expect((await timeline()).find(({ subject }) => subject?.id === 'p-gus')!.data?.reason).toBe('node-failure');
		expect((await db.query("SELECT 1 FROM room_presence WHERE participant_id = 'p-gus'")).rows).toEqual([]);
	}, 30_000);
});
