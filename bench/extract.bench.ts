// Article-extraction benchmark: our extractor against Mozilla Readability (on linkedom) on the
// scrapinghub article-extraction-benchmark pages, scored with the upstream shingle metric.
//
//   npm run bench:extract                 table + one JSON line
//   npm run bench:extract -- --worst 15   also list the 15 pages with the lowest F1 (ours)
//   npm run bench:extract -- --dump DIR   write our text per page to DIR/<id>.txt for inspection
//
// Data: $EXTRACTION_BENCH_DIR, else ../shared/bench/article-extraction beside the repo root, else
// /work/shared/bench/article-extraction. Second corpus: the Korean pages of bench/korean-news
// (written by bench/korean-news/generate.ts, committed with their gold title, text, byline, date),
// scored the same way plus title, date and byline accuracy. Third corpus: the Chinese and Japanese
// pages of bench/cjk-news (generate.ts there), some in GBK, Big5, Shift_JIS or EUC-JP; scored per
// language on characters and on character bigrams (scoreCharacters), since the upstream metric's
// "words" are whole clauses in scripts written without spaces, plus title, date and byline accuracy.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readCorpus, repoRoot } from './news-corpus.js';
import { performance } from 'node:perf_hooks';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { bootstrapSpread, decodeHtml, detectLanguage, extractArticle, scoreCharacters, scoreCorpus, scorePage, type CorpusScore, type PageScore } from '#extraction';

interface Page {
  id: string;
  url: string;
  truth: string;
  bytes: Buffer;
  gold?: { title: string; byline: string; publishedAt: string };
  /** zh or ja, for the CJK pages. */
  lang?: string;
}

interface RunResult {
  name: string;
  scores: PageScore[];
  corpus: CorpusScore;
  msPerPage: number;
  failures: number;
  texts: string[];
}

type Extractor = (page: Page) => string;

const WARMUP_PAGES = 5;

function dataDir(): string {
  // An explicit EXTRACTION_BENCH_DIR is the only place looked at: a typo must not fall back silently.
  const explicit = process.env['EXTRACTION_BENCH_DIR'];
  const candidates = explicit
    ? [explicit]
    : [resolve(repoRoot(), '..', 'shared', 'bench', 'article-extraction'), '/work/shared/bench/article-extraction'];
  for (const dir of candidates) {
    if (existsSync(join(dir, 'ground-truth.json')) && existsSync(join(dir, 'html'))) return dir;
  }
  throw new Error(
    `article-extraction benchmark data not found (looked in: ${candidates.join(', ')}); ` +
      'set EXTRACTION_BENCH_DIR to a folder holding ground-truth.json and html/<id>.html.gz',
  );
}

function loadPages(dir: string): Page[] {
  const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as Record<
    string,
    { articleBody?: string; url?: string }
  >;
  const files = new Set(readdirSync(join(dir, 'html')));
  const pages: Page[] = [];
  for (const [id, entry] of Object.entries(truth)) {
    const file = `${id}.html.gz`;
    if (!files.has(file)) throw new Error(`benchmark page missing: html/${file}`);
    pages.push({
      id,
      url: entry.url ?? '',
      truth: entry.articleBody ?? '',
      bytes: gunzipSync(readFileSync(join(dir, 'html', file))),
    });
  }
  return pages.sort((a, b) => a.id.localeCompare(b.id));
}

interface Meta {
  title: string | null;
  byline: string | null;
  publishedAt: string | null;
}
const metas = new Map<Page, Meta>();

const ours: Extractor = (page) => {
  const article = extractArticle(page.bytes, { url: page.url });
  metas.set(page, article);
  return article.text;
};

/** A corpus of ours (bench/<name>, written by its generate.ts) as pages with their gold fields. */
function loadNews(name: 'korean-news' | 'cjk-news'): Page[] {
  return readCorpus(name).map((g) => ({
    id: g.file,
    url: g.url,
    truth: g.text,
    bytes: g.bytes,
    gold: { title: g.title, byline: g.byline, publishedAt: g.publishedAt },
    ...(g.lang === undefined ? {} : { lang: g.lang }),
  }));
}

/** Names as a set: "김민준·이서연 기자", "김민준, 이서연" and "记者李明、王芳" are the same byline. */
function names(byline: string | null): string {
  if (!byline) return '';
  return byline
    .split(/[,·ㆍ/、，]|\s+and\s+/)
    .map((n) => n.replace(/\s*(기자|특파원)\s*$/, '').replace(/^\s*(记者|記者)/, '').replace(/\s+/g, '').toLowerCase())
    .filter(Boolean)
    .sort()
    .join('|');
}

function sameInstant(a: string | null, b: string): boolean {
  return a !== null && Date.parse(a) === Date.parse(b);
}

