/** The stores the configuration asks for: PostgreSQL when `ROOMS_DATABASE_URL` is set, else SQLite in the data folder. */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { preparePrivateDataDir } from './dataDir.js';
import { openPgStores } from './pg/openPgStores.js';
import { openSqliteStores } from './sqlite/openSqliteStores.js';
import type { Stores } from './Stores.js';

export async function openStores(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'storeWaitSeconds'>, logger: Logger): Promise<Stores> {
	const options = { waitMs: config.storeWaitSeconds * 1000, logger };
	if (config.databaseUrl) {
		// The data folder still holds the generated secrets and apps: private, as with SQLite.
		preparePrivateDataDir(config.dataDir, logger);
		return openPgStores(config.databaseUrl, options);
	}
	return openSqliteStores(config.dataDir, options);
}
