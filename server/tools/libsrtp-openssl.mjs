// libsrtp built on OpenSSL, for the mediasoup worker (build-mediasoup-worker.mjs).
//
// Debian's libsrtp2 is built against NSS: every SRTP packet then goes through
// NSS's PKCS #11 layer (libsoftokn3, PK11_*), which held the worker to about
// 42k packets a second per core. mediasoup upstream builds libsrtp on OpenSSL
// (AES-NI, OpenSSL's HMAC-SHA1). This builds Debian's own libsrtp2 source
// package, the same version as the installed headers, with --enable-openssl,
// as a static library the worker links whole, so the running worker cannot
// pick up the NSS build from the system.
//
// The source comes from the same Debian archive as the system's packages,
// through a deb-src entry in an apt configuration of our own (its own
// sources list and package lists under the build folder): the system's apt
// sources are never touched. apt checks the source package against the
// archive's signed index, as for any package.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The Debian archive the system installs from, and its release: where libsrtp2's source is. */
function debianArchive() {
	const codename = /^VERSION_CODENAME=(.+)$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1]?.trim();
	const sources = [
		...(fs.existsSync('/etc/apt/sources.list.d') ? fs.readdirSync('/etc/apt/sources.list.d').filter((name) => /\.(sources|list)$/.test(name))
			.map((name) => fs.readFileSync(path.join('/etc/apt/sources.list.d', name), 'utf8')) : []),
		...(fs.existsSync('/etc/apt/sources.list') ? [fs.readFileSync('/etc/apt/sources.list', 'utf8')] : []),
	].join('\n');
	// deb822 (`URIs: http://deb.debian.org/debian` with `Suites: bookworm ...`) or one-line (`deb [opts] URI bookworm main`).
	const uri = [...sources.matchAll(/^URIs:\s*(\S+)[\s\S]*?^Suites:\s*(.+)$/gm)].find(([, , suites]) => suites.split(/\s+/).includes(codename))?.[1]
		?? [...sources.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/gm)].find(([, , suite]) => suite === codename)?.[1];
	return { codename, uri };
}

/**
 * Builds libsrtp2 `version` (Debian's version string, e.g. 2.5.0-3) on OpenSSL under `workDir`; returns the
 * folder to give PKG_CONFIG_PATH, whose libsrtp2.pc names the static library and OpenSSL's libcrypto.
 */
export function buildLibsrtpOnOpenssl({ version, workDir, log, run, fail }) {
	const { codename, uri } = debianArchive();
	if (!codename || !uri) fail('could not tell which Debian archive the system uses (no deb entry for its release in /etc/apt)');
	const aptDir = path.join(workDir, 'apt');
	fs.mkdirSync(path.join(aptDir, 'lists', 'partial'), { recursive: true });
	fs.writeFileSync(path.join(aptDir, 'sources.list'), `deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${uri} ${codename} main\n`);
	const apt = [
		'-o', `Dir::Etc::SourceList=${path.join(aptDir, 'sources.list')}`, '-o', 'Dir::Etc::SourceParts=/dev/null',
		'-o', `Dir::State::Lists=${path.join(aptDir, 'lists')}`, '-o', 'Dir::Cache::pkgcache=', '-o', 'Dir::Cache::srcpkgcache=',
		// Our own lists need no lock of the system's; as root, apt fetches as root into our folder (its _apt user could not write there).
		'-o', 'Debug::NoLocking=1', ...(process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : []), '-qq',
	];
	log(`fetching Debian's libsrtp2 ${version} source from ${uri} (${codename}), with an apt configuration of our own`);
	if (!run('apt-get', [...apt, 'update'])) fail(`apt-get could not read the source index of ${uri} ${codename}`);
	const sourceDir = path.join(workDir, 'source');
	fs.mkdirSync(sourceDir, { recursive: true });
	if (!run('apt-get', [...apt, 'source', '--download-only', `libsrtp2=${version}`], { cwd: sourceDir })) {
		fail(`apt-get could not fetch the source of libsrtp2 ${version}`);
	}
	const dsc = fs.readdirSync(sourceDir).find((name) => name.endsWith('.dsc'));
	if (!dsc || !run('dpkg-source', ['-x', dsc, 'libsrtp2'], { cwd: sourceDir, stdio: 'ignore' })) fail('dpkg-source could not unpack libsrtp2');
	const tree = path.join(sourceDir, 'libsrtp2');
	const prefix = path.join(workDir, 'prefix');
	log('building libsrtp2 on OpenSSL (--enable-openssl), as a static library');
	if (!run('./configure', ['--enable-openssl', `--prefix=${prefix}`, 'CFLAGS=-O2 -fPIC'], { cwd: tree, stdio: 'ignore' })) fail('libsrtp2 configure --enable-openssl failed');
	if (!run('make', ['-j2', 'libsrtp2.a'], { cwd: tree, stdio: 'ignore' })) fail('libsrtp2 build failed');
	const config = fs.readFileSync(path.join(tree, 'crypto', 'include', 'config.h'), 'utf8');
	if (!/^#define OPENSSL 1$/m.test(config)) fail('libsrtp2 was configured without OpenSSL');
	// Only the static library in its folder: the linker cannot take a shared one instead.
	fs.mkdirSync(path.join(prefix, 'lib', 'pkgconfig'), { recursive: true });
	fs.copyFileSync(path.join(tree, 'libsrtp2.a'), path.join(prefix, 'lib', 'libsrtp2.a'));
	const upstream = execFileSync('sh', ['-c', 'sed -n "s/^Version: //p" libsrtp2.pc'], { cwd: tree }).toString().trim();
	fs.writeFileSync(path.join(prefix, 'lib', 'pkgconfig', 'libsrtp2.pc'), [
		`Name: libsrtp2`, `Description: libsrtp2 ${version} on OpenSSL, static (Rooms)`, `Version: ${upstream}`,
		// Headers are the installed libsrtp2-dev's: the same version, and the worker's meson.build adds their srtp2/ folder.
		`Libs: ${path.join(prefix, 'lib', 'libsrtp2.a')} -lcrypto`, 'Cflags:', '',
	].join('\n'));
	return path.join(prefix, 'lib', 'pkgconfig');
}
