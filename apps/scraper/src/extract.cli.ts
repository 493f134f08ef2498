// Runs the article extractor over saved pages and prints one JSON line per page.
//
//   npm run -s extract -- <file or folder> [more paths...] [--url URL] [--content-type TYPE]
//
// Accepts .html and .html.gz files; a folder means every such file directly inside it. A page
// that fails prints {file, error} and the command exits non-zero at the end; the others still run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extractArticle } from '#extraction';

interface CliArgs {
  paths: string[];
  url?: string;
  contentType?: string;
}

const USAGE = 'usage: npm run -s extract -- <html file or folder> [...] [--url URL] [--content-type TYPE]';

function isHtmlFile(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('.html') || lower.endsWith('.html.gz') || lower.endsWith('.htm') || lower.endsWith('.htm.gz');
}

function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s, 2) as [string, string | undefined]) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--url') args.url = value();
    else if (flag === '--content-type') args.contentType = value();
    else if (flag === '--help' || flag === '-h') throw new Error(USAGE);
    else if (flag.startsWith('--')) throw new Error(`unknown option ${flag}\n${USAGE}`);
    else args.paths.push(arg);
  }
  if (args.paths.length === 0) throw new Error(USAGE);
  return args;
}

/** The files to read, in a stable order; a path that cannot be listed becomes an error line. */
function expand(path: string): { file: string; error?: string }[] {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return [{ file: path, error: message(error) }];
  }
  if (!stats.isDirectory()) return [{ file: path }];
  return readdirSync(path)
    .filter(isHtmlFile)
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file }));
}

function readPage(file: string): Buffer {
  const bytes = readFileSync(file);
  return file.toLowerCase().endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function main(): number {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${message(error)}\n`);
    return 2;
  }
  let failures = 0;
  for (const { file, error } of args.paths.flatMap(expand)) {
    if (error) {
      failures++;
      process.stdout.write(`${JSON.stringify({ file, error })}\n`);
      continue;
    }
    try {
      const article = extractArticle(readPage(file), { url: args.url, contentType: args.contentType });
      const line = {
        file,
        url: article.url,
        title: article.title,
        byline: article.byline,
        publishedAt: article.publishedAt,
        lang: article.lang,
        text: article.text,
        media: article.media.map(({ kind, src, caption, position }) => ({ kind, src, caption, position })),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    } catch (err) {
      failures++;
      process.stdout.write(`${JSON.stringify({ file, error: message(err) })}\n`);
    }
  }
  return failures > 0 ? 1 : 0;
}

process.exitCode = main();
