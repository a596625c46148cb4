/**
 * `report.html`: one self-contained file that opens offline, with the chart
 * library (uPlot, from npm) and the figures inside it. First the outcome
 * (PASS, FAIL or INCONCLUSIVE) and why, then the verdicts, the run's options,
 * the summary with browsers and bots apart, charts over time (with the end
 * of the ramp marked) and the participants of each kind who fared worst.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { median, percentile } from './measure.js';
import type { KindFigures, Report, ServerSample, Spread } from './report.js';
import { summarize, worstParticipants } from './summary.js';
import { verdictLine } from './verdicts.js';

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
	const ofKind = (wanted: 'browser' | 'bot') => samples.filter(({ kind }) => kind === wanted).map(({ sample }) => sample);
	const browser = ofKind('browser');
	const bot = ofKind('bot');
	const fps = perSecond(browser.flatMap(({ t, tileFps }) => tileFps.map((value) => ({ t, value }))));
	const max = (values: number[]) => Math.max(...values);
	const firstJoins = report.server[0]?.joins ?? {};
	const joinsThisRun = (sample: ServerSample, ok: boolean) => Object.entries(sample.joins)
		.filter(([result]) => (result === 'ok') === ok).reduce((sum, [result, n]) => sum + n - (firstJoins[result] ?? 0), 0);
	const kindCharts = (title: string, unit: string, read: (sample: (typeof browser)[number]) => number | undefined) => [
		...(browser.length ? [chart(`${title} (browsers)`, unit, perSecond(browser.filter((sample) => read(sample) !== undefined).map((sample) => ({ t: sample.t, value: read(sample)! }))),
			[['median', '#16a34a', median], ['worst', '#dc2626', max]])] : []),
		...(bot.length ? [chart(`${title} (bots)`, unit, perSecond(bot.filter((sample) => read(sample) !== undefined).map((sample) => ({ t: sample.t, value: read(sample)! }))),
			[['median', '#16a34a', median], ['worst', '#dc2626', max]])] : []),
	];
	return [
		serverChart(report, 'Participants in the room (server)', 'people', [['participants', '#2563eb', ({ participants }) => participants]]),
		serverChart(report, 'Joins answered in this run (server)', 'joins',
			[['seated', '#16a34a', (sample) => joinsThisRun(sample, true)], ['refused', '#dc2626', (sample) => joinsThisRun(sample, false)]]),
		chart('Frames per second of browser tiles', 'fps', fps,
			[['median', '#16a34a', median], ['worst 5 %', '#dc2626', (values) => percentile(values, 0.05)], ['best', '#9ca3af', max]]),
		...(browser.length ? [chart('Bitrate per browser', 'kbit/s', perSecond(browser.map((sample) => ({ t: sample.t, value: sample.inKbps }))),
			[['received, median', '#2563eb', median], ['received, most', '#9ca3af', max]])] : []),
		...(bot.length ? [chart('Bitrate per bot', 'kbit/s', perSecond(bot.map((sample) => ({ t: sample.t, value: sample.inKbps }))),
			[['received, median', '#2563eb', median], ['received, most', '#9ca3af', max]])] : []),
		...kindCharts('Packet loss', '%', (sample) => sample.loss * 100),
		...kindCharts('Jitter', 'ms', (sample) => sample.jitterMs),
		chart('Round-trip time (browsers)', 'ms', perSecond(browser.filter(({ rttMs }) => rttMs !== undefined).map(({ t, rttMs }) => ({ t, value: rttMs! }))),
			[['median', '#16a34a', median], ['worst', '#dc2626', max]]),
		serverChart(report, 'Server: media through the workers', 'Mbit/s',
			[['received', '#2563eb', ({ receivedKbps }) => receivedKbps / 1000], ['sent', '#16a34a', ({ sentKbps }) => sentKbps / 1000]]),
		chart('Browser CPU per participant', '% of a core', perSecond(browser.filter(({ cpuPercent }) => cpuPercent !== undefined)
			.map(({ t, cpuPercent }) => ({ t, value: cpuPercent! }))), [['median', '#16a34a', median], ['most', '#dc2626', max]]),
		serverChart(report, 'Server: mediasoup workers\' CPU', '% of a core', [['workers', '#7c3aed', ({ workerCpu }) => workerCpu * 100]]),
		serverChart(report, 'Server: event loop delay p99', 'ms', [['event loop p99', '#7c3aed', ({ eventLoopP99Ms }) => eventLoopP99Ms ?? NaN]]),
		...[...new Set(report.load.map(({ machine }) => machine))].map((machine): Chart => {
			const samples = report.load.filter((sample) => sample.machine === machine);
			return {
				title: `Load machine: ${machine}`, unit: '% CPU / ms', data: [samples.map(({ t }) => t / 1000), samples.map(({ cpu }) => cpu * 100), samples.map(({ eventLoopP99Ms }) => eventLoopP99Ms)],
				series: [{ label: 'CPU, all cores (%)', color: '#dc2626' }, { label: 'tool event loop p99 (ms)', color: '#2563eb' }],
			};
		}),
	].filter(({ data }) => data[0]!.length > 0);
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const number = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '–' : value.toFixed(digits));

/** `none 80 %, bandwidth 15 %, cpu 5 %`: why browsers' encoders sent less than their camera gives. */
function limitations(counts: Record<string, number>): string {
	const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
	if (total === 0) return 'not measured';
	return Object.entries(counts).sort(([, a], [, b]) => b - a).map(([reason, n]) => `${reason} ${Math.round((n / total) * 100)} %`).join(', ');
}

