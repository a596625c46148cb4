/**
 * Where a plain receive transport may send media. Its destination comes from
 * the client, so without a rule a token could aim the SFU's packets at anyone
 * (a reflector) or at the server's own services. The rule: only the address
 * the request comes from (behind a proxy, the forwarded client address), and,
 * for a client that is not on this machine, never an address of the server's
 * own nor a loopback one, whatever a proxy forwarded.
 */
import { isLoopback, unmappedAddress } from '../addresses.js';

/** Why `destination` is refused for a client at `client`, or undefined when it is allowed. */
export function plainDestinationRefusal(destination: string, client: string, ownAddresses: ReadonlySet<string>): string | undefined {
	const to = unmappedAddress(destination);
	if (to !== client) return 'plain transports send only to the address this connection comes from';
	// A client on loopback is on this machine: its own address is loopback, and may be one the server listens on.
	// A client elsewhere is refused loopback by the rule above; a forwarded address may still name the server itself.
	if (!isLoopback(client) && ownAddresses.has(to)) return "plain transports never send to the server's own addresses";
	return undefined;
}
