import { describe, expect, it } from 'vitest';
import { charts, renderHtml } from '../../../tools/loadtest/src/htmlReport.js';
import { REPORT_VERSION, type ParticipantResult, type Report } from '../../../tools/loadtest/src/report.js';
import { summarize } from '../../../tools/loadtest/src/summary.js';
import { judge } from '../../../tools/loadtest/src/verdicts.js';

function report(): Report {
	const participants: ParticipantResult[] = [
		{ id: 'a', kind: 'browser', name: '</script><b>Ana</b>', where: 'local', joined: true, joinMs: 900, samples: [
			{ t: 1000, tileFps: [15, 14], frozenTiles: 0, inKbps: 900, outKbps: 700, loss: 0, rttMs: 10 },
			{ t: 2010, tileFps: [15, 0], frozenTiles: 1, inKbps: 800, outKbps: 700, loss: 0.02, rttMs: 30 },
		] },
		{ id: 'b', kind: 'bot', name: 'Bot 1', where: 'bots', joined: true, samples: [{ t: 990, tileFps: [], frozenTiles: 0, inKbps: 400, outKbps: 0, loss: 0 }] },
		{ id: 'c', kind: 'browser', name: 'Cy', where: 'ws://agent:4000', joined: false, failure: 'ROOM_FULL', samples: [] },
	];
	const server = [{ t: 1000, workerCpu: 0.2, consumers: 4, receivedKbps: 1500, sentKbps: 3000, rooms: 1, participants: 2, joins: { ok: 2 } }];
	const summary = summarize(participants, server, 3);
	return { version: REPORT_VERSION, startedAt: '2026-11-22T10:00:00.000Z', durationMs: 3000, target: 'http://rooms.test/r/…', options: {},
		participants, server, summary, verdicts: judge(summary, { 'min-fps': 12, 'max-failed-joins': 0 }) };
}

describe('the HTML report', () => {
	it('draws per-second series: participants, fps (median, worst 5 %, best), bitrate, loss, RTT, the server\'s media and CPU', () => {
		const drawn = charts(report());
		expect(drawn.map(({ title }) => title)).toEqual(['Participants in the room (server)', 'Frames per second of browser tiles', 'Bitrate per participant',
			'Packet loss', 'Round-trip time (browsers)', 'Server: media through the workers', 'Server: mediasoup workers\' CPU']);
		expect(drawn[5]!.data).toEqual([[1], [1.5], [3]]);
		const fps = drawn[1]!;
		// Second 1: tiles 15 14; second 2: 15 0.
		expect(fps.data).toEqual([[1, 2], [14, 0], [14, 0], [15, 15]]);
		// Loss: second 1 has the bot's 0 and Ana's 0; second 2 only Ana's 2 %.
		expect(drawn[3]!.data).toEqual([[1, 2], [0, 2], [0, 2]]);
	});

	it('is one file that needs nothing from the network, with the chart library inside and names escaped', () => {
		const html = renderHtml(report());
		expect(html).toContain('uPlot');
		expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
		expect(html).not.toContain('</script><b>Ana');
		expect(html).toContain('&lt;/script&gt;&lt;b&gt;Ana');
		expect(html).toContain('did not join (ROOM_FULL)');
		expect(html).toMatch(/class="fail">FAIL: 1/);
	});
});
