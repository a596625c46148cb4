import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
		// Integration tests start real mediasoup workers; two files at a time fit two cores.
		maxWorkers: 2,
		testTimeout: 30_000,
		hookTimeout: 30_000,
	},
});
