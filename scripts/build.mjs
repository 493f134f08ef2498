#!/usr/bin/env node
// `npm run build`: a clean TypeScript build. dist/ is emptied first, so a deleted source (a renamed
// contract, a removed app) leaves no compiled file behind for the contract loader or `npm start`.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
process.exit(tsc.status ?? 1);
