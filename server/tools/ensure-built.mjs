#!/usr/bin/env node
// Runs `npm run build` when the compiled server or web bundle is missing or
// older than the sources, so `npm start` works straight after `npm ci`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outputs = ['dist/server/server/main.js', 'dist/web/index.html'].map((file) => path.join(root, file));
const sources = ['server', 'shared', 'web', 'package-lock.json', 'tsconfig.json'];

function newestMtime(target) {
	if (!fs.existsSync(target)) return 0;
	const stat = fs.statSync(target);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return fs.readdirSync(target)
		.filter((name) => name !== 'node_modules' && name !== 'dist')
		.reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

const builtAt = Math.min(...outputs.map((file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0)));
const changedAt = Math.max(...sources.map((source) => newestMtime(path.join(root, source))));
if (builtAt === 0 || changedAt > builtAt) {
	console.log('[rooms] building server and web app');
	const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (build.status !== 0) process.exit(build.status ?? 1);
}
