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
	const stop = (signal: string) => {
		logger.info({ signal }, 'stopping');
		server.close().then(() => process.exit(0), (error: unknown) => {
			logger.error({ err: error }, 'error while stopping');
			process.exit(1);
		});
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

void main();
