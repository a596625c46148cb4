/**
 * Real servers joining a cluster on a real PostgreSQL 15: nodes with the
 * same secrets and apps start side by side; one whose participant-token
 * secret, cluster secret or apps differ from the first node's refuses to
 * start, saying which settings and which node recorded the cluster's.
 */
import { describe, expect, it } from 'vitest';
import { BotConnection } from '../../../tools/loadtest/src/bots/BotConnection.js';
import { api, createRoom, startServer, TEST_APPS } from '../../support/server.js';
import { ownerToken } from '../../support/rooms.js';
import { clusterFixture } from '../../support/postgres.js';

const fixture = clusterFixture();

describe('joining a cluster', () => {
	it("starts nodes that share the secrets and apps, and refuses one whose settings differ from the first node's", async () => {
		const shared = await fixture.cluster();
		await fixture.node({ ...shared, ROOMS_NODE_ID: 'node-a' });
		await fixture.node({ ...shared, ROOMS_NODE_ID: 'node-b' });
		const refusal = /this node's ROOMS_SERVER_SECRET, ROOMS_CLUSTER_SECRET or ROOMS_APPS differ from the cluster's \(recorded by node node-a at .*\): refusing to start/;
		await expect(startServer({ ...shared, ROOMS_NODE_ID: 'node-c', ROOMS_SERVER_SECRET: 'another-secret-'.padEnd(40, 'z') })).rejects.toThrow(refusal);
		await expect(startServer({ ...shared, ROOMS_NODE_ID: 'node-c', ROOMS_CLUSTER_SECRET: 'another-cluster-'.padEnd(40, 'z') })).rejects.toThrow(refusal);
		const otherApps = TEST_APPS.map((app, index) => (index === 0 ? { ...app, secret: 'a-different-app-secret-'.padEnd(40, 'q') } : app));
		await expect(startServer({ ...shared, ROOMS_NODE_ID: 'node-c', ROOMS_APPS: JSON.stringify(otherApps) })).rejects.toThrow(refusal);
	}, 60_000);

	it('signs participant tokens with ROOMS_SERVER_SECRET, so a token from one node opens a seat on another', async () => {
		const shared = await fixture.cluster();
		const [a, b] = [await fixture.node({ ...shared, ROOMS_NODE_ID: 'node-a' }), await fixture.node({ ...shared, ROOMS_NODE_ID: 'node-b' })];
		const { room } = await createRoom(a.url);
		// The token comes from node a (an app's seat for a room placed nowhere yet, so node a answers it); the seat
		// is taken on node b, which reads the same database and, reached first, takes the room.
		const seat = await api(a.url, 'POST', `/api/v1/rooms/${room.id}/ingest`, { token: ownerToken(), body: { name: 'Ana' } });
		expect(seat.body.signalingPath).toBe('/node/node-a/socket.io');
		const guest = await BotConnection.connect(b.url, seat.body.token, { path: '/node/node-b/socket.io' });
		try {
			expect(guest.joined.self.name).toBe('Ana');
		} finally {
			guest.close();
		}
	}, 60_000);
});
