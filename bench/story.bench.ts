// Story writing benchmark: 50 trend/article pairs (Korean and English) through every available
// backend: the fake chat server (client, validation and stage prompt overhead), the template
// stand-in, and the in-process engine (node-llama-cpp, Gemma 3 270M) when its model is installed
// (`node scripts/llm-model.mjs install`), which writes the compact draft (docs/story.md). Each
// backend's scripts are validated against StoryScriptV1; the engine is a base model, so its scripts
// are judged on validity, never quality. The engine's 50 pairs take about an hour on a shared
// 2-core machine at load 20 (`--engine-pairs N` for fewer).
//
//   npm run bench:story                       50 pairs on every backend
//   npm run bench:story -- --pairs 20 --engine-pairs 10
//
// Ends with one JSON line of the figures.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StoryScriptV1 } from '#contracts';
import { ChatClient, LlmError, outputTokenBound } from '#llm';
import { FakeChatServer, LlamaEngineServer } from '#llm/testing';
import { ModelStoryWriter } from '../apps/story/src/model.writer.js';
import { compactDraftJsonSchema } from '../apps/story/src/story-draft.js';
import type { PromptTemplate, StoryInput, StoryWriter } from '../apps/story/src/story.types.js';
import { TemplateStoryWriter } from '../apps/story/src/template.writer.js';
import { ARTICLES } from './korean-news/articles.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const root = join(import.meta.dirname, '..', '..');
const PAIRS = option('pairs', 50);
const ENGINE_PAIRS = option('engine-pairs', PAIRS);

const EN_ARTICLES = [
  { title: 'Night markets along the Han river draw record weekend crowds', text: 'Night markets along the Han river drew more than 80,000 visitors last weekend, the city said on Monday. Most were in their twenties and thirties. Food trucks reported queues of up to an hour. The city plans to add two more markets next month. Residents nearby asked for more trash bins and earlier closing times.' },
  { title: 'Chip exports rise for a third month on AI server demand', text: 'Semiconductor exports rose for a third straight month, led by memory chips for AI servers. Shipments reached 13.2 billion dollars, up 18 percent from a year earlier. DRAM sales grew 31 percent. Analysts expect data center spending to continue into next year. Export controls remain the main risk.' },
  { title: 'Running crews fill city parks before work', text: 'Running crews of office workers now fill city parks at six in the morning. One crew grew from ten to three hundred members in a year. Members say the group keeps them motivated. Sports brands sponsor weekly events. Park managers ask runners to keep paths clear for other visitors.' },
  { title: 'Subway line extension to open in March', text: 'The subway line extension will open in March, cutting commutes in the eastern districts by up to twenty minutes. The new section is 4.1 kilometers long with four stations. Express trains will run every five minutes at rush hour. Shop owners expect more customers near the new stations.' },
  { title: 'First snow brings icy roads to mountain areas', text: 'The first snow of the season fell overnight in mountain areas, leaving roads icy for the morning commute. Up to eight centimeters fell in some places. Police urged drivers to slow down and keep their distance. Ski resorts plan to open two weeks early. More snow is forecast for the weekend.' },
];

const template = (language: string): PromptTemplate => {
  const system = language === 'ko' ? '당신은 쇼츠 대본 작가입니다. 기사 내용만으로 JSON 대본을 씁니다.' : 'You write short-video scripts from the article only. Answer with JSON.';
  const user =
    language === 'ko'
      ? '트렌드: {{trend}}\n기사 제목: {{title}}\n기사 본문:\n{{text}}\n미디어:\n{{media}}\n{{language}} 대본을 JSON으로 쓰세요.'
      : 'Trend: {{trend}}\nArticle title: {{title}}\nArticle text:\n{{text}}\nMedia:\n{{media}}\nWrite the script in "{{language}}" as JSON.';
  return { id: `bench.${language}`, version: 1, language, system, user };
};

function pairs(count: number): StoryInput[] {
  const out: StoryInput[] = [];
  for (let i = 0; i < count; i++) {
    const korean = i % 2 === 0;
    const mediaIds = [1000 + i * 3, 1001 + i * 3].slice(0, i % 3);
    const media = mediaIds.map((mediaId, index) => ({ mediaId, kind: index === 1 ? ('video' as const) : ('image' as const), caption: null, durationS: index === 1 ? 12 : null, dataUrls: [] }));
    if (korean) {
      const article = ARTICLES[(i / 2) % ARTICLES.length]!;
      out.push({
        trend: { trendId: i + 1, text: `${article.title.split('…')[0]}에 관심 집중`, category: 'life', score: 3 },
        article: { articleId: i + 1, url: `https://news.example/ko/${i + 1}`, title: article.title, text: article.paragraphs.join('\n'), lang: 'ko' },
        media,
        language: 'ko',
        template: template('ko'),
      });
    } else {
      const article = EN_ARTICLES[((i - 1) / 2) % EN_ARTICLES.length]!;
      out.push({
        trend: { trendId: i + 1, text: `People are talking about: ${article.title.toLowerCase()}`, category: 'life', score: 3 },
        article: { articleId: i + 1, url: `https://news.example/en/${i + 1}`, title: article.title, text: article.text, lang: 'en' },
        media,
        language: 'en',
        template: template('en'),
      });
    }
  }
  return out;
}

