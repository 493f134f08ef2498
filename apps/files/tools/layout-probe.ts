// Measures what the two candidate layouts cost on the local filesystem (docs/storage-layout.md):
//   flat:    one directory, names `<articleId>_image<n>.jpg` (the seed question's second option)
//   nested:  `articles/<yyyy>/<mm>/<dd>/<2-hex shard>/<articleId>/image-<nnn>.jpg`
// Empty files: only directory and inode costs are measured, not data. Removes everything it made.
//   npx tsc -p tsconfig.json; node dist/apps/files/tools/layout-probe.js <scratch dir> [articles] [parts]
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = process.argv[2];
if (!root) {
  console.error('usage: node dist/apps/files/tools/layout-probe.js <scratch dir> [articles] [parts per article]');
  process.exit(2);
}
const articles = Number(process.argv[3] ?? 50_000);
const parts = Number(process.argv[4] ?? 10);
const days = 10;

function timed<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const result = fn();
  console.log(`${label.padEnd(58)} ${((performance.now() - start) / 1000).toFixed(2).padStart(8)} s`);
  return result;
}

function run(command: string): void {
  execSync(command, { stdio: 'ignore' });
}

/** Cold-cache figures are what a backup or a restarted sweep sees; needs root, else warm figures. */
function dropCaches(): boolean {
  try {
    execSync('sync');
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

function touch(path: string): void {
  closeSync(openSync(path, 'w', 0o644));
}

function nestedDir(base: string, article: number): string {
  const shard = createHash('sha256').update(`article:${article}`).digest('hex').slice(0, 2);
  const day = String(1 + (article % days)).padStart(2, '0');
  return join(base, 'articles/2026/11', day, shard, String(article));
}

const flat = join(root, 'flat');
const nested = join(root, 'nested');
console.log(`${articles} articles x ${parts} parts = ${articles * parts} files; cold cache: ${dropCaches()}`);
timed('create flat (one directory)', () => {
  mkdirSync(flat, { recursive: true });
  for (let a = 1; a <= articles; a++) for (let p = 1; p <= parts; p++) touch(join(flat, `${a}_image${p}.jpg`));
});
timed('create nested (date/shard/article)', () => {
  for (let a = 1; a <= articles; a++) {
    const dir = nestedDir(nested, a);
    mkdirSync(dir, { recursive: true });
    for (let p = 1; p <= parts; p++) touch(join(dir, `image-${String(p).padStart(3, '0')}.jpg`));
  }
});
console.log(`flat directory inode size: ${(statSync(flat).size / 1e6).toFixed(1)} MB`);
const shardDir = dirname(nestedDir(nested, 7));
console.log(`entries in one nested shard directory: ${readdirSync(shardDir).length}`);

dropCaches();
timed('ls (sorted) flat', () => run(`ls ${flat} > /dev/null`));
dropCaches();
timed('ls -l (sorted, stat each) flat', () => run(`ls -l ${flat} > /dev/null`));
dropCaches();
timed('ls -l one shard directory, nested', () => run(`ls -l ${shardDir} > /dev/null`));
dropCaches();
timed('find parts of one article, flat (glob = full readdir)', () => run(`ls -d ${flat}/7_image* > /dev/null`));
dropCaches();
timed('find parts of one article, nested (readdir its folder)', () => run(`ls ${nestedDir(nested, 7)} > /dev/null`));
dropCaches();
timed('rsync -a --dry-run flat (backup walk)', () => run(`rsync -a --dry-run ${flat}/ /tmp/nowhere-flat/`));
dropCaches();
timed('rsync -a --dry-run nested (backup walk)', () => run(`rsync -a --dry-run ${nested}/ /tmp/nowhere-nested/`));
dropCaches();
timed('rsync -a --dry-run one day, nested (incremental backup)', () => run(`rsync -a --dry-run ${nested}/articles/2026/11/01/ /tmp/nowhere-day/`));
dropCaches();
timed('delete one day of articles, nested (rm -r <day>)', () => run(`rm -r ${nested}/articles/2026/11/01`));
dropCaches();
timed('rm -r flat', () => rmSync(flat, { recursive: true, force: true }));
dropCaches();
timed('rm -r nested (remaining days)', () => rmSync(nested, { recursive: true, force: true }));
