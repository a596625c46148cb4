import { describe, expect, it } from 'vitest';
import { charts, renderHtml } from '../../../tools/loadtest/src/htmlReport.js';
import { REPORT_VERSION, type ParticipantResult, type Report } from '../../../tools/loadtest/src/report.js';
import { summarize } from '../../../tools/loadtest/src/summary.js';
import { verdictsOf } from '../../../tools/loadtest/src/verdicts.js';

function report(): Report {
	const participants: ParticipantResult[] = [
		{ id: 'a', kind: 'browser', name: '</script><b>Ana</b>', where: 'local', joined: true, joinMs: 900, samples: [
			{ t: 1000, tileFps: [15, 14], frozenTiles: 0, inKbps: 900, outKbps: 700, loss: 0, rttMs: 10 },
			{ t: 2010, tileFps: [15, 0], frozenTiles: 1, inKbps: 800, outKbps: 700, loss: 0.02, rttMs: 30 },
		] },
		{ id: 'b', kind: 'bot', name: 'Bot 1', where: 'bots', joined: true, samples: [{ t: 990, tileFps: [], frozenTiles: 0, inKbps: 400, outKbps: 0, loss: 0 }] },
		{ id: 'c', kind: 'browser', name: 'Cy', where: 'ws://agent:4000', joined: false, failure: 'ROOM_FULL', samples: [] },
	];
	const server = [
		{ t: 1000, workerCpu: 0.2, consumers: 4, receivedKbps: 1500, sentKbps: 3000, rooms: 1, participants: 2, eventLoopP99Ms: 11, joins: { ok: 40, ROOM_FULL: 3 } },
		{ t: 3000, workerCpu: 0.3, consumers: 4, receivedKbps: 1500, sentKbps: 3000, rooms: 1, participants: 2, eventLoopP99Ms: 13, joins: { ok: 42, ROOM_FULL: 4 } },
	];
	const recorded = {
		summary: summarize(participants, server, { browsers: 2, bots: 1 }), scrapes: { asked: 2, answered: 2, failures: [] },
		load: [{ machine: 'this machine', t: 1000, cpu: 0.4, eventLoopP99Ms: 15 }, { machine: 'this machine', t: 2000, cpu: 0.5, eventLoopP99Ms: 20 }], steadyFromMs: 1500,
	};
	return { version: REPORT_VERSION, runId: 'run-1', startedAt: '2026-11-22T10:00:00.000Z', durationMs: 3000, target: 'http://rooms.test/r/…',
		options: { participants: 2, bots: 1, layout: 'grid' }, rooms: ['room 1'], churn: [], participants, server, ...recorded, ...verdictsOf(recorded, { 'min-fps': 12 }) };
}

describe('the HTML report', () => {
	it('draws browsers and bots apart, this run\'s joins (not the server\'s lifetime count), jitter, the server\'s event loop and the load machine', () => {
		const drawn = charts(report());
		expect(drawn.map(({ title }) => title)).toEqual(['Participants in the room (server)', 'Joins answered in this run (server)', 'Frames per second of browser tiles',
			'Bitrate per browser', 'Bitrate per bot', 'Packet loss (browsers)', 'Packet loss (bots)', 'Round-trip time (browsers)', 'Server: media through the workers',
			'Server: mediasoup workers\' CPU', 'Server: event loop delay p99', 'Load machine: this machine']);
		const byTitle = (title: string) => drawn.find((chart) => chart.title === title)!;
		// The server had seated 40 before this run: the chart counts from the first scrape.
		expect(byTitle('Joins answered in this run (server)').data).toEqual([[1, 3], [0, 2], [0, 1]]);
		const fps = byTitle('Frames per second of browser tiles');
		// Second 1: tiles 15 14; second 2: 15 0.
		expect(fps.data).toEqual([[1, 2], [14, 0], [14, 0], [15, 15]]);
		// Ana's loss alone: the bot's sample is in the bots' chart.
		expect(byTitle('Packet loss (browsers)').data).toEqual([[1, 2], [0, 2], [0, 2]]);
		expect(byTitle('Packet loss (bots)').data).toEqual([[1], [0], [0]]);
		expect(byTitle('Load machine: this machine').data).toEqual([[1, 2], [40, 50], [15, 20]]);
		expect(byTitle('Load machine: this machine').series.map(({ label }) => label)).toEqual(['CPU, all cores (%)', 'tool event loop p99 (ms)']);
	});

	it('is one file that needs nothing from the network, with the chart library inside and names escaped', () => {
		const html = renderHtml(report());
		expect(html).toContain('uPlot');
		expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
		expect(html).not.toContain('</script><b>Ana');
		expect(html).toContain('&lt;/script&gt;&lt;b&gt;Ana');
		expect(html).toContain('did not join (ROOM_FULL)');
		// The outcome first, with its reasons; then verdicts with units.
		expect(html.indexOf('class="outcome fail">FAIL')).toBeLessThan(html.indexOf('<h1>'));
		expect(html).toMatch(/<li>participants joined \(2 of 3\), failed 1 ≤ 0: FAIL<\/li>/);
		expect(html).toContain('tile fps median (browsers) 14.0 fps ≥ 12.0 fps: pass');
		expect(html).toContain('Worst browsers');
		expect(html).toContain('Worst bots');
		expect(html).toContain('const rampEnd = 1.5;');
		expect(html).toContain('<th>layout</th><td>grid</td>');
	});
});
