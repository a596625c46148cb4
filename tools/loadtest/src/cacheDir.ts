import os from 'node:os';
import path from 'node:path';

/**
 * Where the load tool keeps what it makes once and replays (the bots' and the
 * browsers' clips): `rooms-loadtest/<name>` in `XDG_CACHE_HOME`, or in
 * `~/.cache`. Outside the package, so a global install works from a read-only
 * folder; `name` carries a version, changed when what is cached changes.
 */
export function cacheDir(name: string): string {
	return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'rooms-loadtest', name);
}