function fieldAccuracy(pages: Page[]): { title: number; date: number; byline: number; misses: string[] } {
  let title = 0;
  let date = 0;
  let byline = 0;
  const misses: string[] = [];
  for (const page of pages) {
    const meta = metas.get(page);
    const gold = page.gold!;
    if (!meta) continue;
    const t = (meta.title ?? '').replace(/\s+/g, ' ').trim() === gold.title.replace(/\s+/g, ' ').trim();
    const d = sameInstant(meta.publishedAt, gold.publishedAt);
    const b = names(meta.byline) === names(gold.byline);
    if (t) title++;
    if (d) date++;
    if (b) byline++;
    if (!t || !d || !b) {
      misses.push(
        `${page.id}: ${t ? '' : `title ${JSON.stringify(meta.title)} `}${d ? '' : `date ${meta.publishedAt} (gold ${new Date(gold.publishedAt).toISOString()}) `}${b ? '' : `byline ${JSON.stringify(meta.byline)} (gold ${gold.byline})`}`,
      );
    }
  }
  const n = pages.length || 1;
  return { title: title / n, date: date / n, byline: byline / n, misses };
}

function byLanguage(pages: Page[], results: RunResult[]): void {
  const groups = new Map<string, number[]>();
  pages.forEach((page, i) => {
    const lang = detectLanguage(page.truth) ?? 'unknown';
    if (!groups.has(lang)) groups.set(lang, []);
    groups.get(lang)!.push(i);
  });
  const rows = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  console.log(`  per language (of the gold text): lang  pages  ${results.map((r) => r.name).join('  |  ')}`);
  for (const [lang, idx] of rows) {
    const cells = results.map((r) => scoreCorpus(idx.map((i) => r.scores[i]!)).f1.toFixed(3));
    console.log(`    ${lang.padEnd(8)} ${String(idx.length).padStart(4)}   ${cells.join('   ')}`);
  }
}

const readability: Extractor = (page) => {
  // The CJK pages in legacy charsets are handed over decoded (Readability takes a string, and a
  // benchmark gives it the page's text, not mojibake); the other corpora are read as before.
  const { document } = parseHTML(page.lang ? decodeHtml(page.bytes) : page.bytes.toString('utf8'));
  const article = new Readability(document as never).parse();
  return article?.textContent ?? '';
};

/**
 * Runs the extractors page by page, alternating which goes first, so that a busy machine or a
 * garbage collection weighs on both alike. Only the extraction call is timed.
 */
function runAll(extractors: { name: string; extract: Extractor }[], pages: Page[]): RunResult[] {
  for (const page of pages.slice(0, WARMUP_PAGES)) {
    for (const { extract } of extractors) {
      try {
        extract(page);
      } catch {
        // a warm-up failure is counted in the measured run below
      }
    }
  }
  const texts = extractors.map(() => [] as string[]);
  const elapsed = extractors.map(() => 0);
  const failures = extractors.map(() => 0);
  pages.forEach((page, p) => {
    for (let k = 0; k < extractors.length; k++) {
      const i = (k + p) % extractors.length;
      let text = '';
      const start = performance.now();
      try {
        text = extractors[i]!.extract(page);
      } catch {
        failures[i]!++;
      }
      elapsed[i]! += performance.now() - start;
      texts[i]!.push(text);
    }
  });
  return extractors.map(({ name }, i) => {
    const scores = pages.map((page, j) => scorePage(page.truth, texts[i]![j]!));
    return { name, scores, corpus: scoreCorpus(scores), msPerPage: elapsed[i]! / pages.length, failures: failures[i]!, texts: texts[i]! };
  });
}

function f1Of(score: PageScore): number {
  return score.precision + score.recall > 0 ? (2 * score.precision * score.recall) / (score.precision + score.recall) : 0;
}

