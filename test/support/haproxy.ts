/**
 * A real reverse proxy for tests: Debian's haproxy (server/cli/cluster) on
 * loopback in front of one Rooms server, adding X-Forwarded-For as
 * deployments do (`option forwardfor`), and passing WebSocket upgrades
 * through.
 */
import { Haproxy } from '../../server/cli/cluster/Haproxy.js';
import { freeMediaPort } from './server.js';

/** Starts haproxy on a free loopback port in front of `target` (a server's base URL); resolves once it listens. */
export async function proxyTo(target: string): Promise<Haproxy> {
	const { hostname, port: targetPort } = new URL(target);
	const port = await freeMediaPort();
	return Haproxy.start([
		'defaults',
		'  mode http',
		'  timeout connect 5s',
		'  timeout client 60s',
		'  timeout server 60s',
		'  timeout tunnel 60s',
		'frontend rooms',
		`  bind 127.0.0.1:${port}`,
		'  option forwardfor',
		'  default_backend server',
		'backend server',
		`  server rooms ${hostname}:${targetPort}`,
		'',
	].join('\n'), port);
}
