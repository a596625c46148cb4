/**
 * A TCP forwarder on loopback between one browser and the server, whose
 * link can be cut: every open connection is torn down and new ones are
 * refused until it is restored, as when a laptop's Wi-Fi drops. Only that
 * browser's HTTP and signalling go through it.
 */
import net from 'node:net';

export class CuttableProxy {
	readonly #server: net.Server;
	readonly #sockets = new Set<net.Socket>();
	#cut = false;

	private constructor(server: net.Server) {
		this.#server = server;
	}

	/** Listens on loopback (`listenPort`, or a free port) and forwards to `target` (host:port). */
	static async start(target: { host: string; port: number }, listenPort = 0): Promise<CuttableProxy> {
		let proxy: CuttableProxy | undefined;
		const server = net.createServer((client) => proxy!.#accept(client, target));
		proxy = new CuttableProxy(server);
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(listenPort, '127.0.0.1', resolve);
		});
		return proxy;
	}

	#accept(client: net.Socket, target: { host: string; port: number }): void {
		if (this.#cut) {
			client.destroy();
			return;
		}
		const upstream = net.connect(target.port, target.host);
		for (const socket of [client, upstream]) {
			this.#sockets.add(socket);
			socket.on('close', () => this.#sockets.delete(socket));
			socket.on('error', () => undefined);
		}
		client.pipe(upstream);
		upstream.pipe(client);
		client.on('close', () => upstream.destroy());
		upstream.on('close', () => client.destroy());
	}

	/** This proxy's base URL, in place of the server's. */
	get url(): string {
		return `http://127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`;
	}

	/** Tears every connection down and refuses new ones. */
	cut(): void {
		this.#cut = true;
		for (const socket of this.#sockets) socket.destroy();
	}

	restore(): void {
		this.#cut = false;
	}

	async close(): Promise<void> {
		this.cut();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}
}
