#!/usr/bin/env node
// Builds the mediasoup 3.8.4 worker offline, against Debian's OpenSSL 3.
//
// Why this exists: newer mediasoup releases download their worker or its
// sources at install time, which fails on machines that only reach the npm
// registry. 3.8.4 vendors every dependency, but its stock build breaks on this
// toolchain and links an end-of-life OpenSSL 1.1.1k. package.json's
// `allowScripts` turns mediasoup's own postinstall off; this script, run as the
// root package's postinstall, patches the sources and builds the worker.
//
// Every patch checks that the source it expects is there (and fails loudly if
// not) and is idempotent. A finished worker is cached outside node_modules,
// keyed by this script's content and the OpenSSL version, so `npm ci` does not
// rebuild it needlessly.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const EXPECTED_VERSION = '3.8.4';
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const mediasoupDir = path.join(projectRoot, 'node_modules', 'mediasoup');
const workerDir = path.join(mediasoupDir, 'worker');
const workerBin = path.join(workerDir, 'out', 'Release', 'mediasoup-worker');

function log(message) {
	console.log(`[mediasoup-worker] ${message}`);
}

function fail(message) {
	console.error(`[mediasoup-worker] ERROR: ${message}`);
	process.exit(1);
}

/** Replaces `from` with `to` in a file; `to` already present counts as done. */
function patchFile(relativePath, from, to) {
	const file = path.join(workerDir, relativePath);
	const source = fs.readFileSync(file, 'utf8');
	if (source.includes(to)) return;
	if (!source.includes(from)) fail(`expected source not found in ${relativePath}: ${from}`);
	fs.writeFileSync(file, source.replace(from, to));
	log(`patched ${relativePath}`);
}

// The vendored OpenSSL target becomes a link to the system's libssl/libcrypto.
const SYSTEM_OPENSSL_GYP = `# Patched by Rooms: link Debian's maintained OpenSSL 3 instead of the vendored 1.1.1k.
{
  'targets': [
    {
      'target_name': 'openssl',
      'type': 'none',
      'link_settings': { 'libraries': [ '-lssl', '-lcrypto' ] }
    }
  ]
}
`;

function patchSources() {
	// gyp imports collections.MutableSet, removed in Python 3.10.
	patchFile('deps/gyp/pylib/gyp/common.py',
		'class OrderedSet(collections.MutableSet):',
		'class OrderedSet(collections.abc.MutableSet):');
	// SIGSTKSZ is no longer a constant of type int since glibc 2.34.
	patchFile('deps/libwebrtc/deps/abseil-cpp/abseil-cpp/absl/debugging/failure_signal_handler.cc',
		'std::max(SIGSTKSZ, 65536)',
		'std::max<size_t>(SIGSTKSZ, 65536)');
	// The worker force-links the whole vendored libopenssl.a; the system one is shared.
	patchFile('mediasoup-worker.gyp',
		"'ldflags': [ '-Wl,--whole-archive <(libopenssl) -Wl,--no-whole-archive' ]",
		"'ldflags': [ ]");

	const opensslGyp = path.join(workerDir, 'deps', 'openssl', 'openssl.gyp');
	const current = fs.readFileSync(opensslGyp, 'utf8');
	if (current !== SYSTEM_OPENSSL_GYP) {
		if (!current.includes("'target_name': 'openssl'") || !current.includes("'type': '<(library)'")) {
			fail('deps/openssl/openssl.gyp does not define the expected vendored openssl target');
		}
		fs.writeFileSync(opensslGyp, SYSTEM_OPENSSL_GYP);
		log('patched deps/openssl/openssl.gyp (system OpenSSL 3)');
	}
}

function ensureSystemOpenSsl() {
	const header = '/usr/include/openssl/ssl.h';
	if (fs.existsSync(header)) return;
	if (process.getuid?.() !== 0) {
		fail('libssl-dev is missing (no /usr/include/openssl/ssl.h). Install it: sudo apt-get install -y libssl-dev');
	}
	log('installing libssl-dev with apt-get');
	const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
	const install = spawnSync('apt-get', ['install', '-y', '-qq', 'libssl-dev'], {
		stdio: 'inherit',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
	if (update.status !== 0 || install.status !== 0 || !fs.existsSync(header)) {
		fail('could not install libssl-dev with apt-get');
	}
}

function cacheKey() {
	const opensslVersion = execFileSync('openssl', ['version']).toString().trim();
	return createHash('sha256')
		.update(fs.readFileSync(fileURLToPath(import.meta.url)))
		.update(opensslVersion)
		.update(`${process.arch}-${os.release().split('.')[0]}`)
		.digest('hex')
		.slice(0, 16);
}

function main() {
	if (!fs.existsSync(mediasoupDir)) fail('node_modules/mediasoup is missing; run npm install first');
	const { version } = JSON.parse(fs.readFileSync(path.join(mediasoupDir, 'package.json'), 'utf8'));
	if (version !== EXPECTED_VERSION) fail(`expected mediasoup ${EXPECTED_VERSION}, found ${version}`);

	ensureSystemOpenSsl();
	const cacheDir = process.env.ROOMS_WORKER_CACHE_DIR
		?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'rooms');
	const cachedBin = path.join(cacheDir, `mediasoup-worker-${EXPECTED_VERSION}-${cacheKey()}`);

	if (fs.existsSync(workerBin)) {
		log(`worker already built at ${path.relative(projectRoot, workerBin)}`);
		return;
	}
	if (fs.existsSync(cachedBin)) {
		fs.mkdirSync(path.dirname(workerBin), { recursive: true });
		fs.copyFileSync(cachedBin, workerBin);
		fs.chmodSync(workerBin, 0o755);
		log(`restored worker from cache ${cachedBin}`);
		return;
	}

	patchSources();
	const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
	log(`building worker with ${cores} jobs (takes a few minutes)`);
	const started = Date.now();
	const build = spawnSync('make', ['-C', workerDir], {
		stdio: 'inherit',
		env: { ...process.env, PYTHON: 'python3', CORES: String(cores), MEDIASOUP_WORKER_BIN: '' },
	});
	if (build.status !== 0 || !fs.existsSync(workerBin)) fail('worker build failed (see output above)');
	log(`built in ${Math.round((Date.now() - started) / 1000)} s`);

	const linked = execFileSync('ldd', [workerBin]).toString();
	if (!linked.includes('libssl.so.3')) fail('worker is not linked against the system libssl.so.3');

	try {
		fs.mkdirSync(cacheDir, { recursive: true });
		fs.copyFileSync(workerBin, `${cachedBin}.tmp`);
		fs.renameSync(`${cachedBin}.tmp`, cachedBin);
	} catch (error) {
		log(`could not cache the worker (${error.message}); the next install rebuilds it`);
	}
}

main();
