/** Prometheus metrics, one registry per server instance. */
import type { types } from 'mediasoup';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC } from '../shared/metricNames.js';
import type { WorkerPool } from './media/WorkerPool.js';
import type { LiveRooms } from './rooms/LiveRooms.js';

export class Metrics {
	readonly registry = new Registry();
	readonly httpRequests = new Counter({
		name: METRIC.httpRequests,
		help: 'HTTP requests by method, route and status',
		labelNames: ['method', 'route', 'status'] as const,
		registers: [this.registry],
	});
	readonly signalingRequests = new Counter({
		name: METRIC.signalingRequests,
		help: 'Socket.IO requests by name and result code',
		labelNames: ['request', 'result'] as const,
		registers: [this.registry],
	});
	readonly roomsCreated = new Counter({
		name: METRIC.roomsCreated,
		help: 'Rooms created through the API',
		registers: [this.registry],
	});

	constructor(liveRooms: LiveRooms, workers: WorkerPool) {
		collectDefaultMetrics({ register: this.registry });
		new Gauge({
			name: METRIC.liveRooms,
			help: 'Rooms with a router on this node',
			registers: [this.registry],
			collect() { this.set(liveRooms.rooms.length); },
		});
		new Gauge({
			name: METRIC.participants,
			help: 'Participants seated in live rooms',
			registers: [this.registry],
			collect() { this.set(liveRooms.rooms.reduce((sum, room) => sum + room.participantCount, 0)); },
		});
		new Gauge({
			name: METRIC.workersLive,
			help: 'Live mediasoup workers',
			registers: [this.registry],
			collect() { this.set(workers.liveWorkers); },
		});
		// Each gauge asks the workers itself: prom-client collects gauges concurrently.
		const perWorker = (name: string, help: string, read: (usage: types.WorkerResourceUsage) => number) => new Gauge({
			name,
			help,
			labelNames: ['worker'] as const,
			registers: [this.registry],
			async collect() {
				this.reset();
				for (const { index, usage } of await workers.resourceUsage()) this.set({ worker: String(index) }, read(usage));
			},
		});
		perWorker(METRIC.workerCpuSeconds, 'CPU time (user + system) a mediasoup worker has used since it started',
			(usage) => (usage.ru_utime + usage.ru_stime) / 1000);
		// getrusage reports ru_maxrss in kilobytes on Linux.
		perWorker(METRIC.workerMaxRssBytes, 'Peak resident memory of a mediasoup worker', (usage) => usage.ru_maxrss * 1024);
		// Counted by the pool itself: no request to the workers.
		const consumerGauge = (name: string, help: string, read: (counts: { consumers: number; forwarding: number }) => number) => new Gauge({
			name,
			help,
			labelNames: ['worker'] as const,
			registers: [this.registry],
			collect() {
				this.reset();
				for (const counts of workers.consumerCounts()) this.set({ worker: String(counts.index) }, read(counts));
			},
		});
		new Gauge({
			name: METRIC.mediaBitrate,
			help: 'Media through a mediasoup worker now, as its transports measure it: received from senders, sent to receivers',
			labelNames: ['worker', 'direction'] as const,
			registers: [this.registry],
			async collect() {
				this.reset();
				for (const { index, received, sent } of await workers.bitrates()) {
					this.set({ worker: String(index), direction: 'received' }, received);
					this.set({ worker: String(index), direction: 'sent' }, sent);
				}
			},
		});
		consumerGauge(METRIC.workerConsumers,
			'Consumers open on a mediasoup worker (pipes between workers included), weighed against ROOMS_WORKER_CONSUMER_BUDGET',
			({ consumers }) => consumers);
		consumerGauge(METRIC.workerConsumersForwarding,
			'Consumers forwarding media on a mediasoup worker: neither they nor their producer paused (off-screen video and muted microphones are)',
			({ forwarding }) => forwarding);
	}
}
