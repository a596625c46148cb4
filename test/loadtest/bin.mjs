#!/usr/bin/env node
// The `rooms-loadtest` command and the npm scripts: the TypeScript CLI, compiled
// by tsx inside this one process. (The `tsx` command would run it in a child
// process and relay Ctrl-C to it, killing it outright when it does not answer
// within 30 ms, as a busy load run may not: the report would be lost.)
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
