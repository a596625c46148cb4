import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('loadConfig', () => {
	it('has working defaults with no environment at all', () => {
		const config = loadConfig({});
		expect(config).toMatchObject({
			port: 3000,
			publicUrl: 'http://localhost:3000',
			maxParticipants: 50,
			rtcPort: 40000,
			rtcMinPort: 41000,
			rtcMaxPort: 49999,
			ingestIdleSeconds: 30,
			logLevel: 'info',
			iceServers: [],
		});
		expect(config.workers).toBeGreaterThanOrEqual(1);
		expect(config.listenAddresses[0]).toEqual({ ip: '127.0.0.1' });
	});

	it.each([
		['PORT', { PORT: 'eighty' }],
		['PORT', { PORT: '70000' }],
		['ROOMS_WORKERS', { ROOMS_WORKERS: '0' }],
		['ROOMS_MAX_PARTICIPANTS', { ROOMS_MAX_PARTICIPANTS: '51' }],
		['ROOMS_MAX_PARTICIPANTS', { ROOMS_MAX_PARTICIPANTS: '1' }],
		['ROOMS_RTC_MIN_PORT', { ROOMS_RTC_MIN_PORT: '50000', ROOMS_RTC_MAX_PORT: '40000' }],
		['ROOMS_RTC_PORT', { ROOMS_RTC_PORT: '41500' }],
		['ROOMS_RTC_PORT', { ROOMS_RTC_PORT: '40999', ROOMS_WORKERS: '2' }],
		['ROOMS_RTC_PORT', { ROOMS_RTC_PORT: '65535', ROOMS_WORKERS: '2' }],
		['ROOMS_LISTEN_IP', { ROOMS_LISTEN_IP: 'localhost' }],
		['ROOMS_ANNOUNCED_IP', { ROOMS_LISTEN_IP: '0.0.0.0' }],
		['ROOMS_PUBLIC_URL', { ROOMS_PUBLIC_URL: 'not a url' }],
		['ROOMS_ICE_SERVERS', { ROOMS_ICE_SERVERS: '[{"url":"stun:x"}]' }],
		['ROOMS_ICE_SERVERS', { ROOMS_ICE_SERVERS: '{' }],
		['ROOMS_TLS_CERT', { ROOMS_TLS_CERT: '/cert.pem' }],
		['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
		['ROOMS_INGEST_IDLE_SECONDS', { ROOMS_INGEST_IDLE_SECONDS: '0' }],
		['ROOMS_DATABASE_URL', { ROOMS_DATABASE_URL: 'mysql://db/rooms' }],
		['ROOMS_NODE_ID', { ROOMS_NODE_ID: 'Node A' }],
		['ROOMS_NODE_ID', { ROOMS_NODE_ID: 'node-a', ROOMS_DATABASE_URL: 'postgres://db/rooms', ROOMS_APPS: '@/apps.json' }],
		['ROOMS_SERVER_SECRET', { ROOMS_SERVER_SECRET: 'short' }],
	])('stops with a message naming %s for %j', (variable, env) => {
		expect(() => loadConfig(env)).toThrowError(ConfigError);
		expect(() => loadConfig(env)).toThrowError(new RegExp(`invalid ${variable}`));
	});

	it('names every shared setting a node of a cluster lacks', () => {
		expect(() => loadConfig({ ROOMS_NODE_ID: 'node-a', ROOMS_DATABASE_URL: 'postgres://db/rooms' }))
			.toThrowError('invalid ROOMS_NODE_ID: a node of a cluster needs ROOMS_SERVER_SECRET, ROOMS_CLUSTER_SECRET, ROOMS_APPS as well');
		const secret = 's'.repeat(32);
		const config = loadConfig({ ROOMS_NODE_ID: 'node-a', ROOMS_DATABASE_URL: 'postgres://db/rooms', ROOMS_SERVER_SECRET: secret,
			ROOMS_CLUSTER_SECRET: `c${secret}`, ROOMS_APPS: '@/apps.json' });
		expect(config.cluster).toEqual({ nodeId: 'node-a', clusterSecret: `c${secret}`, internalUrl: undefined, nodeTimeoutSeconds: 5 });
		expect(config.serverSecret).toBe(secret);
	});

	it('announces a public IP for a wildcard listen address', () => {
		const config = loadConfig({ ROOMS_LISTEN_IP: '0.0.0.0', ROOMS_ANNOUNCED_IP: '203.0.113.7' });
		expect(config.listenAddresses).toEqual([{ ip: '0.0.0.0', announcedAddress: '203.0.113.7' }]);
	});

	it('derives the public URL from PORT and strips a trailing slash from ROOMS_PUBLIC_URL', () => {
		expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
		expect(loadConfig({ ROOMS_PUBLIC_URL: 'https://rooms.example/' }).publicUrl).toBe('https://rooms.example');
	});

	it('reads ROOMS_ALLOWED_ORIGINS as a comma-separated list of origins, and refuses anything that is not one', () => {
		expect(loadConfig({}).allowedOrigins).toEqual([]);
		expect(loadConfig({ ROOMS_ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443' }).allowedOrigins)
			.toEqual(['https://a.example', 'https://b.example:8443']);
		expect(() => loadConfig({ ROOMS_ALLOWED_ORIGINS: 'https://a.example/path' })).toThrow(/ROOMS_ALLOWED_ORIGINS/);
		expect(() => loadConfig({ ROOMS_ALLOWED_ORIGINS: 'not a url' })).toThrow(/ROOMS_ALLOWED_ORIGINS/);
	});

	it('takes TURN servers only with their shared secret, and only turn: or turns: URLs', () => {
		expect(loadConfig({}).turn).toBeUndefined();
		expect(loadConfig({ ROOMS_TURN_URLS: 'turn:a.example:3478', ROOMS_TURN_SECRET: 'x'.repeat(16) }).turn)
			.toEqual({ urls: ['turn:a.example:3478'], secret: 'x'.repeat(16), ttlSeconds: 3600 });
		expect(() => loadConfig({ ROOMS_TURN_URLS: 'turn:a.example:3478' })).toThrow(/ROOMS_TURN_SECRET/);
		expect(() => loadConfig({ ROOMS_TURN_SECRET: 'x'.repeat(16) })).toThrow(/ROOMS_TURN_SECRET/);
		expect(() => loadConfig({ ROOMS_TURN_URLS: 'http://a.example', ROOMS_TURN_SECRET: 'x'.repeat(16) })).toThrow(/ROOMS_TURN_URLS/);
	});

	it('quotas rooms per app user: 100 open and 60 an hour by default', () => {
		expect(loadConfig({}).roomsPerUser).toEqual({ maxOpen: 100, perHour: 60 });
		expect(loadConfig({ ROOMS_MAX_OPEN_ROOMS_PER_USER: '5', ROOMS_ROOMS_PER_USER_PER_HOUR: '7' }).roomsPerUser).toEqual({ maxOpen: 5, perHour: 7 });
		expect(() => loadConfig({ ROOMS_MAX_OPEN_ROOMS_PER_USER: '0' })).toThrow(/ROOMS_MAX_OPEN_ROOMS_PER_USER/);
	});

	it('trusts loopback proxies by default, a list of addresses and subnets when given, and none with false', () => {
		const byDefault = loadConfig({}).trustProxy;
		expect([byDefault('127.0.0.1', 0), byDefault('::1', 0), byDefault('10.0.0.1', 0)]).toEqual([true, true, false]);
		const listed = loadConfig({ ROOMS_TRUST_PROXY: '10.1.0.0/16, 192.0.2.4' }).trustProxy;
		expect([listed('10.1.2.3', 0), listed('192.0.2.4', 0), listed('127.0.0.1', 0)]).toEqual([true, true, false]);
		expect(loadConfig({ ROOMS_TRUST_PROXY: 'false' }).trustProxy('127.0.0.1', 0)).toBe(false);
		// Trusting every peer would let any client name its own address.
		expect(() => loadConfig({ ROOMS_TRUST_PROXY: 'true' })).toThrow(/ROOMS_TRUST_PROXY/);
		expect(() => loadConfig({ ROOMS_TRUST_PROXY: 'proxy.example' })).toThrow(/ROOMS_TRUST_PROXY/);
	});
});