/** Under `--network`: each profile's participants and how they fared, browsers and bots apart. */
function networkTable(report: Report): string {
	const profiles = [...new Set(report.participants.map(({ network }) => network ?? 'the machine\'s own'))];
	if (profiles.length < 2 && !report.participants.some(({ network }) => network)) return '';
	const rows = profiles.map((profile) => {
		const group = report.participants.filter(({ network }) => (network ?? 'the machine\'s own') === profile);
		const figures = summarize(group, [], { browsers: group.filter(({ kind }) => kind === 'browser').length, bots: group.filter(({ kind }) => kind === 'bot').length });
		const kind = (label: string, of: KindFigures) => (of.target ? `${label} ${of.joined} of ${of.target} joined, loss median ${number((of.loss?.median ?? NaN) * 100, 2)} %, `
			+ `round trip median ${number(of.rttMs?.median, 0)} ms` : '');
		return `<tr><th>${escape(profile)}</th><td>${escape([kind('browsers', figures.browsers), kind('bots', figures.bots)].filter(Boolean).join('; '))}`
			+ `${figures.fps ? escape(`; tile fps median ${number(figures.fps.median)}`) : ''}</td></tr>`;
	});
	return `<h2>By network profile</h2>\n<table>${rows.join('')}</table>`;
}

const spreadText = (figure: Spread | null, unit: string, digits = 0, scale = 1) =>
	(figure ? `${number(figure.median * scale, digits)} / ${number(figure.p95 * scale, digits)} ${unit} (${figure.n} values)` : 'not measured');

