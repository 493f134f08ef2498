// Measures the bytes API on this machine: large-file upload/download throughput and small-file
// request rates through FilesClient, against a real server over a temp root.
//   npx tsc -p tsconfig.json; node dist/apps/files/tools/throughput.bench.js [big MiB] [small files]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '#logging';
import { FilesClient, type RequestFn } from '#files-client';
import { FilesHttpServer } from '../src/http/files.http-server.js';
import { FileStore } from '../src/storage/file-store.js';
import { allocateKey } from '../src/storage/key-layout.js';

const bigMiB = Number(process.argv[2] ?? 256);
const smallCount = Number(process.argv[3] ?? 2000);
const root = await mkdtemp(join(tmpdir(), 'files-bench-'));
const store = await FileStore.open({ root, maxUploadBytes: 64 * 1024 ** 3 });
const server = new FilesHttpServer(store, { host: '127.0.0.1', port: 0, idleTimeoutMs: 60_000, headersTimeoutMs: 15_000 }, createLogger({ app: 'bench', level: 'error' }));
const url = await server.listen();
const client = new FilesClient({ request: (async () => ({})) as unknown as RequestFn, baseUrl: url });

function report(label: string, started: bigint, bytes: number, ops: number): void {
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = bytes > 0 ? `${(bytes / 1024 ** 2 / s).toFixed(0)} MiB/s` : '';
  console.log(`${label.padEnd(52)} ${s.toFixed(2).padStart(7)} s  ${rate.padStart(11)}  ${(ops / s).toFixed(0).padStart(6)} ops/s`);
}

try {
  const big = randomBytes(bigMiB * 1024 ** 2);
  const source = join(root, 'source.bin');
  await writeFile(source, big);
  const bigKey = allocateKey({ storyId: 1, role: 'generated', ext: 'mp4' });
  let t = process.hrtime.bigint();
  await client.putFile(bigKey, source);
  report(`putFile ${bigMiB} MiB (hash + send + fsync + verify)`, t, big.length, 1);
  t = process.hrtime.bigint();
  await client.putFile(bigKey, source);
  report(`putFile ${bigMiB} MiB again (identical: hash, no transfer)`, t, big.length, 1);
  t = process.hrtime.bigint();
  await client.download(bigKey, join(root, 'copy.bin'));
  report(`download ${bigMiB} MiB to a file (verified)`, t, big.length, 1);

  const small = Array.from({ length: smallCount }, (_, i) => ({
    key: allocateKey({ articleId: 1 + Math.floor(i / 10), role: 'image', ext: 'jpg', index: 1 + (i % 10) }),
    data: randomBytes(20 * 1024),
  }));
  for (const concurrency of [1, 16]) {
    const batch = small.map((s) => ({ ...s, key: s.key.replace('.jpg', `.c${concurrency}.jpg`) }));
    t = process.hrtime.bigint();
    for (let i = 0; i < batch.length; i += concurrency) await Promise.all(batch.slice(i, i + concurrency).map((s) => client.put(s.key, s.data)));
    report(`put ${smallCount} x 20 KiB, concurrency ${concurrency}`, t, smallCount * 20 * 1024, smallCount);
    t = process.hrtime.bigint();
    for (let i = 0; i < batch.length; i += concurrency) await Promise.all(batch.slice(i, i + concurrency).map((s) => client.get(s.key)));
    report(`get ${smallCount} x 20 KiB, concurrency ${concurrency}`, t, smallCount * 20 * 1024, smallCount);
    t = process.hrtime.bigint();
    for (let i = 0; i < batch.length; i += concurrency) await Promise.all(batch.slice(i, i + concurrency).map((s) => client.getRange(s.key, 100, 1123)));
    report(`range 1 KiB of ${smallCount} files, concurrency ${concurrency}`, t, 0, smallCount);
  }
} finally {
  client.close();
  await server.close();
  await rm(root, { recursive: true, force: true });
}
