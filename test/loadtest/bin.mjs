#!/usr/bin/env node
// The `rooms-loadtest` command: the TypeScript CLI, run through tsx like the npm scripts.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
