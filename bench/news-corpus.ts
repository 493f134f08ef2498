// The news corpora written by bench/<name>/generate.ts (korean-news, cjk-news): pages under
// bench/<name>/pages and their gold (title, text, byline, date) in bench/<name>/gold.json.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GoldPage {
  file: string;
  /** The page's language where a corpus mixes them (cjk-news: zh, ja). */
  lang?: string;
  url: string;
  title: string;
  text: string;
  byline: string;
  publishedAt: string;
}

/** Text or an attribute value for the pages' HTML. */
export const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const pad = (n: number): string => String(n).padStart(2, '0');

/** The repository's root, from a built (dist/bench/...) or source file. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'libs'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** Replaces bench/<name>/pages and gold.json. */
export function writeCorpus(name: string, gold: GoldPage[], files: Iterable<[string, string | Buffer]>): void {
  const out = join(repoRoot(), 'bench', name);
  rmSync(join(out, 'pages'), { recursive: true, force: true });
  mkdirSync(join(out, 'pages'), { recursive: true });
  for (const [file, content] of files) writeFileSync(join(out, 'pages', file), content);
  writeFileSync(join(out, 'gold.json'), `${JSON.stringify(gold, null, 1)}\n`);
  process.stdout.write(`wrote ${gold.length} pages and gold.json to ${out}\n`);
}

/** The gold of bench/<name> with each page's bytes. */
export function readCorpus(name: string): (GoldPage & { bytes: Buffer })[] {
  const dir = join(repoRoot(), 'bench', name);
  const gold = JSON.parse(readFileSync(join(dir, 'gold.json'), 'utf8')) as GoldPage[];
  return gold.map((g) => ({ ...g, bytes: readFileSync(join(dir, 'pages', g.file)) }));
}
