/**
 * Does a webhook endpoint slow joins? Three apps on one server: one without
 * a webhook, one whose endpoint answers at once, one whose endpoint never
 * answers. Joins alternate between their rooms, so all three see the same
 * machine load; reports median join latency for each and the ratios.
 *
 *   npm run bench:webhooks [-- --joins 30]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { signAppToken } from '../../shared/appTokens.js';
import { joinToken, startServer } from '../support/server.js';
import { BotConnection } from '../../tools/loadtest/src/bots/BotConnection.js';

const { values } = parseArgs({ options: { joins: { type: 'string', default: '30' } } });
const joins = Math.min(49, Number(values.joins));

const held: http.ServerResponse[] = [];
let received = 0;
const receiver = http.createServer((req, res) => {
	received++;
	req.resume();
	if (req.url === '/hang') held.push(res);
	else res.writeHead(200).end();
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

const secret = (id: string) => `${id}-bench-secret-0123456789abcdef`;
const apps = [
	{ id: 'quiet', name: 'No webhook', secret: secret('quiet') },
	{ id: 'healthy', name: 'Healthy webhook', secret: secret('healthy'), webhookUrl: `${base}/ok` },
	{ id: 'hanging', name: 'Hanging webhook', secret: secret('hanging'), webhookUrl: `${base}/hang` },
];
const server = await startServer({ ROOMS_APPS: JSON.stringify(apps), ROOMS_WEBHOOK_TIMEOUT_MS: '60000' });
const people: BotConnection[] = [];

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

try {
	const rooms = await Promise.all(apps.map(async (app) => {
		const token = signAppToken(app, 'u-bench', 'Bench');
		const response = await fetch(`${server.url}/api/v1/rooms`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ waitForHost: false }),
		});
		return { app: app.id, code: ((await response.json()) as { room: { code: string } }).room.code, ms: [] as number[] };
	}));
	for (let i = 0; i < joins; i++) {
		for (const room of rooms) {
			const started = performance.now();
			people.push(await BotConnection.connect(server.url, await joinToken(server.url, room.code, `P${i}`)));
			room.ms.push(performance.now() - started);
		}
		if ((i + 1) % 10 === 0 || i + 1 === joins) console.log(`[bench] ${i + 1}/${joins} joins per room`);
	}
	const medians = Object.fromEntries(rooms.map((room) => [room.app, Number(median(room.ms).toFixed(1))]));
	console.log(JSON.stringify({
		joinsPerRoom: joins,
		joinMsMedian: medians,
		hangingOverNone: Number((medians.hanging! / medians.quiet!).toFixed(2)),
		healthyOverNone: Number((medians.healthy! / medians.quiet!).toFixed(2)),
		webhookRequestsReceived: received,
		requestsHeldOpenByHangingEndpoint: held.length,
	}, null, 2));
} finally {
	for (const person of people) person.close();
	await server.close();
	for (const response of held) response.destroy();
	receiver.closeAllConnections();
	receiver.close();
}
