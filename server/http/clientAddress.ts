/**
 * Who a request comes from. Behind a reverse proxy the TCP peer is the proxy;
 * the client is the address the trusted proxies forwarded (`X-Forwarded-For`,
 * read from the right, stopping at the first address not trusted). HTTP
 * (Express's `req.ip`, its rate limits) and Socket.IO (connection limits,
 * plain transports' destinations) ask the same function, so both count a
 * client the same way.
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import { type ProxyTrust, unmappedAddress } from '../addresses.js';

/** The client's address for this request, under the given trust. */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
	return unmappedAddress(proxyAddr(request, trust));
}
