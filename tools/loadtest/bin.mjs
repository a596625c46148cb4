#!/usr/bin/env node
// The `rooms-loadtest` command: the compiled CLI, plain JavaScript, in this one
// process (so Ctrl-C reaches it directly, even on a saturated machine).
// `npm ci` in the checkout compiles it; so does packing this package.
import fs from 'node:fs';

const cli = new URL('./dist/tools/loadtest/src/cli.js', import.meta.url);
if (!fs.existsSync(cli)) {
	console.error('rooms-loadtest is not compiled: run `npm run build:loadtest` in the Rooms checkout (npm ci does it too).');
	process.exit(2);
}
await import(cli.href);
