/**
 * The upstream suite starts one worker with a DTLS certificate and key from
 * its own `test/data` folder, which the npm package does not ship. Makes a
 * fresh self-signed pair there with Debian's openssl before the run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function makeDtlsCertificate(): void {
	const here = path.dirname(fileURLToPath(import.meta.url));
	const dataDir = path.resolve(here, '../../node_modules/mediasoup/node/lib/test/data');
	fs.mkdirSync(dataDir, { recursive: true });
	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
		'-subj', '/CN=mediasoup-test', '-keyout', path.join(dataDir, 'dtls-key.pem'), '-out', path.join(dataDir, 'dtls-cert.pem'),
	], { stdio: 'ignore' });
}
