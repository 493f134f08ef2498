import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HASH_TEXT_MODEL_ID, HashTextEmbedder, dot } from '../src/embedding/index.js';
import { KOREAN_HEADLINE_PAIRS } from './korean-headlines.fixture.js';

function norm(vector: Float32Array): number {
  return Math.sqrt(dot(vector, vector));
}

function nearest(query: Float32Array, candidates: Float32Array[]): number {
  let best = -1;
  let bestScore = -Infinity;
  candidates.forEach((candidate, i) => {
    const score = dot(query, candidate);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

describe('HashTextEmbedder (stand-in)', () => {
  const embedder = new HashTextEmbedder();

  it('says what it is', () => {
    assert.equal(embedder.modelId, HASH_TEXT_MODEL_ID);
    assert.equal(embedder.modelId, 'standin-hash-ngram-v1');
    assert.equal(embedder.standIn, true);
    assert.equal(embedder.dim, 512);
    assert.equal(new HashTextEmbedder({ dim: 384 }).modelId, 'standin-hash-ngram-v1-d384');
  });

  it('finds the original of every Korean paraphrase among the 12 originals', async () => {
    const originals = await embedder.embedTexts(KOREAN_HEADLINE_PAIRS.map((pair) => pair.original));
    const paraphrases = await embedder.embedTexts(KOREAN_HEADLINE_PAIRS.map((pair) => pair.paraphrase));
    const misses = paraphrases
      .map((vector, i) => ({ i, found: nearest(vector, originals) }))
      .filter(({ i, found }) => i !== found)
      .map(({ i, found }) => `"${KOREAN_HEADLINE_PAIRS[i].paraphrase}" -> "${KOREAN_HEADLINE_PAIRS[found].original}"`);
    assert.deepEqual(misses, [], `${12 - misses.length}/12 paraphrases found their original`);
  });

  it('returns unit vectors, deterministically, in input order', async () => {
    const texts = ['서울 아파트값 상승', 'Seoul apartment prices rise', '', '!!!', 'a'.repeat(5000)];
    const first = await embedder.embedTexts(texts);
    const again = await new HashTextEmbedder().embedTexts([...texts].reverse());
    assert.equal(first.length, texts.length);
    for (const [i, vector] of first.entries()) {
      assert.equal(vector.length, 512);
      assert.ok(Math.abs(norm(vector) - 1) < 1e-5, `text ${i} has norm ${norm(vector)}`);
      assert.deepEqual(vector, again[texts.length - 1 - i]);
    }
  });

  it('ignores width, case and punctuation differences (NFKC, lower case)', async () => {
    const [plain, noisy] = await embedder.embedTexts(['K-POP 신곡 1위', 'ｋ－ｐｏｐ　신곡 "1위"!!']);
    assert.ok(dot(plain, noisy) > 0.999, `similarity ${dot(plain, noisy)}`);
  });

  it('pools long texts so an article stays close to its own opening, not to another article', async () => {
    const articleA = `${'한국은행 금융통화위원회는 기준금리를 동결했다. 물가 상승률이 목표를 웃돌고 가계부채가 늘고 있다. '.repeat(40)}`;
    const articleB = `${'프로야구 개막전이 전 구장 매진을 기록했다. 관중 수는 역대 최다를 경신했고 응원 열기가 뜨거웠다. '.repeat(40)}`;
    assert.ok(articleA.length > 2000, 'the article must span several chunks');
    const [a, b, leadA] = await embedder.embedTexts([articleA, articleB, articleA.slice(0, 300)]);
    assert.ok(dot(a, leadA) > 0.8, `article vs its lead: ${dot(a, leadA)}`);
    assert.ok(dot(b, leadA) < 0.3, `other article vs the lead: ${dot(b, leadA)}`);
  });

  it('does not match across languages (a stated limit of the stand-in)', async () => {
    const [korean, english] = await embedder.embedTexts([
      '삼성전자 2분기 영업이익 10조 원 돌파',
      'Samsung Electronics second-quarter operating profit tops 10 trillion won',
    ]);
    assert.ok(dot(korean, english) < 0.2, `Korean vs English similarity ${dot(korean, english)}`);
  });

  it('refuses a non-string input with a clear error', async () => {
    await assert.rejects(embedder.embedTexts([42 as unknown as string]), /expected a string, got number/);
  });
});
