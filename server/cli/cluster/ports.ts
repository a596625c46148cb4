/**
 * Free loopback ports, for the reference cluster and the tests' servers.
 * They are drawn below Linux's ephemeral range (32768 and up), where an
 * outgoing connection could take one between this check and its owner's
 * bind, and above 20000. Media ports need TCP and UDP both (a WebRtcServer
 * listens on both), so both are checked.
 */
import dgram from 'node:dgram';
import net from 'node:net';

/** Whether both a TCP server and a UDP socket can bind this loopback port right now. */
async function bindable(port: number): Promise<boolean> {
	const tcp = net.createServer();
	const udp = dgram.createSocket('udp4');
	const listen = (bind: (done: () => void) => void, target: net.Server | dgram.Socket) =>
		new Promise<boolean>((resolve) => {
			target.once('error', () => resolve(false));
			bind(() => resolve(true));
		});
	const ok = await listen((done) => tcp.listen(port, '127.0.0.1', done), tcp)
		&& await listen((done) => udp.bind(port, '127.0.0.1', done), udp);
	await new Promise<void>((resolve) => tcp.close(() => resolve()));
	try { udp.close(); } catch { /* never bound */ }
	return ok;
}

/**
 * A port free now (the first of `count` in a row, its first one checked),
 * none of them in `taken`, which it joins: one plan never hands out a port
 * twice.
 */
export async function freeLoopbackPort(taken = new Set<number>(), count = 1): Promise<number> {
	for (let attempt = 0; attempt < 100; attempt++) {
		const port = 20_000 + Math.floor(Math.random() * (12_000 - count));
		const block = Array.from({ length: count }, (_, offset) => port + offset);
		if (block.some((candidate) => taken.has(candidate)) || !(await bindable(port))) continue;
		for (const candidate of block) taken.add(candidate);
		return port;
	}
	throw new Error('no free loopback port found');
}
