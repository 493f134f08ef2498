// Embedding benchmark for the stand-in (in-process) embedders: article texts per second, images
// per second, and the latency of a similarity search on a usearch index filled right before.
//
//   npm run bench:embed                          400 articles, 40 images, 200 queries
//   npm run bench:embed -- --articles 1000 --images 80 --queries 500 --rounds 5
//
// Inputs are synthetic and deterministic (seeded): Korean and English article texts of about
// 3,000 characters, and 1280x720 JPEGs drawn as SVG and encoded with sharp before the clock starts.
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import sharp from 'sharp';
import usearch from 'usearch';
import { HashTextEmbedder, ImageFeatureEmbedder } from '../apps/embedder/src/embedding/index.js';
import { prng } from '#testing';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const KO_NOUNS = [
  '정부', '한국은행', '기준금리', '물가', '아파트', '전세', '청년', '일자리', '반도체', '수출', '관광객', '편의점',
  '배달', '플랫폼', '인공지능', '스타트업', '프로야구', '아이돌', '드라마', '영화관', '러닝', '캠핑', '카페',
  '전기차', '배터리', '충전소', '지하철', '버스', '출산율', '병원', '의대', '학교', '수능', '폭염', '장마', '태풍',
  '산불', '미세먼지', '소비자', '자영업자', '대기업', '주식', '코스피', '환율', '가계부채', '월세', '재건축', '축제',
];
const KO_PARTICLES = ['이', '가', '은', '는', '을', '를', '의', '에', '에서', '와', '과', '도', '로'];
const KO_VERBS = [
  '늘었다', '줄었다', '발표했다', '검토하고 있다', '확대된다', '논란이 되고 있다', '인기를 끌고 있다', '급증했다',
  '감소세를 보였다', '기록했다', '우려된다', '밝혔다', '전망된다', '이어지고 있다', '화제가 됐다',
];
const EN_WORDS = [
  'government', 'central', 'bank', 'rate', 'prices', 'housing', 'market', 'young', 'workers', 'chip', 'exports',
  'tourists', 'delivery', 'platform', 'startup', 'baseball', 'idol', 'drama', 'running', 'camping', 'coffee',
  'electric', 'battery', 'subway', 'hospital', 'school', 'heatwave', 'typhoon', 'consumers', 'stocks', 'festival',
  'the', 'a', 'of', 'in', 'for', 'with', 'rose', 'fell', 'said', 'announced', 'expected', 'record', 'weekend', 'city',
];

function koreanSentence(next: () => number, focus: string[]): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const words: string[] = [];
  const count = 3 + Math.floor(next() * 4);
  for (let i = 0; i < count; i++) {
    const noun = next() < 0.45 ? pick(focus) : pick(KO_NOUNS);
    words.push(noun + pick(KO_PARTICLES));
  }
  return `${words.join(' ')} ${pick(KO_VERBS)}.`;
}

function englishSentence(next: () => number): string {
  const count = 8 + Math.floor(next() * 10);
  const words = Array.from({ length: count }, () => EN_WORDS[Math.floor(next() * EN_WORDS.length)]);
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return `${words.join(' ')}.`;
}

/** About 3,000 characters: mostly Korean, with English paragraphs in some articles. */
function article(seed: number): string {
  const next = prng(seed);
  const focus = Array.from({ length: 3 }, () => KO_NOUNS[Math.floor(next() * KO_NOUNS.length)]);
  const english = next() < 0.3;
  let text = '';
  while (text.length < 2900) {
    text += english && next() < 0.5 ? englishSentence(next) : koreanSentence(next, focus);
    text += next() < 0.15 ? '\n\n' : ' ';
  }
  return text;
}

