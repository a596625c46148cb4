#!/usr/bin/env node
// Builds the mediasoup worker offline, against Debian's libraries.
//
// Why this exists: mediasoup's own postinstall downloads a prebuilt worker, or
// meson and the worker's third-party sources, from outside the npm registry;
// that fails on machines that reach only npm and Debian. package.json's
// `allowScripts` turns that postinstall off, and this script, run as the root
// package's postinstall (so `npm ci` is still the one command), does instead:
//
//   1. installs the Debian build dependencies when missing (as root), or fails
//      naming them;
//   2. applies our reviewed patch (mediasoup-worker/mediasoup-<version>.patch,
//      explained in its README) to the package's worker sources: applied once,
//      recognised when already applied, refused when the sources differ;
//   3. builds libsrtp2 on OpenSSL from Debian's own source package
//      (libsrtp-openssl.mjs: Debian's binary package is built on NSS, which
//      costs the worker a third of its packet rate), then the worker with meson
//      and ninja, every other third-party library from the system
//      (`--wrap-mode=nodownload`: a missing one fails, never downloads);
//   4. verifies the binary: it links the system libssl.so.3 and libuv, holds
//      libsrtp's OpenSSL ciphers and no shared libsrtp2 (NSS), and a real
//      Worker started from it answers a request;
//   5. caches it, keyed by the patch, this script, the mediasoup version and
//      the versions of the Debian packages it was built against.
//
// The worker lands where the package looks by default
// (node_modules/mediasoup/worker/out/Release/mediasoup-worker), so nothing at
// run time needs MEDIASOUP_WORKER_BIN.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLibsrtpOnOpenssl } from './libsrtp-openssl.mjs';

const MEDIASOUP_VERSION = '3.27.1';
const toolsDir = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(toolsDir, '..', '..');
const patchFile = path.join(toolsDir, 'mediasoup-worker', `mediasoup-${MEDIASOUP_VERSION}.patch`);
const mediasoupDir = path.join(projectRoot, 'node_modules', 'mediasoup');
const workerDir = path.join(mediasoupDir, 'worker');
const releaseDir = path.join(workerDir, 'out', 'Release');
const buildDir = path.join(releaseDir, 'build');
const workerBin = path.join(releaseDir, 'mediasoup-worker');
/** Beside the binary: the cache key it was built or restored for. */
const stampFile = `${workerBin}.rooms-key`;

/** Debian packages the build needs, each with a file that shows it is installed. */
const BUILD_PACKAGES = [
	{ pkg: 'g++', file: '/usr/bin/g++' },
	{ pkg: 'patch', file: '/usr/bin/patch' },
	{ pkg: 'pkg-config', file: '/usr/bin/pkg-config' },
	{ pkg: 'meson', file: '/usr/bin/meson' },
	{ pkg: 'ninja-build', file: '/usr/bin/ninja' },
	{ pkg: 'libuv1-dev', file: '/usr/include/uv.h' },
	{ pkg: 'libssl-dev', file: '/usr/include/openssl/ssl.h' },
	{ pkg: 'libsrtp2-dev', file: '/usr/include/srtp2/srtp.h' },
	{ pkg: 'libabsl-dev', file: '/usr/include/absl/container/flat_hash_map.h' },
	{ pkg: 'libflatbuffers-dev', file: '/usr/include/flatbuffers/flatbuffers.h' },
	{ pkg: 'flatbuffers-compiler', file: '/usr/bin/flatc' },
	// libsrtp2's source package: fetched (apt-get source), unpacked (dpkg-source) and built (make).
	{ pkg: 'dpkg-dev', file: '/usr/bin/dpkg-source' },
	{ pkg: 'make', file: '/usr/bin/make' },
];
/** Shared libraries the finished worker must link from the system. */
const SYSTEM_LIBRARIES = ['libssl.so.3', 'libcrypto.so.3', 'libuv.so.1'];
/** A function of libsrtp's OpenSSL AES-ICM cipher: in the worker only when its libsrtp was built on OpenSSL. */
const OPENSSL_SRTP_SYMBOL = 'srtp_aes_icm_openssl_encrypt';

