import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
	root: webDir,
	plugins: [react()],
	// The end-to-end encryption worker imports shared modules: an ES module worker, like the page.
	worker: { format: 'es' },
	build: {
		outDir: path.join(webDir, '..', 'dist', 'web'),
		emptyOutDir: true,
		// No inline scripts or data-URL modules: the server's CSP forbids them.
		assetsInlineLimit: 0,
		modulePreload: { polyfill: false },
	},
	server: { proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'ws://localhost:3000', ws: true } } },
});
