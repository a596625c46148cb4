/**
 * Real storage faults for tests: another process holding SQLite's write lock,
 * and a disk that is full (a small tmpfs, mounted as root).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Another process takes the database's write lock (`BEGIN EXCLUSIVE`, which
 * in WAL mode stops every other writer; readers go on) and holds it for
 * `ms`. Resolves once the lock is held, with a promise of its release.
 */
export async function holdWriteLock(databaseFile: string, ms: number): Promise<{ released: Promise<void> }> {
	const script = `
		const Database = require(${JSON.stringify(betterSqlite)});
		const db = new Database(${JSON.stringify(databaseFile)});
		db.exec('BEGIN EXCLUSIVE');
		process.stdout.write('locked\\n');
		setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
	const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
	const released = new Promise<void>((resolve, reject) => {
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the lock holder exited with ${code}`))));
	});
	await new Promise<void>((resolve, reject) => {
		child.stdout.once('data', () => resolve());
		released.catch(reject);
	});
	return { released };
}

/** A tmpfs of `megabytes`, for a data directory whose disk can be filled. Needs root, like the test command's apt step. */
export function smallDisk(megabytes: number): { dir: string; fill(): void; free(): void; unmount(): void } {
	if (process.getuid?.() !== 0) throw new Error('the disk-full test mounts a tmpfs and needs root (run the tests as root, as CI does)');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-small-disk-'));
	execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir]);
	const filler = path.join(dir, 'filler');
	return {
		dir,
		fill() {
			const { bavail, bsize } = fs.statfsSync(dir);
			fs.writeFileSync(filler, Buffer.alloc(bavail * bsize));
		},
		free() {
			fs.rmSync(filler, { force: true });
		},
		unmount() {
			execFileSync('umount', ['-l', dir]);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
