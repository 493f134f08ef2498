import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../../../..');

/** Screenshots and other artefacts of the console specs: `test-output/console/` (TEST_OUTPUT_DIR overrides). */
export function outputDir(): string {
  const dir = join(process.env.TEST_OUTPUT_DIR ?? join(root, 'test-output'), 'console');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A two-second VP8 test pattern with a tone (WebM plays in every Chromium build). */
export function makeVideo(path: string): void {
  const result = spawnSync('ffmpeg', [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=2:size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
    '-c:v', 'libvpx', '-b:v', '300k', '-c:a', 'libvorbis', '-shortest', path,
  ]);
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr.toString()}`);
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
