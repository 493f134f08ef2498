// Upload benchmark: the resumable uploader against the fake YouTube on 127.0.0.1, a 200 MB file
// sent in 8 MiB chunks, once without faults (the reference) and once with faults injected at 3
// random byte offsets (the connection is cut there; the server keeps what it had before it).
// Goal: the faulted upload completes, re-sending at most one chunk per fault.
//
//   npm run bench:upload                       200 MB, 8 MiB chunks, seed 1
//   npm run bench:upload -- --mb 50 --chunk-mib 16 --seed 3
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { prng } from '#testing';
import { FakeYoutube, fileSource, OAuthTokenSource, ResumableUploader, YoutubeClient, type VideoMetadata } from '#youtube';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const MB = 1_000_000;
const bytes = option('mb', 200) * MB;
const chunkBytes = option('chunk-mib', 8) * 1024 * 1024;
const random = prng(option('seed', 1));

async function writeFile(path: string): Promise<string> {
  const handle = await open(path, 'w');
  const hash = createHash('sha256');
  const block = Buffer.alloc(4 * 1024 * 1024);
  for (let written = 0; written < bytes; written += block.length) {
    for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((random() * 0xffffffff) >>> 0, i);
    const piece = block.subarray(0, Math.min(block.length, bytes - written));
    hash.update(piece);
    await handle.write(piece);
  }
  await handle.close();
  return hash.digest('hex');
}

const metadata: VideoMetadata = {
  snippet: { title: 'bench', description: 'bench', tags: [], categoryId: '25', defaultLanguage: 'en', defaultAudioLanguage: 'en' },
  status: { privacyStatus: 'private', selfDeclaredMadeForKids: false, containsSyntheticMedia: true },
};

async function run(path: string, sha256: string, faults: number[]) {
  const fake = new FakeYoutube({ autoChannels: true });
  await fake.start();
  try {
    const tokens = new OAuthTokenSource('bench', { tokenUrl: fake.tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'fake-refresh-bench' });
    const client = new YoutubeClient(tokens, { apiBase: fake.url, analyticsBase: fake.url });
    const uploader = new ResumableUploader(client, { chunkBytes, backoffBaseMs: 50, backoffMaxMs: 500 });
    fake.failAtBytes(...faults);
    const source = await fileSource(path, 'video/mp4');
    const started = performance.now();
    try {
      const result = await uploader.upload({ metadata, source, sessionUri: null, onSession: async () => undefined });
      const seconds = (performance.now() - started) / 1000;
      const video = fake.videos.get(result.video.id)!;
      if (video.sha256 !== sha256) throw new Error('the fake holds different bytes than the file');
      return { seconds, mbPerS: bytes / MB / seconds, resentBytes: result.bytesSent - bytes, chunks: result.chunks, retries: result.retries };
    } finally {
      await source.close();
    }
  } finally {
    await fake.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'upload-bench-'));
try {
  const path = join(dir, 'video.mp4');
  process.stdout.write(`writing a ${bytes / MB} MB file... `);
  const sha256 = await writeFile(path);
  process.stdout.write('done\n');
  const reference = await run(path, sha256, []);
  console.log(`no faults:  ${reference.mbPerS.toFixed(1)} MB/s (${reference.seconds.toFixed(2)} s, ${reference.chunks} chunks of ${chunkBytes / 1024 / 1024} MiB)`);
  const faults = Array.from({ length: 3 }, () => Math.floor(random() * bytes)).sort((a, b) => a - b);
  const faulted = await run(path, sha256, faults);
  const perFault = faulted.resentBytes / faults.length / chunkBytes;
  console.log(
    `3 faults at ${faults.map((f) => (f / MB).toFixed(1)).join(', ')} MB: ${faulted.mbPerS.toFixed(1)} MB/s (${faulted.seconds.toFixed(2)} s), ` +
      `${(faulted.resentBytes / 1024 / 1024).toFixed(2)} MiB re-sent = ${perFault.toFixed(2)} chunk per fault (goal <= 1), ${faulted.retries} retries`,
  );
  console.log(
    JSON.stringify({
      upload_mb_per_s: Number(faulted.mbPerS.toFixed(1)),
      upload_mb_per_s_no_faults: Number(reference.mbPerS.toFixed(1)),
      file_mb: bytes / MB,
      chunk_mib: chunkBytes / 1024 / 1024,
      faults: faults.length,
      resent_chunks_per_fault: Number(perFault.toFixed(3)),
      completed: true,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
