/**
 * A node joining a cluster checks that it shares the first node's secrets
 * and apps (`sharedSettingsFingerprint`). Otherwise the tokens one node signs
 * would be refused by another, and an app would be let in by some nodes only.
 * The first node to start records its fingerprint, and every later node
 * compares its own with it.
 */
import pg from 'pg';

export class ClusterMismatchError extends Error {
	override name = 'ClusterMismatchError';
}

export async function checkClusterFingerprint(url: string, nodeId: string, fingerprint: string): Promise<void> {
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
	// Heard, so that the server going away meanwhile fails the start instead of crashing it.
	client.on('error', () => undefined);
	await client.connect();
	try {
		await client.query('INSERT INTO cluster_fingerprint (id, fingerprint, node_id, set_at) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING',
			[fingerprint, nodeId, new Date().toISOString()]);
		const { rows: [first] } = await client.query<{ fingerprint: string; node_id: string; set_at: string }>(
			'SELECT fingerprint, node_id, set_at FROM cluster_fingerprint WHERE id = 1');
		if (first!.fingerprint !== fingerprint) {
			throw new ClusterMismatchError(`this node's ROOMS_SERVER_SECRET, ROOMS_CLUSTER_SECRET or ROOMS_APPS differ from the cluster's `
				+ `(recorded by node ${first!.node_id} at ${first!.set_at}): refusing to start`);
		}
	} finally {
		await client.end().catch(() => undefined);
	}
}
