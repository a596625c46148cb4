/**
 * Runs the mediasoup package's own compiled test suite (node/lib/test, 202
 * tests written for jest) against the worker we built from source with our
 * patch, so the patch is held to upstream's expectations. Vitest runs it:
 * its globals match jest's, and `jest.fn` is `vi.fn`. `npm run test:mediasoup`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = path.dirname(fileURLToPath(import.meta.url));
const suite = path.resolve(here, '../../node_modules/mediasoup/node/lib/test');

export default defineConfig({
	test: {
		root: suite,
		include: ['test-*.js'],
		// The suite lives inside node_modules, which vitest skips by default.
		exclude: [],
		globals: true,
		setupFiles: [path.join(here, 'jestGlobals.ts')],
		globalSetup: [path.join(here, 'dtlsCertificate.ts')],
		// Each file starts real workers; two at a time fit two cores.
		maxWorkers: 2,
		testTimeout: 30_000,
	},
});
