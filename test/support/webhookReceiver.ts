/** A chat app's webhook endpoint for tests: a real local HTTP server that records what arrives, in order. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	headers: http.IncomingHttpHeaders;
	body: string;
	json: any;
}

/** A chat app's webhook endpoint; `respond` decides each answer (or never answers). */
export class WebhookReceiver {
	readonly received: Received[] = [];
	/** Requests held open without an answer. */
	readonly hanging: http.ServerResponse[] = [];
	respond: (request: Received, index: number) => number | 'hang' = () => 200;
	/** How long each answer takes. */
	delayMs = 0;
	readonly #server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => { body += chunk; });
		req.on('end', () => {
			const request = { headers: req.headers, body, json: JSON.parse(body) };
			this.received.push(request);
			const answer = this.respond(request, this.received.length - 1);
			if (answer === 'hang') this.hanging.push(res);
			else if (this.delayMs > 0) setTimeout(() => res.writeHead(answer).end(), this.delayMs);
			else res.writeHead(answer).end();
		});
	});

	async start(): Promise<string> {
		await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
	}

	/** Event types that were answered 2xx or are still arriving, in arrival order, for one room. */
	types(roomId: string): string[] {
		return this.received.filter(({ json }) => json.room.id === roomId).map(({ json }) => json.type);
	}

	close(): Promise<void> {
		for (const response of this.hanging) response.destroy();
		this.#server.closeAllConnections();
		return new Promise((resolve) => this.#server.close(() => resolve()));
	}
}
