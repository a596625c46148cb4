/**
 * Resource hygiene: rounds of people joining a room, sending and receiving
 * SRTP, chatting and leaving, for SOAK_SECONDS (90 in CI; longer on demand,
 * with SOAK_TRACE=1 printing the heap every 50 rounds).
 * After each round everything they held must be gone: the worker holds no
 * router, the server no live room, its timers and sockets are back to the
 * count before the first round, and neither the Node heap nor the worker's
 * memory keeps growing from round to round.
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/server.js';
import { serverWithCrowd } from '../support/rooms.js';
import { eventually } from '../support/eventually.js';

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 90);
const PEOPLE = 6;
const fixture = serverWithCrowd();
const { crowd } = fixture;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Megabytes of Node heap in use after a full collection. */
function heapMb(): number {
	collectGarbage();
	collectGarbage();
	return v8.getHeapStatistics().used_heap_size / 2 ** 20;
}

/** Resident megabytes of a process (the mediasoup worker). */
function rssMb(pid: number): number {
	const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'))!;
	return Number(line.split(/\s+/)[1]) / 1024;
}

/** Timers, sockets and handles the process holds, by kind, and the listeners on the process itself. */
function activeResources(): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
	counts['process listeners'] = process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
	return counts;
}

async function round(): Promise<void> {
	const { room } = await createRoom(fixture.server.url);
	const people = await Promise.all(Array.from({ length: PEOPLE }, (_, i) => crowd.stream(room.id, `Person ${i}`)));
	const producers = await Promise.all(people.slice(0, 3).map((person) => person.sendAudio()));
	await Promise.all(people.map(async (person, i) => {
		for (const producer of producers) if (producers.indexOf(producer) !== i) await person.receive(producer);
	}));
	await people[0]!.signaling.request('chat.send', { text: 'hello' });
	await eventually(() => people.every((person) => person.receivedPackets > 0), 5000, 'everyone to receive media');
	crowd.closeAll();
	await eventually(() => fixture.server.server.liveRooms.rooms.length === 0, 10_000, 'the room to close');
}

describe('soak', () => {
	it(`people join, send, receive and leave for ${SOAK_SECONDS} s: nothing they held stays behind, and memory does not grow`, async () => {
		const server = fixture.server.server;
		const workerPid = server.workers.pidOf(0)!;
		// A first round warms up what is made once (code, caches, the worker's pools).
		await round();
		const baseline = { heap: heapMb(), rss: rssMb(workerPid), resources: activeResources() };
		const heaps: number[] = [];
		const rsses: number[] = [];
		const deadline = Date.now() + SOAK_SECONDS * 1000;
		let rounds = 0;
		while (Date.now() < deadline) {
			await round();
			rounds++;
			for (const worker of server.workers.workers) expect((await worker.dump()).routerIds).toEqual([]);
			expect(server.workers.consumerCounts().every(({ consumers }) => consumers === 0)).toBe(true);
			heaps.push(heapMb());
			if (process.env.SOAK_TRACE && rounds % 50 === 0) console.log(`[soak] round ${rounds}: heap ${heaps.at(-1)!.toFixed(2)} MB`);
			rsses.push(rssMb(workerPid));
		}
		// Timers and sockets settle a moment after the last leave (acks, closing handshakes).
		const backToBaseline = () => Object.entries(activeResources()).every(([kind, count]) => count <= (baseline.resources[kind] ?? 0));
		await eventually(backToBaseline, 5000, `active resources to return to ${JSON.stringify(baseline.resources)}`).catch((error: Error) => {
			throw new Error(`${error.message}; now ${JSON.stringify(activeResources())}`);
		});
		const third = Math.max(1, Math.floor(rounds / 3));
		const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
		const growth = { heap: mean(heaps.slice(-third)) - mean(heaps.slice(0, third)), rss: mean(rsses.slice(-third)) - mean(rsses.slice(0, third)) };
		console.log(`[soak] ${rounds} rounds of ${PEOPLE} people in ${SOAK_SECONDS} s; heap ${baseline.heap.toFixed(1)} → ${heaps.at(-1)!.toFixed(1)} MB `
			+ `(last third vs first: ${growth.heap >= 0 ? '+' : ''}${growth.heap.toFixed(2)} MB); worker RSS ${baseline.rss.toFixed(1)} → ${rsses.at(-1)!.toFixed(1)} MB `
			+ `(${growth.rss >= 0 ? '+' : ''}${growth.rss.toFixed(2)} MB)`);
		expect(rounds).toBeGreaterThanOrEqual(10);
		expect(growth.heap).toBeLessThan(5);
		expect(growth.rss).toBeLessThan(10);
	}, (SOAK_SECONDS + 60) * 1000);
});
