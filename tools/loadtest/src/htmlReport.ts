/**
 * `report.html`: one self-contained file that opens offline, with the chart
 * library (uPlot, from npm) and the figures inside it. Charts over time
 * (participants, frame rates, bitrate, loss, round-trip time, server CPU),
 * the summary, the verdicts and the participants who fared worst.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { median, percentile } from './measure.js';
import type { Report, ServerSample } from './report.js';
import { worstParticipants } from './summary.js';

const uplotDir = path.dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

interface Chart {
	title: string;
	unit: string;
	/** Seconds, then one array per series. */
	data: number[][];
	series: { label: string; color: string }[];
}

/** Each second of the run, the values of every sample that fell in it. */
function perSecond<T>(items: { t: number; value: T }[]): Map<number, T[]> {
	const seconds = new Map<number, T[]>();
	for (const { t, value } of items) {
		const second = Math.round(t / 1000);
		seconds.set(second, [...(seconds.get(second) ?? []), value]);
	}
	return new Map([...seconds].sort(([a], [b]) => a - b));
}

function chart(title: string, unit: string, buckets: Map<number, number[]>, series: [string, string, (values: number[]) => number][]): Chart {
	const seconds = [...buckets.keys()];
	return {
		title,
		unit,
		data: [seconds, ...series.map(([, , reduce]) => seconds.map((second) => reduce(buckets.get(second)!)))],
		series: series.map(([label, color]) => ({ label, color })),
	};
}

/** The server's own samples, one point each (they come every two seconds). */
function serverChart(report: Report, title: string, unit: string, series: [string, string, (sample: ServerSample) => number][]): Chart {
	return {
		title,
		unit,
		data: [report.server.map(({ t }) => t / 1000), ...series.map(([, , read]) => report.server.map(read))],
		series: series.map(([label, color]) => ({ label, color })),
	};
}

export function charts(report: Report): Chart[] {
	const samples = report.participants.flatMap(({ kind, samples: list }) => list.map((sample) => ({ kind, sample })));
	const browser = samples.filter(({ kind }) => kind === 'browser').map(({ sample }) => sample);
	const fps = perSecond(browser.flatMap(({ t, tileFps }) => tileFps.map((value) => ({ t, value }))));
	const max = (values: number[]) => Math.max(...values);
	return [
		serverChart(report, 'Participants in the room (server)', 'people', [['participants', '#2563eb', ({ participants }) => participants]]),
		chart('Frames per second of browser tiles', 'fps', fps,
			[['median', '#16a34a', median], ['worst 5 %', '#dc2626', (values) => percentile(values, 0.05)], ['best', '#9ca3af', max]]),
		chart('Bitrate per participant', 'kbit/s', perSecond(samples.map(({ sample }) => ({ t: sample.t, value: sample.inKbps }))),
			[['received, median', '#2563eb', median], ['received, most', '#9ca3af', max]]),
		chart('Packet loss', '%', perSecond(samples.map(({ sample }) => ({ t: sample.t, value: sample.loss * 100 }))),
			[['median', '#16a34a', median], ['worst', '#dc2626', max]]),
		chart('Round-trip time (browsers)', 'ms', perSecond(browser.filter(({ rttMs }) => rttMs !== undefined).map(({ t, rttMs }) => ({ t, value: rttMs! }))),
			[['median', '#16a34a', median], ['worst', '#dc2626', max]]),
		serverChart(report, 'Server: media through the workers', 'Mbit/s',
			[['received', '#2563eb', ({ receivedKbps }) => receivedKbps / 1000], ['sent', '#16a34a', ({ sentKbps }) => sentKbps / 1000]]),
		chart('Browser CPU per participant', '% of a core', perSecond(browser.filter(({ cpuPercent }) => cpuPercent !== undefined)
			.map(({ t, cpuPercent }) => ({ t, value: cpuPercent! }))), [['median', '#16a34a', median], ['most', '#dc2626', max]]),
		serverChart(report, 'Server: mediasoup workers\' CPU', '% of a core', [['workers', '#7c3aed', ({ workerCpu }) => workerCpu * 100]]),
	].filter(({ data }) => data[0]!.length > 0);
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const number = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '–' : value.toFixed(digits));