export function renderHtml(report: Report): string {
	const { summary } = report;
	const rows = (pairs: [string, string][]) => pairs.map(([name, value]) => `<tr><th>${escape(name)}</th><td>${escape(value)}</td></tr>`).join('');
	const kindRows = (label: string, figures: KindFigures): [string, string][] => (figures.target === 0 ? [] : [
		[`${label}: joined / failed / out at the end / target`, `${figures.joined} / ${figures.failed} / ${figures.dropped} / ${figures.target}`],
		[`${label}: join time median / p95`, spreadText(figures.joinMs, 'ms')],
		[`${label}: received per participant median / p95`, spreadText(figures.inKbps, 'kbit/s')],
		[`${label}: packet loss median / p95`, spreadText(figures.loss, '%', 2, 100)],
		[`${label}: round-trip time median / p95`, spreadText(figures.rttMs, 'ms')],
	]);
	const worst = (['browser', 'bot'] as const).map((kind) => ({ kind, list: worstParticipants(report.participants.filter((participant) => participant.kind === kind), 15) }))
		.filter(({ kind }) => report.participants.some((participant) => participant.kind === kind));
	const counted = report.outcome !== 'inconclusive';
	const options = Object.entries(report.options).filter(([, value]) => value !== undefined && typeof value !== 'object')
		.map(([name, value]): [string, string] => [name, String(value)]);
	// In a <script>: "</script>" inside the data must not end it.
	const data = JSON.stringify(charts(report)).replace(/</g, '\\u003c');
	const rampEnd = report.steadyFromMs === null ? null : report.steadyFromMs / 1000;
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rooms load test: ${report.outcome.toUpperCase()}, ${escape(report.startedAt)}</title>
<style>${fs.readFileSync(path.join(uplotDir, 'uPlot.min.css'), 'utf8')}
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #111827; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
.pass { color: #15803d; } .fail { color: #b91c1c; font-weight: 600; } .inconclusive { color: #b45309; font-weight: 600; }
.outcome { font-size: 28px; margin: 0 0 4px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
</style></head><body>
<p class="outcome ${report.outcome === 'pass' ? 'pass' : report.outcome}">${report.outcome.toUpperCase()}</p>
${report.reasons.length ? `<ul>${report.reasons.map((reason) => `<li>${escape(reason)}</li>`).join('')}</ul>` : ''}
<h1>Rooms load test</h1>
<p>${escape(report.target)} · run ${escape(report.runId)} · started ${escape(report.startedAt)} · ${(report.durationMs / 1000).toFixed(0)} s`
		+ `${rampEnd === null ? ' · stopped before every participant joined' : ` · ramp ended at ${rampEnd.toFixed(0)} s`} · ${summary.joined} of ${summary.target} joined</p>
<h2>Verdicts</h2>
<table>${report.verdicts.map((verdict) => `<tr><td class="${verdict.pass ? 'pass' : counted || verdict.kind !== 'threshold' ? 'fail' : 'inconclusive'}">`
		+ `${escape(verdictLine(verdict, counted || verdict.kind !== 'threshold'))}</td></tr>`).join('')}</table>
<h2>Options</h2>
<table>${rows(options)}</table>
<h2>Summary</h2>
<table>${rows([
		...(report.rooms.length > 1 ? [['joined per room', report.rooms.map((room) => {
			const inRoom = report.participants.filter((participant) => participant.room === room);
			return `${room}: ${inRoom.filter(({ joined }) => joined).length} of ${inRoom.length}`;
		}).join(', ')] as [string, string]] : []),
		['failures by reason', Object.entries(summary.failuresByReason).map(([reason, n]) => `${reason}: ${n}`).join(', ') || 'none'],
		...kindRows('browsers', summary.browsers),
		...kindRows('bots', summary.bots),
		['first remote frame median / p95 (browsers)', spreadText(summary.firstFrameMs, 'ms')],
		['tile fps median / worst 5 % (browsers)', summary.fps ? `${number(summary.fps.median)} / ${number(summary.fps.p5)} fps (${summary.fps.n} values)` : 'not measured'],
		['tile time frozen, no frame for 500 ms (browsers)', summary.freezeRatio === null ? 'not measured' : `${(summary.freezeRatio * 100).toFixed(2)} %`],
		['sent per browser median / p95', spreadText(summary.outKbps, 'kbit/s')],
		['camera sent: largest layer\'s height median / p95', spreadText(summary.sentHeight, 'px')],
		['camera sent: frame rate median / p95', spreadText(summary.sentFps, 'fps', 1)],
		['camera held back by (share of samples)', limitations(summary.sentLimitations)],
		['server workers\' CPU, peak', summary.serverCpuPeak === null ? 'not measured' : `${number(summary.serverCpuPeak * 100, 0)} % of a core`],
		['server scrapes answered', `${report.scrapes.answered} of ${report.scrapes.asked}`],
		['browser CPU per participant median / p95', spreadText(summary.browserCpuPercent, '% of a core')],
		['page JavaScript heap median / p95', spreadText(summary.browserMemoryMb, 'MB', 1)],
		...(summary.churn ? [
			['churn: leaves / rejoined / failed', `${summary.churn.leaves} / ${summary.churn.rejoined} / ${summary.churn.failed}`],
			['churn: rejoin time median / p95', spreadText(summary.churn.rejoinMs, 'ms')],
			['churn: recovery (media again) median / p95', spreadText(summary.churn.recoveryMs, 'ms')],
			['churn: failures', report.churn.filter(({ failure }) => failure).map(({ participant, failure }) => `${participant}: ${failure}`).join('; ') || 'none'],
		] as [string, string][] : []),
	])}</table>
${networkTable(report)}
<h2>Over time</h2>
<div class="charts" id="charts"></div>
${worst.map(({ kind, list }) => `<h2>Worst ${kind === 'browser' ? 'browsers' : 'bots'}</h2>
${list.length ? `<table><tr><th>participant</th><th>where</th><th>why</th></tr>${list.map(({ name, where, reasons }) =>
		`<tr><td>${escape(name)}</td><td>${escape(where)}</td><td>${escape(reasons.join('; '))}</td></tr>`).join('')}</table>`
		: '<p>None fared badly.</p>'}`).join('\n')}
<script>${fs.readFileSync(path.join(uplotDir, 'uPlot.iife.min.js'), 'utf8')}</script>
<script>
const rampEnd = ${rampEnd === null ? 'null' : rampEnd};
// A dashed line where the ramp ended and the steady phase began.
const rampMarker = (u) => {
	if (rampEnd === null) return;
	const x = u.valToPos(rampEnd, 'x', true);
	const { ctx } = u;
	ctx.save();
	ctx.strokeStyle = '#6b7280';
	ctx.setLineDash([6, 4]);
	ctx.beginPath();
	ctx.moveTo(x, u.bbox.top);
	ctx.lineTo(x, u.bbox.top + u.bbox.height);
	ctx.stroke();
	ctx.restore();
};
for (const chart of ${data}) {
	const box = document.createElement('figure');
	document.getElementById('charts').append(box);
	new uPlot({
		title: chart.title, width: 520, height: 240,
		scales: { x: { time: false } },
		axes: [{ label: 'seconds into the run (dashed: end of the ramp)' }, { label: chart.unit }],
		// The legend names the series (not "--" for a value until the cursor is over the chart).
		legend: { live: false },
		series: [{ label: 'second' }, ...chart.series.map(({ label, color }) => ({ label, stroke: color, width: 2 }))],
		hooks: { draw: [rampMarker] },
	}, chart.data, box);
}
</script>
</body></html>
`;
}
