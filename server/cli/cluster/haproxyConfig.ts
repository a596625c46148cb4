/**
 * The balancer's rules for a cluster (README, "Running more than one node"),
 * as Debian's haproxy 2.6 reads them:
 * - `/node/<id>/…` goes to that node: a room's Socket.IO connections reach
 *   the node holding it. Such a route checks only that the node is alive
 *   (`/healthz`): a draining node keeps its calls.
 * - Everything else goes round-robin, without stickiness, to the nodes whose
 *   `/readyz` passes (checked every 500 ms): any node answers any request,
 *   and forwards what belongs to a room elsewhere.
 * - A connection that fails is tried once more, on another node where it can
 *   be; WebSockets may stay open for a call's length (`timeout tunnel`).
 * - Each request opens its own connection to a node, closed after the
 *   answer (`option http-server-close`; clients keep theirs to the balancer):
 *   a kept-alive connection to a node that just died would fail the request
 *   it carried, and haproxy does not retry a non-idempotent one there; a
 *   fresh connection to a dead node is refused, and tried again elsewhere.
 *   On loopback or a LAN that costs a TCP handshake per request.
 */

export interface BalancedNode {
	id: string;
	/** Where the balancer reaches the node's HTTP port. */
	host: string;
	port: number;
}

export interface BalancerSettings {
	bind: { host: string; port: number };
	nodes: BalancedNode[];
}

/** haproxy's backend names allow these characters; node ids are lower-case letters, digits and dashes. */
const backendOf = (id: string): string => `node_${id.replaceAll('-', '_')}`;

export function haproxyConfig({ bind, nodes }: BalancerSettings): string {
	const server = (node: BalancedNode) => `  server ${node.id} ${node.host}:${node.port} check`;
	return [
		'global',
		// Two descriptors a connection (client and node side), within a default limit of 20,000.
		'  maxconn 8000',
		'defaults',
		'  mode http',
		'  timeout connect 2s',
		'  timeout client 60s',
		'  timeout server 60s',
		// A WebSocket carries a whole call: hours, with pings every 10 s.
		'  timeout tunnel 1h',
		'  retries 1',
		'  retry-on conn-failure',
		'  option http-server-close',
		'  default-server inter 500ms fall 2 rise 2',
		'frontend rooms',
		`  bind ${bind.host}:${bind.port}`,
		'  option forwardfor',
		...nodes.map((node) => `  use_backend ${backendOf(node.id)} if { path_beg /node/${node.id}/ }`),
		'  default_backend nodes',
		'backend nodes',
		'  balance roundrobin',
		'  option redispatch',
		'  option httpchk GET /readyz',
		'  http-check expect status 200',
		...nodes.map(server),
		...nodes.flatMap((node) => [
			`backend ${backendOf(node.id)}`,
			'  option httpchk GET /healthz',
			server(node),
		]),
		'',
	].join('\n');
}
