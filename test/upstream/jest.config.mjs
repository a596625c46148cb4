/**
 * Runs the mediasoup package's own compiled test suite (node/lib/test, about
 * 200 jest tests) against the worker we built from source with our patch, so
 * the patch is held to upstream's expectations. `npm run test:mediasoup`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export default {
	rootDir: path.resolve(here, '../../node_modules/mediasoup/node/lib/test'),
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test-*.js'],
	// The suite lives inside node_modules, which jest skips by default.
	testPathIgnorePatterns: [],
	haste: { retainAllFiles: true },
	globalSetup: path.join(here, 'dtlsCertificate.mjs'),
	// Each file starts real workers; two at a time fit two cores.
	maxWorkers: 2,
	cacheDirectory: path.resolve(here, '../../node_modules/.cache/jest-mediasoup'),
};
