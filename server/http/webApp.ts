/**
 * Serves the built web app: hashed assets cached for a year, every page path
 * (`/`, `/r/:code`) answered with index.html so the browser app can route.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

export function webAppRouter(distDir: string): Router | undefined {
	const indexFile = path.join(distDir, 'index.html');
	if (!fs.existsSync(indexFile)) return undefined;
	const router = express.Router();
	router.use('/assets', express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
	router.use(express.static(distDir, { index: false, maxAge: '1h' }));
	router.get(['/', '/r/:code'], (_req, res) => {
		res.set('cache-control', 'no-cache').sendFile(indexFile);
	});
	return router;
}