function log(message) {
	console.log(`[mediasoup-worker] ${message}`);
}

class BuildError extends Error {}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.error) throw new BuildError(`${command} could not run: ${result.error.message}`);
	return result.status === 0;
}

function ensureBuildPackages() {
	const missing = () => BUILD_PACKAGES.filter(({ file }) => !fs.existsSync(file)).map(({ pkg }) => pkg);
	const needed = missing();
	if (needed.length === 0) return;
	const command = `apt-get install -y --no-install-recommends ${needed.join(' ')}`;
	if (process.getuid?.() !== 0) {
		throw new BuildError(`missing Debian build packages: ${needed.join(' ')}. Install them as root: ${command}`);
	}
	log(`installing ${needed.join(' ')} with apt-get`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	if (!run('apt-get', ['update', '-qq'], { env })
		|| !run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...needed], { env })) {
		throw new BuildError(`apt-get could not install ${needed.join(' ')}`);
	}
	const still = missing();
	if (still.length > 0) throw new BuildError(`still missing after apt-get: ${still.join(' ')}`);
}

function debianVersions() {
	const names = BUILD_PACKAGES.map(({ pkg }) => pkg);
	return execFileSync('dpkg-query', ['-W', '-f=${Package}=${Version}\n', ...names]).toString().trim();
}

function cacheKey() {
	return createHash('sha256')
		.update(fs.readFileSync(fileURLToPath(import.meta.url)))
		.update(fs.readFileSync(path.join(toolsDir, 'libsrtp-openssl.mjs')))
		.update(fs.readFileSync(patchFile))
		.update(MEDIASOUP_VERSION)
		.update(debianVersions())
		.update(process.arch)
		.digest('hex')
		.slice(0, 16);
}

/** Applies the patch once: already applied is fine, sources that match neither way are an error. */
function applyPatch() {
	// --force, not --batch: in batch mode patch quietly turns a failed --reverse into a forward check.
	const patchArgs = ['-p1', '--force', '--silent', '-d', mediasoupDir, '-i', patchFile];
	const quiet = { stdio: 'ignore' };
	if (run('patch', ['--reverse', '--dry-run', ...patchArgs], quiet)) {
		log('patch already applied');
		return;
	}
	if (!run('patch', ['--forward', '--dry-run', ...patchArgs], quiet)) {
		throw new BuildError(`${path.relative(projectRoot, patchFile)} does not apply to node_modules/mediasoup; reinstall it (npm ci)`);
	}
	if (!run('patch', ['--forward', '--no-backup-if-mismatch', ...patchArgs])) throw new BuildError('patch failed');
	log(`applied ${path.relative(projectRoot, patchFile)}`);
}

