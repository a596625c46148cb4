/**
 * The data folder is the service's alone: identities, titles, webhook bodies
 * and secrets. A real server makes it private, and tightens one an older
 * version left open, saying so in its log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../support/server.js';

const FILES = ['rooms.sqlite', 'rooms.sqlite-wal', 'rooms.sqlite-shm', 'apps.json', 'server-secret'];
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

let server: TestServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

describe('the data folder', () => {
	it('is made 0700 with every file in it 0600, whatever the umask', async () => {
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-data-'));
		const dir = path.join(parent, 'data');
		const umask = process.umask(0o022);
		try {
			// No ROOMS_APPS: the server writes apps.json itself.
			server = await startServer({ ROOMS_APPS: '' }, dir);
			expect(modeOf(dir)).toBe('700');
			expect(Object.fromEntries(FILES.map((file) => [file, modeOf(path.join(dir, file))])))
				.toEqual(Object.fromEntries(FILES.map((file) => [file, '600'])));
		} finally {
			process.umask(umask);
			await server?.close();
			server = undefined;
			fs.rmSync(parent, { recursive: true, force: true });
		}
	});

	it('tightens a folder and files others could read, and logs each change', async () => {
		const first = await startServer({ ROOMS_APPS: '' });
		const dir = first.dataDir;
		await first.server.close();
		fs.chmodSync(dir, 0o755);
		for (const file of FILES) if (fs.existsSync(path.join(dir, file))) fs.chmodSync(path.join(dir, file), 0o644);
		const lines: string[] = [];
		server = await startServer({ ROOMS_APPS: '', LOG_LEVEL: 'info' }, dir, { logTo: { write: (line) => lines.push(line) } });
		try {
			expect(modeOf(dir)).toBe('700');
			for (const file of FILES.filter((name) => fs.existsSync(path.join(dir, name)))) expect(modeOf(path.join(dir, file))).toBe('600');
			const tightened = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'tightened the mode of a data file others could read');
			expect(tightened.map((entry) => path.basename(entry.path))).toEqual(expect.arrayContaining([path.basename(dir), 'rooms.sqlite', 'apps.json', 'server-secret']));
			expect(tightened.every((entry) => entry.from === '755' || entry.from === '644')).toBe(true);
		} finally {
			await server.close();
			server = undefined;
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
