import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { extractArticle } from '#extraction';
import { CategoryRule, THRESHOLD } from '../src/category.rule.js';
import { FingerprintBook } from '../src/dedup/fingerprint.book.js';
import { contentHash, hamming, simhash } from '../src/dedup/fingerprint.js';
import { SAMPLE_SITE_ROOT } from '../src/sample-site.server.js';

const MASTER = ['politics', 'economy', 'society', 'life', 'culture', 'gossip', 'sports', 'it-science', 'world', 'health', 'travel-food', 'other'];

function sampleText(path: string): { title: string; text: string } {
  const article = extractArticle(readFileSync(join(SAMPLE_SITE_ROOT, path)), { url: `http://sample.test/${path}` });
  return { title: article.title ?? '', text: article.text };
}

describe('category rule', () => {
  const rule = new CategoryRule(MASTER);

  it('lets a source hint that names a master slug win', () => {
    assert.deepEqual(rule.decide({ hint: 'Culture', title: 'Central bank raises interest rates', text: 'inflation inflation' }), { slug: 'culture', by: 'hint', score: 0 });
  });

  it('ignores a hint that is not in the master table and scores keywords instead', () => {
    const decision = rule.decide({ hint: 'finance', title: 'Central bank holds interest rates', text: 'Inflation cooled and bond yields fell.' });
    assert.deepEqual([decision.slug, decision.by], ['economy', 'keywords']);
  });

  it('scores Korean keywords inside words, English ones as whole words', () => {
    assert.equal(rule.decide({ title: '경제가 살아난다', text: '금리는 동결됐고 물가는 안정됐다.' }).slug, 'economy');
    // "paint" must not count as "ai", "airline" not as "ai" either.
    const decision = rule.decide({ title: 'Paint shop', text: 'The airline repainted its planes.' });
    assert.deepEqual([decision.slug, decision.by], ['other', 'fallback']);
  });

  it('falls back to other below the threshold, and breaks ties by master-table order', () => {
    const weak = rule.decide({ title: 'A quiet day', text: 'The hospital was calm.' });
    assert.ok(weak.score < THRESHOLD);
    assert.equal(weak.slug, 'other');
    // The same score (title 3 + text 1) for economy and sports: economy comes first in the table.
    const tie = rule.decide({ title: 'Inflation and baseball', text: 'Inflation met baseball.' });
    assert.deepEqual([tie.slug, tie.score], ['economy', 4]);
  });

  it('files every sample article where a reader would', () => {
    const expected: Record<string, string> = {
      'articles/rates-hold.html': 'economy',
      'wire/rates-hold-syndicated.html': 'economy',
      'articles/camping-boom.html': 'travel-food',
      'articles/camping-gear.html': 'travel-food',
      'articles/idol-comeback.html': 'gossip',
      'articles/robot-lab.html': 'it-science',
      'articles/sleep-study.html': 'health',
      'articles/baseball-final.html': 'sports',
    };
    for (const [path, slug] of Object.entries(expected)) assert.equal(rule.decide(sampleText(path)).slug, slug, path);
  });

  it('only uses slugs of the master table it was given', () => {
    const small = new CategoryRule(['economy', 'misc']);
    assert.equal(small.decide({ title: 'Baseball final', text: 'the league championship' }).slug, 'misc');
  });
});

describe('fingerprints', () => {
  it('hashes content after normalising case, Unicode form, whitespace and punctuation', () => {
    assert.equal(contentHash('Hello,   World!\n\nＡＢＣ'), contentHash('hello world abc'));
    assert.notEqual(contentHash('hello world'), contentHash('hello there world'));
  });

  it('puts the syndicated sample copy within 3 bits and every other sample pair far away', () => {
    const paths = [
      'articles/rates-hold.html',
      'wire/rates-hold-syndicated.html',
      'articles/camping-boom.html',
      'articles/camping-gear.html',
      'articles/idol-comeback.html',
      'articles/robot-lab.html',
      'articles/sleep-study.html',
      'articles/baseball-final.html',
    ];
    const hashes = paths.map((p) => simhash(sampleText(p).text));
    assert.ok(hamming(hashes[0]!, hashes[1]!) <= 3, `syndicated pair: ${hamming(hashes[0]!, hashes[1]!)}`);
    let closest = 64;
    for (let i = 0; i < hashes.length; i++) for (let j = i + 1; j < hashes.length; j++) if (i !== 0 || j !== 1) closest = Math.min(closest, hamming(hashes[i]!, hashes[j]!));
    assert.ok(closest >= 12, `closest unrelated pair: ${closest} bits`);
    // The same-topic pair is two articles, not a near-duplicate.
    assert.ok(hamming(hashes[2]!, hashes[3]!) > 3);
  });

  it('links a copy to the first text claimed, never to another copy', async () => {
    const book = new FingerprintBook(3);
    const first = book.claim('http://a/1', 'hash-1', 0b1111n);
    assert.equal(first.match, null);
    first.settle({ articleId: 7, contentHash: 'hash-1' });
    const copy = book.claim('http://a/2', 'hash-2', 0b1110n);
    assert.equal(copy.match?.url, 'http://a/1');
    assert.deepEqual(await copy.match?.settled, { articleId: 7, contentHash: 'hash-1' });
    const third = book.claim('http://a/3', 'hash-3', 0b1100n);
    assert.equal(third.match?.url, 'http://a/1');
    assert.equal(book.claim('http://a/4', 'hash-4', 0xffff0000n).match, null);
  });

  it('has pages claim in the order they were taken up, however their fetches finish', async () => {
    const book = new FingerprintBook(3);
    const order: string[] = [];
    const page = async (url: string, simhash: bigint, fetchMs: number, fail = false): Promise<void> => {
      const turn = book.turn();
      try {
        await new Promise((resolve) => setTimeout(resolve, fetchMs));
        if (fail) throw new Error('fetch failed');
        await turn.ready();
        const claim = book.claim(url, url, simhash);
        order.push(`${url}${claim.match ? ` copy of ${claim.match.url}` : ''}`);
        turn.release();
      } catch {
        order.push(`${url} failed`);
      } finally {
        turn.release();
      }
    };
    // The original is listed first but fetched last; a failed page in between must not hold the rest.
    await Promise.all([page('http://a/original', 0b1111n, 60), page('http://a/broken', 0n, 5, true), page('http://a/copy', 0b1110n, 1)]);
    assert.deepEqual(order, ['http://a/broken failed', 'http://a/original', 'http://a/copy copy of http://a/original']);
  });
});
