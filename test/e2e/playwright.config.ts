import { defineConfig } from '@playwright/test';

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.e2e.ts',
	// Each participant is a real Chromium sending and decoding video: one test at a time on two cores.
	workers: 1,
	fullyParallel: false,
	timeout: 120_000,
	expect: { timeout: 20_000 },
	reporter: [['list']],
	outputDir: '../../test-results/e2e',
	use: {
		browserName: 'chromium',
		launchOptions: {
			executablePath: '/usr/bin/chromium',
			args: [
				'--use-fake-device-for-media-stream=device-count=3',
				'--use-fake-ui-for-media-stream',
				'--autoplay-policy=no-user-gesture-required',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-dev-shm-usage',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		},
		permissions: ['camera', 'microphone'],
		viewport: { width: 960, height: 600 },
		trace: 'retain-on-failure',
	},
});
