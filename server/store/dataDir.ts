/**
 * The data folder holds phone-number identities, room titles, webhook bodies
 * with invite links, the apps' secrets and the key that signs participant
 * tokens: nobody but the service's own user may read it. The folder is made
 * 0700 and its files 0600; a folder or file left readable by an older version
 * (or by hand) is tightened at start, with a log line saying so.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

export const DATABASE_FILE = 'rooms.sqlite';
/** The files the service keeps there: the database with its WAL companions, the generated apps and the token secret. */
const PRIVATE_FILES = [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, 'apps.json', 'server-secret'];

function tighten(target: string, mode: number, logger: Logger): void {
	const current = fs.statSync(target).mode & 0o777;
	if ((current & ~mode) === 0) return;
	fs.chmodSync(target, mode);
	logger.warn({ path: target, from: current.toString(8), to: mode.toString(8) }, 'tightened the mode of a data file others could read');
}

/**
 * Makes the folder private and its files with it. The database file is made
 * here, 0600, before SQLite opens it: SQLite gives its -wal and -shm files the
 * database file's mode, whatever the process's umask.
 */
export function preparePrivateDataDir(dir: string, logger: Logger): void {
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	tighten(dir, 0o700, logger);
	fs.closeSync(fs.openSync(path.join(dir, DATABASE_FILE), 'a', 0o600));
	for (const file of PRIVATE_FILES) {
		const target = path.join(dir, file);
		if (fs.existsSync(target)) tighten(target, 0o600, logger);
	}
}
