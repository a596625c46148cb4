/**
 * The reference cluster on this machine (README, "Running more than one
 * node"): PostgreSQL, N nodes and haproxy in a temporary folder.
 *
 *   npm run cluster -- --nodes 3 [--port 8080]
 *
 * Prints the URL and where the apps' secrets and each node's log are;
 * Ctrl-C stops everything and removes the folder.
 */
import { parseArgs } from 'node:util';
import { Cluster } from './cluster/Cluster.js';

const USAGE = 'usage: npm run cluster -- --nodes N (1..9) [--port PORT (default 8080; nodes on 3001.., PostgreSQL on 5433)]';

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, port: { type: 'string', default: '8080' } } });
	const nodes = Number(values.nodes);
	const port = Number(values.port);
	if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9 || !Number.isInteger(port) || port < 1 || port > 65535) {
		console.error(USAGE);
		process.exit(2);
	}
	const cluster = await Cluster.start({ nodes, port, progress: (line) => console.log(`[cluster] ${line}`) });
	console.log([
		'',
		`Rooms is running on ${nodes} node${nodes === 1 ? '' : 's'} behind haproxy: ${cluster.url}`,
		`  apps and their secrets: ${cluster.appsFile}`,
		`  make a room: ROOMS_APPS=@${cluster.appsFile} npm run rooms -- create --app messenger --user u1 --name Ana --url ${cluster.url}`,
		...cluster.nodes.map((node) => `  ${node.id}: ${node.url}, log ${node.logFile}`),
		'Ctrl-C stops everything.',
	].join('\n'));
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		console.log('[cluster] stopping');
		cluster.stop().then(() => process.exit(0), (error: unknown) => {
			console.error(error);
			process.exit(1);
		});
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	for (const node of cluster.nodes) {
		node.process.once('exit', (code, signal) => {
			if (!stopping) console.error(`[cluster] ${node.id} stopped (${signal ?? code}); see ${node.logFile}`);
		});
	}
}

main().catch((error: unknown) => {
	console.error(`[cluster] ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