function printTable(results: RunResult[]): void {
  const header = ['extractor', 'F1', 'precision', 'recall', 'accuracy', 'ms/page', 'failures'];
  const rows = results.map((r) => {
    const spread = (pick: (s: CorpusScore) => number): string => bootstrapSpread(r.scores, pick).toFixed(3);
    return [
      r.name,
      `${r.corpus.f1.toFixed(3)} ± ${spread((s) => s.f1)}`,
      `${r.corpus.precision.toFixed(3)} ± ${spread((s) => s.precision)}`,
      `${r.corpus.recall.toFixed(3)} ± ${spread((s) => s.recall)}`,
      r.corpus.accuracy.toFixed(3),
      r.msPerPage.toFixed(2),
      String(r.failures),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('(± is the standard deviation over 1000 bootstrap resamples of the pages)');
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const dir = dataDir();
  const pages = loadPages(dir);
  console.log(`article extraction benchmark: ${pages.length} pages from ${dir}`);

  const [result, reference] = runAll(
    [
      { name: 'ours (#extraction)', extract: ours },
      { name: 'readability (linkedom)', extract: readability },
    ],
    pages,
  ) as [RunResult, RunResult];
  printTable([result, reference]);
  byLanguage(pages, [result, reference]);

  const korean = loadNews('korean-news');
  console.log(`\nKorean news benchmark: ${korean.length} pages (${new Set(korean.map((p) => p.id.replace(/^\d+-|\.html$/g, ''))).size} layouts) from bench/korean-news`);
  const [koResult, koReference] = runAll(
    [
      { name: 'ours (#extraction)', extract: ours },
      { name: 'readability (linkedom)', extract: readability },
    ],
    korean,
  ) as [RunResult, RunResult];
  printTable([koResult, koReference]);
  const fields = fieldAccuracy(korean);
  const koEmpty = korean.filter((page, i) => page.truth.trim() !== '' && koResult.texts[i]!.trim() === '').length;
  const empty = pages.filter((page, i) => page.truth.trim() !== '' && result.texts[i]!.trim() === '').length;
  console.log(
    `title accuracy ${fields.title.toFixed(3)}  date accuracy ${fields.date.toFixed(3)}  byline accuracy ${fields.byline.toFixed(3)}  ` +
      `empty results where the gold has text: ${koEmpty} (Korean), ${empty} (181 pages)`,
  );
  for (const miss of fields.misses.slice(0, args.includes('--misses') ? 1000 : 5)) console.log(`  miss ${miss}`);
  const byLayout = new Map<string, number[]>();
  korean.forEach((page, i) => {
    const layout = page.id.replace(/^\d+-|\.html$/g, '');
    if (!byLayout.has(layout)) byLayout.set(layout, []);
    byLayout.get(layout)!.push(i);
  });
  console.log(
    `  F1 per layout: ${[...byLayout.entries()].map(([layout, idx]) => `${layout} ${scoreCorpus(idx.map((i) => koResult.scores[i]!)).f1.toFixed(3)}`).join(', ')}`,
  );

  const cjk = loadNews('cjk-news');
  console.log(`\nChinese/Japanese news benchmark: ${cjk.length} pages (${new Set(cjk.map((p) => p.id.replace(/^\d+-|\.html$/g, ''))).size} layouts) from bench/cjk-news`);
  const [cjkResult, cjkReference] = runAll(
    [
      { name: 'ours (#extraction)', extract: ours },
      { name: 'readability (linkedom)', extract: readability },
    ],
    cjk,
  ) as [RunResult, RunResult];
  printTable([cjkResult, cjkReference]);
  const cjkLangs = cjkByLanguage(cjk, cjkResult, cjkReference);
  const cjkFields = fieldAccuracy(cjk);
  const cjkEmpty = cjk.filter((page, i) => page.truth.trim() !== '' && cjkResult.texts[i]!.trim() === '').length;
  console.log(
    `title accuracy ${cjkFields.title.toFixed(3)}  date accuracy ${cjkFields.date.toFixed(3)}  byline accuracy ${cjkFields.byline.toFixed(3)}  ` +
      `empty results where the gold has text: ${cjkEmpty}`,
  );
  for (const miss of cjkFields.misses.slice(0, args.includes('--misses') ? 1000 : 5)) console.log(`  miss ${miss}`);
  const cjkLayouts = new Map<string, number[]>();
  cjk.forEach((page, i) => {
    const layout = page.id.replace(/^\d+-|\.html$/g, '');
    if (!cjkLayouts.has(layout)) cjkLayouts.set(layout, []);
    cjkLayouts.get(layout)!.push(i);
  });
  console.log(
    `  character-bigram F1 per layout (ours / reference): ${[...cjkLayouts.entries()]
      .map(([layout, idx]) => `${layout} ${bigramF1(cjk, idx, cjkResult)} / ${bigramF1(cjk, idx, cjkReference)}`)
      .join(', ')}`,
  );

  const worst = Number(argValue(args, '--worst') ?? 0);
  if (worst > 0) {
    const all = [...pages, ...korean, ...cjk];
    const ourScores = [...result.scores, ...koResult.scores, ...cjkResult.scores];
    const refScores = [...reference.scores, ...koReference.scores, ...cjkReference.scores];
    const order = all.map((_, i) => i).sort((a, b) => f1Of(ourScores[a]!) - f1Of(ourScores[b]!));
    console.log(`\nlowest F1 (ours): id  url  P  R  | reference P R`);
    for (const i of order.slice(0, worst)) {
      const s = ourScores[i]!;
      const r = refScores[i]!;
      console.log(
        `${all[i]!.id.slice(0, 24)}  ${all[i]!.url.slice(0, 70)}  ${s.precision.toFixed(2)} ${s.recall.toFixed(2)}  | ${r.precision.toFixed(2)} ${r.recall.toFixed(2)}`,
      );
    }
  }
  const dump = argValue(args, '--dump');
  if (dump) {
    mkdirSync(dump, { recursive: true });
    const write = (list: Page[], run: RunResult, ref: RunResult): void =>
      list.forEach((page, i) => {
        writeFileSync(join(dump, `${page.id}.txt`), run.texts[i]!);
        writeFileSync(join(dump, `${page.id}.ref.txt`), ref.texts[i]!);
        writeFileSync(join(dump, `${page.id}.truth.txt`), page.truth);
      });
    write(pages, result, reference);
    write(korean, koResult, koReference);
    write(cjk, cjkResult, cjkReference);
    console.log(`texts written to ${dump}`);
  }

  console.log(
    JSON.stringify({
      pages: pages.length,
      f1: round(result.corpus.f1),
      precision: round(result.corpus.precision),
      recall: round(result.corpus.recall),
      accuracy: round(result.corpus.accuracy),
      ms_per_page: round(result.msPerPage, 2),
      failures: result.failures,
      reference: 'readability-0.6.0+linkedom',
      reference_f1: round(reference.corpus.f1),
      reference_precision: round(reference.corpus.precision),
      reference_recall: round(reference.corpus.recall),
      reference_accuracy: round(reference.corpus.accuracy),
      reference_ms_per_page: round(reference.msPerPage, 2),
      empty_pages: empty,
      ko_pages: korean.length,
      f1_ko: round(koResult.corpus.f1),
      ms_per_page_ko: round(koResult.msPerPage, 2),
      reference_f1_ko: round(koReference.corpus.f1),
      reference_ms_per_page_ko: round(koReference.msPerPage, 2),
      empty_pages_ko: koEmpty,
      title_accuracy: round(fields.title),
      date_accuracy: round(fields.date),
      byline_accuracy: round(fields.byline),
      cjk_pages: cjk.length,
      f1_cjk: round(cjkResult.corpus.f1),
      reference_f1_cjk: round(cjkReference.corpus.f1),
      ms_per_page_cjk: round(cjkResult.msPerPage, 2),
      reference_ms_per_page_cjk: round(cjkReference.msPerPage, 2),
      empty_pages_cjk: cjkEmpty,
      ...cjkLangs,
      title_accuracy_cjk: round(cjkFields.title),
      date_accuracy_cjk: round(cjkFields.date),
      byline_accuracy_cjk: round(cjkFields.byline),
    }),
  );
}

function bigramF1(pages: Page[], idx: number[], run: RunResult): string {
  return scoreCorpus(idx.map((i) => scoreCharacters(pages[i]!.truth, run.texts[i]!, 2))).f1.toFixed(3);
}

/**
 * Per language of the CJK pages: F1 on characters and on character bigrams, ours and the
 * reference's, printed and returned as JSON keys (f1_zh, shingle_f1_zh, reference_f1_zh, …).
 */
function cjkByLanguage(pages: Page[], ours: RunResult, reference: RunResult): Record<string, number> {
  const keys: Record<string, number> = {};
  console.log('  per language: lang  pages   characters: ours  reference  |  character bigrams: ours  reference');
  for (const lang of ['zh', 'ja']) {
    const idx = pages.map((page, i) => (page.lang === lang ? i : -1)).filter((i) => i >= 0);
    const f1 = (run: RunResult, n: 1 | 2): number => scoreCorpus(idx.map((i) => scoreCharacters(pages[i]!.truth, run.texts[i]!, n))).f1;
    const row = { ours: f1(ours, 1), ref: f1(reference, 1), oursBi: f1(ours, 2), refBi: f1(reference, 2) };
    console.log(
      `    ${lang.padEnd(4)} ${String(idx.length).padStart(5)}   ${row.ours.toFixed(3).padStart(16)}  ${row.ref.toFixed(3).padStart(9)}  |  ${row.oursBi.toFixed(3).padStart(23)}  ${row.refBi.toFixed(3).padStart(9)}`,
    );
    keys[`f1_${lang}`] = round(row.ours);
    keys[`reference_f1_${lang}`] = round(row.ref);
    keys[`shingle_f1_${lang}`] = round(row.oursBi);
    keys[`reference_shingle_f1_${lang}`] = round(row.refBi);
  }
  return keys;
}

function round(value: number, digits = 4): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

try {
  main();
} catch (error) {
  console.error(`bench:extract failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
