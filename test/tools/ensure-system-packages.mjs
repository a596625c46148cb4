#!/usr/bin/env node
// The tests need Debian's Chromium and Firefox ESR (end-to-end), openssl (the DTLS
// certificate for mediasoup's own suite), ffmpeg (the bots' clip, and
// streaming a file into a room through the ingest API), coturn (a real
// TURN server for relay-only browsers), haproxy (a real reverse proxy in
// front of the server, for client addresses behind it) and PostgreSQL 15 (the
// shared stores, started per test run); the worker's build dependencies are
// the postinstall's business. Installs what is missing with apt-get when
// running as root, and fails loudly otherwise: tests never skip for want of a
// package.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const needed = [
	{ pkg: 'chromium', present: () => fs.existsSync('/usr/bin/chromium') },
	{ pkg: 'firefox-esr', present: () => fs.existsSync('/usr/bin/firefox-esr') },
	{ pkg: 'openssl', present: () => fs.existsSync('/usr/bin/openssl') },
	{ pkg: 'ffmpeg', present: () => fs.existsSync('/usr/bin/ffmpeg') },
	{ pkg: 'coturn', present: () => fs.existsSync('/usr/bin/turnserver') },
	{ pkg: 'haproxy', present: () => fs.existsSync('/usr/sbin/haproxy') },
	{ pkg: 'postgresql-15', present: () => fs.existsSync('/usr/lib/postgresql/15/bin/initdb') },
];

function fail(message) {
	console.error(`[rooms] ${message}`);
	process.exitCode = 1;
}

function ensure() {
	const missing = needed.filter(({ present }) => !present()).map(({ pkg }) => pkg);
	if (missing.length === 0) return;

	if (process.getuid?.() !== 0) {
		return fail(`missing system packages: ${missing.join(' ')}. Install them: sudo apt-get install -y ${missing.join(' ')}`);
	}
	console.log(`[rooms] installing ${missing.join(' ')} with apt-get`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
	if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', '--no-install-recommends', ...missing])) {
		return fail(`apt-get could not install ${missing.join(' ')}`);
	}
	const still = needed.filter(({ present }) => !present()).map(({ pkg }) => pkg);
	if (still.length > 0) fail(`still missing after apt-get: ${still.join(' ')}`);
}

ensure();