function build() {
	const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
	log(`building the worker with meson and ninja, ${cores} jobs (about 4 minutes on 2 cores)`);
	const started = Date.now();
	// A setup left from another configuration is redone from scratch rather than trusted.
	fs.rmSync(buildDir, { recursive: true, force: true });
	const srtpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-libsrtp-'));
	try {
		const srtpVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libsrtp2-dev']).toString().trim();
		const pkgConfigPath = buildLibsrtpOnOpenssl({
			version: srtpVersion, workDir: srtpDir, log, run, fail: (message) => { throw new BuildError(message); },
		});
		const env = { ...process.env, PKG_CONFIG_PATH: [pkgConfigPath, process.env.PKG_CONFIG_PATH].filter(Boolean).join(':') };
		const setup = ['setup', '--buildtype', 'release', '-Db_ndebug=true', '--wrap-mode=nodownload', buildDir];
		if (!run('meson', setup, { cwd: workerDir, env })) throw new BuildError('meson setup failed (see above)');
		if (!run('ninja', ['-C', buildDir, '-j', String(cores), 'mediasoup-worker'])) throw new BuildError('worker build failed (see above)');
	} finally {
		// The static library is inside the worker now.
		fs.rmSync(srtpDir, { recursive: true, force: true });
	}
	fs.copyFileSync(path.join(buildDir, 'mediasoup-worker'), workerBin);
	// The objects (hundreds of MB) are never reused: a rebuild starts from scratch.
	fs.rmSync(buildDir, { recursive: true, force: true });
	log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** The binary links the system libraries and a real Worker answers a request over its channel. */
function verify() {
	const linked = execFileSync('ldd', [workerBin]).toString();
	const absent = SYSTEM_LIBRARIES.filter((library) => !linked.includes(library));
	if (absent.length > 0) throw new BuildError(`worker does not link ${absent.join(', ')}`);
	// Debian's shared libsrtp2 is built on NSS: the worker must hold its own, on OpenSSL.
	if (/libsrtp2\.so/.test(linked)) throw new BuildError('worker links the system libsrtp2 (built on NSS), not libsrtp on OpenSSL');
	const symbols = spawnSync('nm', [workerBin], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
	if (symbols.status !== 0 || !symbols.stdout.includes(OPENSSL_SRTP_SYMBOL)) {
		throw new BuildError(`worker does not hold libsrtp's OpenSSL ciphers (${OPENSSL_SRTP_SYMBOL})`);
	}
	const probe = `
		const mediasoup = require(${JSON.stringify(mediasoupDir)});
		(async () => {
			const worker = await mediasoup.createWorker({ workerBin: ${JSON.stringify(workerBin)}, logLevel: 'error' });
			const dump = await worker.dump();
			worker.close();
			if (dump.pid !== worker.pid) throw new Error('worker dump does not match its pid');
			console.log(mediasoup.version);
		})().catch((error) => { console.error(error); process.exit(1); });`;
	const answer = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 20_000 });
	if (answer.status !== 0 || answer.stdout.trim() !== MEDIASOUP_VERSION) {
		throw new BuildError(`the built worker did not answer: ${answer.stderr || answer.stdout}`);
	}
	log(`verified: links ${SYSTEM_LIBRARIES.join(', ')}, holds libsrtp on OpenSSL; a Worker answered as mediasoup ${MEDIASOUP_VERSION}`);
}

function main() {
	if (!fs.existsSync(mediasoupDir)) throw new BuildError('node_modules/mediasoup is missing; run npm ci first');
	const { version } = JSON.parse(fs.readFileSync(path.join(mediasoupDir, 'package.json'), 'utf8'));
	if (version !== MEDIASOUP_VERSION) throw new BuildError(`expected mediasoup ${MEDIASOUP_VERSION}, found ${version}`);

	ensureBuildPackages();
	const key = cacheKey();
	const cacheDir = process.env.ROOMS_WORKER_CACHE_DIR
		?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'rooms');
	const cachedBin = path.join(cacheDir, `mediasoup-worker-${MEDIASOUP_VERSION}-${key}`);

	if (fs.existsSync(workerBin) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === key) {
		log(`worker already built for this patch and these libraries (${key})`);
		return;
	}
	applyPatch();
	fs.mkdirSync(releaseDir, { recursive: true });
	if (fs.existsSync(cachedBin)) {
		fs.copyFileSync(cachedBin, workerBin);
		fs.chmodSync(workerBin, 0o755);
		log(`restored the worker from the cache ${cachedBin}`);
	} else {
		build();
	}
	verify();
	fs.writeFileSync(stampFile, key);

	if (fs.existsSync(cachedBin)) return;
	try {
		fs.mkdirSync(cacheDir, { recursive: true });
		fs.copyFileSync(workerBin, `${cachedBin}.tmp`);
		fs.renameSync(`${cachedBin}.tmp`, cachedBin);
		log(`cached at ${cachedBin}`);
	} catch (error) {
		log(`could not cache the worker (${error.message}); the next install rebuilds it`);
	}
}

try {
	main();
} catch (error) {
	if (!(error instanceof BuildError)) throw error;
	console.error(`[mediasoup-worker] ERROR: ${error.message}`);
	process.exitCode = 1;
}