interface Figures {
  pairs: number;
  schema_valid_ratio: number;
  p50_s: number;
  p95_s: number;
  repairs: number;
  failures: Record<string, number>;
  completion_tokens: number;
  /** The longest reply in tokens, and the share of the script's fields the model wrote. */
  max_completion_tokens: number;
  model_field_share: number;
  tokens_per_s?: number;
  reply_budget_tokens?: number;
  wall_s?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(name: string, writer: StoryWriter, inputs: StoryInput[]): Promise<Figures> {
  const seconds: number[] = [];
  let valid = 0;
  let repairs = 0;
  let completion = 0;
  let longest = 0;
  let byModel = 0;
  let byCode = 0;
  const failures: Record<string, number> = {};
  for (const [index, input] of inputs.entries()) {
    const started = performance.now();
    try {
      const written = await writer.write(input);
      if (StoryScriptV1.safeParse(written.script).success) valid++;
      repairs += written.repairs;
      completion += written.completionTokens ?? 0;
      longest = Math.max(longest, written.completionTokens ?? 0);
      byModel += written.authorship.model.length;
      byCode += written.authorship.code.length;
    } catch (error) {
      const code = error instanceof LlmError ? error.code : /invalid .* twice|finish_reason length|context/.exec((error as Error).message)?.[0] ?? (error as Error).name;
      failures[code] = (failures[code] ?? 0) + 1;
    }
    seconds.push((performance.now() - started) / 1000);
    if ((index + 1) % 10 === 0 || inputs.length <= 10) process.stderr.write(`  ${name}: ${index + 1}/${inputs.length} (${seconds.at(-1)!.toFixed(1)} s)\n`);
  }
  seconds.sort((a, b) => a - b);
  return {
    pairs: inputs.length,
    schema_valid_ratio: round(valid / inputs.length, 3),
    p50_s: round(percentile(seconds, 50), 4),
    p95_s: round(percentile(seconds, 95), 4),
    repairs,
    failures,
    completion_tokens: completion,
    max_completion_tokens: longest,
    model_field_share: byModel + byCode > 0 ? round(byModel / (byModel + byCode), 3) : 0,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function show(name: string, figures: Figures): void {
  const tps = figures.tokens_per_s !== undefined ? `, ${figures.tokens_per_s} generated tokens/s, longest reply ${figures.max_completion_tokens} of ${figures.reply_budget_tokens} budgeted tokens` : '';
  const failed = Object.entries(figures.failures).map(([code, n]) => `${code} ${n}`).join(', ');
  console.log(
    `${name.padEnd(10)} ${figures.pairs} pairs: ${(figures.schema_valid_ratio * 100).toFixed(1)} % valid scripts, p50 ${figures.p50_s} s, p95 ${figures.p95_s} s, ${figures.repairs} repairs, ${(figures.model_field_share * 100).toFixed(0)} % of fields by the model${tps}${failed ? `; failed: ${failed}` : ''}`,
  );
}

console.log(`story bench: ${PAIRS} pairs (Korean and English), ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`);
process.on('exit', () => process.stderr.write(`story bench: load at the end ${loadavg()[0]!.toFixed(1)}\n`));
const inputs = pairs(PAIRS);
const results: Record<string, Figures | null> = {};

const fake = new FakeChatServer({ model: 'fake/story' });
const fakeUrl = await fake.start();
const fakeClient = new ChatClient({ baseUrl: fakeUrl, model: fake.model, backend: 'openai', timeoutMs: 10_000 });
results.fake = await run('fake', new ModelStoryWriter(fakeClient, { contextTokens: 8192, maxTokens: 1000, images: true }), inputs);
show('fake', results.fake);
await fake.close();

results.template = await run('template', new TemplateStoryWriter(), inputs);
show('template', results.template);

const found = spawnSync(process.execPath, [join(root, 'scripts/llm-model.mjs'), 'path'], { encoding: 'utf8' });
if (found.status === 0) {
  // The compact draft: every value bounded by the grammar, and a reply budget computed from its
  // schema that always closes the JSON (node-llama-cpp's grammar allows at most a newline and 3
  // levels of 4-space indent, 13 bytes, at each whitespace position of this schema).
  const contextTokens = 4096;
  const engine = new LlamaEngineServer({ modelPath: found.stdout.trim(), contextSize: contextTokens, threads: 1, batchSize: 512 });
  const url = await engine.start();
  const client = new ChatClient({ baseUrl: url, model: engine.model, backend: 'llamacpp', timeoutMs: 900_000, retry: { maxRetries: 0 }, contextTokens });
  const writer = new ModelStoryWriter(client, { contextTokens, maxTokens: 0, images: false, draft: 'compact', whitespaceBytes: 13 });
  const wallStarted = performance.now();
  const figures = await run('engine', writer, inputs.slice(0, ENGINE_PAIRS));
  figures.wall_s = round((performance.now() - wallStarted) / 1000, 1);
  figures.tokens_per_s = engine.stats.seconds > 0 ? round(engine.stats.completionTokens / engine.stats.seconds, 1) : 0;
  figures.reply_budget_tokens = outputTokenBound(compactDraftJsonSchema([1000, 1001]), { whitespaceBytes: 13 }) ?? undefined;
  results.engine = figures;
  show('engine', figures);
  await engine.close();
} else {
  console.log('engine     not installed (node scripts/llm-model.mjs install); skipped');
  results.engine = null;
}

const strict = Object.values(results).filter((r): r is Figures => r !== null);
console.log(
  JSON.stringify({
    pairs: PAIRS,
    schema_valid_ratio: Math.min(...strict.map((r) => r.schema_valid_ratio)),
    p50_s: results.engine?.p50_s ?? null,
    p95_s: results.engine?.p95_s ?? null,
    tokens_per_s: results.engine?.tokens_per_s ?? null,
    repairs: strict.reduce((sum, r) => sum + r.repairs, 0),
    backends: results,
  }),
);
