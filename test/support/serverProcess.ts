/**
 * The real entry point (`server/main.ts`) in a process of its own, for tests
 * of signals and exits, and for benchmarks that measure the server's own CPU
 * apart from the load generating it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testServerEnv } from './server.js';

export interface ServerProcess {
	child: ChildProcess;
	url: string;
	/** Resolves with the exit code once the process has exited (and its data directory is gone). */
	exited: Promise<number | null>;
}

/** Starts the server with its own data directory; resolves once it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-process-'));
	const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
		// Logging at info: the "listening" line says which port it took.
		env: { ...process.env, ...await testServerEnv(dataDir), LOG_LEVEL: 'info', ...env },
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
		fs.rmSync(dataDir, { recursive: true, force: true });
		resolve(code);
	}));
	const url = await new Promise<string>((resolve, reject) => {
		let buffered = '';
		const onData = (chunk: Buffer) => {
			buffered += chunk.toString();
			const listening = buffered.split('\n').map((line) => { try { return JSON.parse(line); } catch { return undefined; } })
				.find((entry) => entry?.msg === 'rooms server listening');
			if (!listening) return;
			// Later lines are not needed; the pipe keeps draining so the server never blocks on a full one.
			child.stdout!.off('data', onData);
			child.stdout!.resume();
			resolve(`http://127.0.0.1:${listening.port}`);
		};
		child.stdout!.on('data', onData);
		child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
	});
	return { child, url, exited };
}
