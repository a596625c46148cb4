/**
 * The names of the server's Prometheus metrics: a contract with whatever
 * scrapes them (the load tool, the benchmark, dashboards), written once.
 */
export const METRIC = {
	httpRequests: 'rooms_http_requests_total',
	signalingRequests: 'rooms_signaling_requests_total',
	roomsCreated: 'rooms_created_total',
	liveRooms: 'rooms_live',
	participants: 'rooms_participants',
	workersLive: 'rooms_mediasoup_workers_live',
	workerCpuSeconds: 'rooms_mediasoup_worker_cpu_seconds',
	workerMaxRssBytes: 'rooms_mediasoup_worker_max_rss_bytes',
	mediaBitrate: 'rooms_media_bitrate_bits_per_second',
	workerConsumers: 'rooms_mediasoup_worker_consumers',
	workerConsumersForwarding: 'rooms_mediasoup_worker_consumers_forwarding',
	webhookAttempts: 'rooms_webhook_attempts_total',
	webhookInFlight: 'rooms_webhook_deliveries_in_flight',
	webhookBacklog: 'rooms_webhook_deliveries_pending',
	clusterForwarded: 'rooms_cluster_forwarded_requests_total',
	clusterNodesMarkedDead: 'rooms_cluster_nodes_marked_dead_total',
	clusterRoomsMoved: 'rooms_cluster_rooms_moved_total',
	clusterUnusedPlacementsReleased: 'rooms_cluster_unused_placements_released_total',
	clusterNodes: 'rooms_cluster_nodes',
} as const;
