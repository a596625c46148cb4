/** Entry point: configuration, logging, start, and a clean stop on signals. */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { RoomsServer } from './RoomsServer.js';

async function main(): Promise<void> {
	let config;
	try {
		config = loadConfig();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(`rooms: ${error.message}`);
			process.exit(2);
		}
		throw error;
	}
	const logger = createLogger(config.logLevel);
	let server: RoomsServer;
	try {
		server = await RoomsServer.start(config, logger);
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(`rooms: ${error.message}`);
			process.exit(2);
		}
		logger.fatal({ err: error }, 'could not start');
		process.exit(1);
	}
	// The first signal drains: calls go on up to ROOMS_DRAIN_SECONDS, nobody new joins. A second one stops at once.
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) {
			logger.warn({ signal }, 'second signal: stopping now');
			process.exit(0);
		}
		stopping = true;
		logger.info({ signal, drainSeconds: config.drainSeconds }, 'stopping once calls end');
		server.drain(config.drainSeconds * 1000).then(() => process.exit(0), (error: unknown) => {
			logger.error({ err: error }, 'error while stopping');
			process.exit(1);
		});
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
