// Locates the handmade fixtures from either the source tree or the compiled copy under dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'libs', 'extraction'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root not found from the test file');
}

export const FIXTURES = join(repoRoot(), 'libs', 'extraction', 'test', 'fixtures');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}
