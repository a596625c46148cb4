/**
 * Addresses as the server reasons about them: which proxies are trusted to
 * name a client (ROOMS_TRUST_PROXY), and what counts as loopback. Pure
 * helpers, below every layer: configuration, the edges and media use them.
 */
import net from 'node:net';
import proxyAddr from 'proxy-addr';

/** Whether the hop at `address` (the `index`th from the server) is a proxy we trust to say who came before it. */
export type ProxyTrust = (address: string, index: number) => boolean;

/** Whom ROOMS_TRUST_PROXY may name: proxy-addr's named ranges, addresses or subnets; `false` for none. */
export function compileProxyTrust(setting: string): ProxyTrust {
	const entries = setting.split(',').map((entry) => entry.trim()).filter(Boolean);
	if (entries.length === 1 && entries[0] === 'false') return () => false;
	if (entries.length === 0 || entries.includes('false') || entries.includes('true')) {
		// `true` would trust any client to name its own address: never what is meant.
		throw new TypeError('give loopback, linklocal, uniquelocal, addresses or subnets (a,b,c), or false');
	}
	return proxyAddr.compile(entries);
}

/** An IPv4 peer of a dual-stack socket shows as `::ffff:a.b.c.d`; the address itself is what transports use. */
export function unmappedAddress(address: string): string {
	return address.startsWith('::ffff:') && net.isIPv4(address.slice('::ffff:'.length)) ? address.slice('::ffff:'.length) : address;
}

/** Whether an address is a loopback one (127.0.0.0/8, ::1, or an IPv4 loopback mapped into IPv6). */
export function isLoopback(address: string): boolean {
	const plain = unmappedAddress(address);
	return net.isIPv4(plain) ? plain.startsWith('127.') : plain === '::1';
}