export function renderHtml(report: Report): string {
	const { summary } = report;
	const rows = (pairs: [string, string][]) => pairs.map(([name, value]) => `<tr><th>${escape(name)}</th><td>${escape(value)}</td></tr>`).join('');
	const worst = worstParticipants(report.participants, 15);
	// In a <script>: "</script>" inside the data must not end it.
	const data = JSON.stringify(charts(report)).replace(/</g, '\\u003c');
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rooms load test, ${escape(report.startedAt)}</title>
<style>${fs.readFileSync(path.join(uplotDir, 'uPlot.min.css'), 'utf8')}
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #111827; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
.pass { color: #15803d; } .fail { color: #b91c1c; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
</style></head><body>
<h1>Rooms load test</h1>
<p>${escape(report.target)} · started ${escape(report.startedAt)} · ${(report.durationMs / 1000).toFixed(0)} s · ${summary.joined} of ${summary.target} joined</p>
<h2>Verdicts</h2>
${report.verdicts.length ? `<table>${report.verdicts.map(({ name, limit, actual, pass }) =>
		`<tr><th>${escape(name)} ${limit}</th><td class="${pass ? 'pass' : 'fail'}">${pass ? 'pass' : 'FAIL'}: ${actual === null ? 'not measured' : Number(actual.toFixed(3))}</td></tr>`).join('')}</table>`
		: '<p>No thresholds were given.</p>'}
<h2>Summary</h2>
<table>${rows([
		['joined / failed / target', `${summary.joined} / ${summary.failed} / ${summary.target}`],
		['failures by reason', Object.entries(summary.failuresByReason).map(([reason, n]) => `${reason}: ${n}`).join(', ') || 'none'],
		['join time p50 / p95', `${number(summary.joinMs?.p50, 0)} / ${number(summary.joinMs?.p95, 0)} ms`],
		['first remote frame p50 / p95', `${number(summary.firstFrameMs?.p50, 0)} / ${number(summary.firstFrameMs?.p95, 0)} ms`],
		['tile fps median / worst 5 %', `${number(summary.fps?.median)} / ${number(summary.fps?.p5)}`],
		['tile time frozen (no frame for 500 ms)', `${(summary.freezeRatio * 100).toFixed(2)} %`],
		['received / sent per browser, median', `${number(summary.inKbps?.median, 0)} / ${number(summary.outKbps?.median, 0)} kbit/s`],
		['packet loss median / p95', `${number((summary.loss?.median ?? NaN) * 100, 2)} / ${number((summary.loss?.p95 ?? NaN) * 100, 2)} %`],
		['round-trip time median / p95', `${number(summary.rttMs?.median, 0)} / ${number(summary.rttMs?.p95, 0)} ms`],
		['server workers\' CPU, peak', `${number((summary.serverCpuPeak ?? NaN) * 100, 0)} % of a core`],
		['browser CPU per participant median / p95', `${number(summary.browserCpuPercent?.median, 0)} / ${number(summary.browserCpuPercent?.p95, 0)} % of a core`],
		['page JavaScript heap median / p95', `${number(summary.browserMemoryMb?.median)} / ${number(summary.browserMemoryMb?.p95)} MB`],
	])}</table>
<h2>Over time</h2>
<div class="charts" id="charts"></div>
<h2>Worst participants</h2>
${worst.length ? `<table><tr><th>participant</th><th>where</th><th>why</th></tr>${worst.map(({ name, kind, where, reasons }) =>
		`<tr><td>${escape(name)} (${kind})</td><td>${escape(where)}</td><td>${escape(reasons.join('; '))}</td></tr>`).join('')}</table>`
		: '<p>Nobody fared badly.</p>'}
<script>${fs.readFileSync(path.join(uplotDir, 'uPlot.iife.min.js'), 'utf8')}</script>
<script>
for (const chart of ${data}) {
	const box = document.createElement('figure');
	document.getElementById('charts').append(box);
	new uPlot({
		title: chart.title, width: 520, height: 240,
		scales: { x: { time: false } },
		axes: [{ label: 'seconds' }, { label: chart.unit }],
		series: [{ label: 's' }, ...chart.series.map(({ label, color }) => ({ label, stroke: color, width: 2 }))],
	}, chart.data, box);
}
</script>
</body></html>
`;
}