async function photo(seed: number): Promise<Buffer> {
  const next = prng(seed);
  const hue = (offset: number): string => `hsl(${Math.floor(next() * 360 + offset) % 360},${40 + Math.floor(next() * 50)}%,${30 + Math.floor(next() * 50)}%)`;
  const shapes = Array.from({ length: 12 }, () =>
    next() < 0.5
      ? `<circle cx="${next() * 1280}" cy="${next() * 720}" r="${20 + next() * 160}" fill="${hue(0)}" opacity="0.8"/>`
      : `<rect x="${next() * 1280}" y="${next() * 720}" width="${40 + next() * 400}" height="${40 + next() * 300}" fill="${hue(90)}" transform="rotate(${next() * 90} 640 360)"/>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hue(0)}"/><stop offset="1" stop-color="${hue(180)}"/></linearGradient></defs>
    <filter id="n"><feTurbulence type="fractalNoise" baseFrequency="${0.3 + next() * 0.5}" numOctaves="3" seed="${seed}"/><feColorMatrix values="0 0 0 0 0.5  0 0 0 0 0.5  0 0 0 0 0.5  0 0 0 0.8 0"/></filter>
    <rect width="1280" height="720" fill="url(#g)"/>${shapes}<rect width="1280" height="720" filter="url(#n)"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function newIndex(dimensions: number): InstanceType<typeof usearch.Index> {
  return new usearch.Index({
    dimensions,
    metric: usearch.MetricKind.Cos,
    quantization: usearch.ScalarKind.F32,
    connectivity: 16,
    expansion_add: 128,
    expansion_search: 64,
    multi: false,
  });
}

/** Embeds in batches and inserts each batch into the index as soon as it is embedded. */
async function ingest(
  embedder: HashTextEmbedder,
  texts: string[],
  batch: number,
): Promise<{ embedMs: number; insertMs: number; index: InstanceType<typeof usearch.Index> }> {
  const index = newIndex(embedder.dim);
  let embedMs = 0;
  let insertMs = 0;
  for (let start = 0; start < texts.length; start += batch) {
    const part = texts.slice(start, start + batch);
    const t0 = performance.now();
    const vectors = await embedder.embedTexts(part);
    const t1 = performance.now();
    const keys = BigUint64Array.from(part.map((_, i) => BigInt(start + i)));
    const flat = new Float32Array(vectors.length * embedder.dim);
    vectors.forEach((vector, i) => flat.set(vector, i * embedder.dim));
    index.add(keys, flat);
    insertMs += performance.now() - t1;
    embedMs += t1 - t0;
  }
  return { embedMs, insertMs, index };
}

async function main(): Promise<void> {
  const articleCount = option('articles', 400);
  const imageCount = option('images', 40);
  const queryCount = Math.min(option('queries', 200), articleCount);
  const rounds = option('rounds', 3);

  const texts = Array.from({ length: articleCount }, (_, i) => article(1000 + i));
  const meanChars = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
  const images = await Promise.all(Array.from({ length: imageCount }, (_, i) => photo(5000 + i)));
  const meanJpegKb = images.reduce((sum, image) => sum + image.length, 0) / images.length / 1024;

  const textEmbedder = new HashTextEmbedder();
  const imageEmbedder = new ImageFeatureEmbedder();
  await textEmbedder.embedTexts(texts.slice(0, 20));
  await imageEmbedder.embedImages(images.slice(0, 2));

  // Each round ingests everything into a fresh index, then queries it at once; the figures are
  // the median round, because this machine is shared and single rounds swing with its load.
  const articleRates: number[] = [];
  const insertMsPerArticle: number[] = [];
  const imageRates: number[] = [];
  let latencies: number[] = [];
  let found = 0;
  const queryStep = articleCount / queryCount;
  const queryIds = Array.from({ length: queryCount }, (_, i) => Math.floor(i * queryStep));
  const queryVectors = await textEmbedder.embedTexts(queryIds.map((id) => texts[id].slice(0, 600)));
  const roundP50: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const { embedMs, insertMs, index } = await ingest(textEmbedder, texts, 50);
    articleRates.push((articleCount / embedMs) * 1000);
    insertMsPerArticle.push(insertMs / articleCount);

    // A lead paragraph should find its own article, in an index that was filled a moment ago.
    latencies = [];
    found = 0;
    queryIds.forEach((id, i) => {
      const t0 = performance.now();
      const matches = index.search(queryVectors[i], 10, 1);
      latencies.push(performance.now() - t0);
      if (matches.keys[0] === BigInt(id)) found++;
    });
    latencies.sort((a, b) => a - b);
    roundP50.push(percentile(latencies, 50));

    const t0 = performance.now();
    await imageEmbedder.embedImages(images);
    imageRates.push((imageCount / (performance.now() - t0)) * 1000);
  }

  const figures = {
    articles: articleCount,
    article_chars_mean: Math.round(meanChars),
    rounds,
    articles_per_s: Number(median(articleRates).toFixed(1)),
    articles_per_s_best: Number(Math.max(...articleRates).toFixed(1)),
    insert_ms_per_article: Number(median(insertMsPerArticle).toFixed(4)),
    images: imageCount,
    image_size: '1280x720',
    jpeg_kb_mean: Number(meanJpegKb.toFixed(1)),
    images_per_s: Number(median(imageRates).toFixed(1)),
    images_per_s_best: Number(Math.max(...imageRates).toFixed(1)),
    queries: queryCount,
    search_p50_ms: Number(median(roundP50).toFixed(4)),
    search_p95_ms_last_round: Number(percentile(latencies, 95).toFixed(4)),
    lead_finds_article_at_1: Number((found / queryCount).toFixed(3)),
    text_dim: textEmbedder.dim,
    image_dim: imageEmbedder.dim,
    cpus: cpus().length,
    load_avg_1m: Number(loadavg()[0].toFixed(2)),
    node: process.version,
  };

  console.log(`stand-in embedders: ${textEmbedder.modelId} (${figures.text_dim} dims), ${imageEmbedder.modelId} (${figures.image_dim} dims); ${figures.cpus} cpus, load ${figures.load_avg_1m}, node ${figures.node}; median of ${rounds} rounds`);
  console.log(`text:   ${articleCount} articles of ${figures.article_chars_mean} chars on average: ${figures.articles_per_s} articles/s (best ${figures.articles_per_s_best}), embedding only; usearch insert ${figures.insert_ms_per_article} ms/article`);
  console.log(`search: ${queryCount} queries right after ingest, top 10, cosine: p50 ${figures.search_p50_ms} ms (p95 ${figures.search_p95_ms_last_round} ms); a lead paragraph found its article first in ${(figures.lead_finds_article_at_1 * 100).toFixed(1)}%`);
  console.log(`images: ${imageCount} JPEGs 1280x720 (${figures.jpeg_kb_mean} kB on average): ${figures.images_per_s} images/s (best ${figures.images_per_s_best}), decode + features`);
  console.log(JSON.stringify(figures));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
