/**
 * Load benchmark with synthetic RTP participants (no browsers):
 * joins 50 people to one room, has one of them send Opus-sized RTP at 50
 * packets/s to the other 49, and reports join latency (median, p95), delivery
 * ratio and the mediasoup worker's CPU use. Loopback only.
 *
 *   npm run bench [-- --participants 50 --seconds 10]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createRoom, joinToken, startServer } from '../support/server.js';
import { SyntheticParticipant } from '../support/SyntheticParticipant.js';

const { values } = parseArgs({ options: { participants: { type: 'string', default: '50' }, seconds: { type: 'string', default: '10' } } });
const count = Number(values.participants);
const seconds = Number(values.seconds);
const PACKETS_PER_SECOND = 50;

function cpuSeconds(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	// utime and stime, fields 14 and 15 of /proc/pid/stat, in clock ticks (100 per second on Linux).
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

const server = await startServer({ ROOMS_MAX_PARTICIPANTS: String(Math.min(50, count)) });
const people: SyntheticParticipant[] = [];
try {
	const { room } = await createRoom(server.url, { maxParticipants: Math.min(50, count) });
	const joinMs: number[] = [];
	for (let i = 0; i < count; i++) {
		const started = performance.now();
		people.push(await SyntheticParticipant.connect(server.url, await joinToken(server.url, room.code, `P${i}`)));
		joinMs.push(performance.now() - started);
		if ((i + 1) % 10 === 0 || i + 1 === count) console.log(`[bench] joined ${i + 1}/${count}`);
	}
	const [sender, ...receivers] = people as [SyntheticParticipant, ...SyntheticParticipant[]];
	const producerId = await sender.sendAudio({ packetsPerSecond: PACKETS_PER_SECOND });
	await Promise.all(receivers.map((receiver) => receiver.receive(producerId)));
	console.log(`[bench] ${receivers.length} receivers consuming; measuring for ${seconds} s`);

	const workerPid = server.server.workers.workers[0]!.pid;
	await new Promise((resolve) => setTimeout(resolve, 1000));
	const startCounts = receivers.map((receiver) => receiver.receivedPackets);
	const cpuStart = cpuSeconds(workerPid);
	const wallStart = performance.now();
	for (let s = 1; s <= seconds; s++) {
		await new Promise((resolve) => setTimeout(resolve, 1000));
		if (s % 5 === 0 || s === seconds) console.log(`[bench] ${s}/${seconds} s`);
	}
	const wall = (performance.now() - wallStart) / 1000;
	const cpu = cpuSeconds(workerPid) - cpuStart;
	const rates = receivers.map((receiver, i) => (receiver.receivedPackets - startCounts[i]!) / wall);

	const result = {
		participants: count,
		joinMsMedian: Math.round(percentile(joinMs, 0.5)),
		joinMsP95: Math.round(percentile(joinMs, 0.95)),
		sentPacketsPerSecond: PACKETS_PER_SECOND,
		receivedPacketsPerSecondMedian: Number(percentile(rates, 0.5).toFixed(1)),
		forwardedPacketsPerSecond: Math.round(rates.reduce((sum, rate) => sum + rate, 0)),
		workerCpuPercentOfOneCore: Number(((cpu / wall) * 100).toFixed(1)),
	};
	console.log(JSON.stringify(result, null, 2));
} finally {
	for (const person of people) person.close();
	await server.close();
}
