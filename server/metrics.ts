/** Prometheus metrics, one registry per server instance. */
import type { types } from 'mediasoup';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC } from '../shared/metricNames.js';
import type { WorkerPool } from './media/WorkerPool.js';
import type { LiveRooms } from './rooms/LiveRooms.js';
import type { RoomRouting } from './routing/RoomRouting.js';
import type { WebhookDispatcher } from './webhooks/WebhookDispatcher.js';

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

	constructor(liveRooms: LiveRooms, workers: WorkerPool, routing: RoomRouting, webhooks: WebhookDispatcher) {
		collectDefaultMetrics({ register: this.registry });
		this.#watchWebhooks(webhooks);
		this.#watchCluster(routing);
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

	/**
	 * A counter whose value is a tally kept elsewhere, read at each scrape
	 * (reset, then set to the total), so the layer that counts needs nothing
	 * of Prometheus. `read` gives one total, or one per value of `label`.
	 */
	#tally(name: string, help: string, read: () => number | Record<string, number>, label?: string): void {
		new Counter({
			name,
			help,
			labelNames: label ? [label] : [],
			registers: [this.registry],
			collect() {
				this.reset();
				const totals = read();
				if (typeof totals === 'number') this.inc(totals);
				else for (const [value, total] of Object.entries(totals)) this.inc({ [label!]: value }, total);
			},
		});
	}

	/** What the dispatcher counted itself, and what it holds and sees waiting now. */
	#watchWebhooks(webhooks: WebhookDispatcher): void {
		const { counts } = webhooks;
		this.#tally(METRIC.webhookAttempts, 'Webhook delivery attempts from this node, by outcome: delivered, will-retry, failed (gave up)',
			() => ({ delivered: counts.delivered, 'will-retry': counts.willRetry, failed: counts.failed }), 'result');
		new Gauge({
			name: METRIC.webhookInFlight,
			help: 'Webhook deliveries being attempted from this node now',
			registers: [this.registry],
			collect() { this.set(webhooks.inFlight); },
		});
		new Gauge({
			name: METRIC.webhookBacklog,
			help: 'Webhook deliveries waiting in the outbox (the whole cluster\'s, when nodes share one), counted every 5 s; absent while the store cannot be read',
			registers: [this.registry],
			collect() {
				this.reset();
				if (webhooks.backlog !== undefined) this.set(webhooks.backlog);
			},
		});
	}

	/** Routing's own tallies, and the nodes as its last sweep saw them: present only on a node of a cluster. */
	#watchCluster(routing: RoomRouting): void {
		if (!routing.clustered) return;
		const { counts } = routing;
		this.#tally(METRIC.clusterForwarded, 'Requests about a room on another node, sent on to it: answered there, or unanswered (the room was then located again)',
			() => ({ answered: counts.forwardsAnswered, unanswered: counts.forwardsUnanswered }), 'result');
		this.#tally(METRIC.clusterNodesMarkedDead, 'Nodes this node marked dead after they failed its direct probe', () => counts.nodesMarkedDead);
		this.#tally(METRIC.clusterRoomsMoved, 'Rooms found on a dead node and placed on a live one by this node\'s look-up', () => counts.roomsMoved);
		this.#tally(METRIC.clusterUnusedPlacementsReleased, 'Placements of rooms that never opened on this node (joins whose people never connected), released',
			() => counts.unusedPlacementsReleased);
		new Gauge({
			name: METRIC.clusterNodes,
			help: 'The cluster\'s nodes by state, as this node\'s last sweep (every 2 s) saw them; silent: not dead, but not heard from within ROOMS_NODE_TIMEOUT_SECONDS',
			labelNames: ['state'] as const,
			registers: [this.registry],
			collect() {
				this.reset();
				const seen = routing.nodeStatesSeen();
				if (seen.length === 0) return;
				for (const state of ['serving', 'draining', 'dead', 'silent'] as const) this.set({ state }, 0);
				for (const state of seen) this.inc({ state });
			},
		});
	}
}
