import { describe, expect, it } from 'vitest';
import { parseNetwork, parseProfile, profileFor, Shaper } from '../../../tools/loadtest/src/network.js';

describe('network profiles', () => {
	it('read names and figures, and refuse what they cannot read', () => {
		expect(parseProfile('3g')).toEqual({ name: '3g', rttMs: 300, loss: 0.01, downKbps: 1600, upKbps: 750 });
		expect(parseProfile('rtt=150ms,loss=2%,down=1.5mbit,up=750kbit')).toEqual({ name: 'rtt=150ms,loss=2%,down=1.5mbit,up=750kbit', rttMs: 150, loss: 0.02, downKbps: 1500, upKbps: 750 });
		expect(() => parseProfile('5g')).toThrow(/"5g" is not a profile setting; use 3g, 4g, lossy-wifi/);
		expect(() => parseProfile('rtt=150')).toThrow(/"rtt=150"/);
		expect(() => parseProfile('loss=200%')).toThrow(/loss=200%/);
	});

	it('give participants their profiles in order, by share, the rest on their own network', () => {
		const assigned = parseNetwork('3g@25%;lossy-wifi@25%');
		expect(Array.from({ length: 8 }, (_, i) => profileFor(assigned, i, 8)?.name)).toEqual(['3g', '3g', 'lossy-wifi', 'lossy-wifi', undefined, undefined, undefined, undefined]);
		expect(Array.from({ length: 3 }, (_, i) => profileFor(parseNetwork('4g'), i, 3)?.name)).toEqual(['4g', '4g', '4g']);
		expect(() => parseNetwork('3g;4g@50%')).toThrow(/only the last profile may go without a share/);
		expect(() => parseNetwork('3g@80%;4g@40%')).toThrow(/more than 100 %/);
	});
});

describe('a bot\'s network (Shaper)', () => {
	it('drops its share of packets, delays the rest by half the round trip, and queues what exceeds its throughput', async () => {
		const lossy = new Shaper(0.2, 0, undefined);
		let delivered = 0;
		for (let i = 0; i < 10_000; i++) lossy.pass(100, () => delivered++);
		expect(delivered / 10_000).toBeGreaterThan(0.77);
		expect(delivered / 10_000).toBeLessThan(0.83);

		const slow = new Shaper(0, 100, undefined);
		const sent = performance.now();
		const arrived = await new Promise<number>((resolve) => slow.pass(100, () => resolve(performance.now())));
		expect(arrived - sent).toBeGreaterThanOrEqual(95);

		// 80 kbit/s: 1,000-byte packets leave every 100 ms; past half a second of queue, the rest is dropped.
		const narrow = new Shaper(0, 0, 80);
		const times: number[] = [];
		const start = performance.now();
		for (let i = 0; i < 10; i++) narrow.pass(1000, () => times.push(performance.now() - start));
		await new Promise((resolve) => setTimeout(resolve, 800));
		expect(times.length).toBeGreaterThanOrEqual(5);
		expect(times.length).toBeLessThanOrEqual(7);
		// None leaves before its slot. (Not the gap between two: a timer that fires late on a busy machine shortens the next gap.)
		// Node's timers count from the event loop's cached clock, which can be a few ms behind performance.now(): hence 5 ms.
		times.forEach((time, index) => expect(time).toBeGreaterThanOrEqual((index + 1) * 100 - 5));
	});
});
