import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ArticleFingerprintService } from '../src/article-fingerprint.service.js';
import { CatalogError } from '../src/catalog.errors.js';
import { ArticleFingerprintRepository } from '../src/repositories/article-fingerprint.repository.js';
import { ArticleRepository } from '../src/repositories/article.repository.js';
import { articleRequest, DIALECTS, Replica, TestDatabase } from './catalog-fixture.js';

/** `hex` with the given bits flipped; bit 0 is the least significant, so band 0 is bits 48..63. */
function flip(hex: string, bits: number[]): string {
  let value = BigInt(`0x${hex}`);
  for (const bit of bits) value ^= 1n << BigInt(bit);
  return value.toString(16).padStart(16, '0');
}

/** A first bit of each band: band0 63, band1 47, band2 31, band3 15. */
const IN_BAND = [63, 47, 31, 15];

for (const dialect of DIALECTS) {
  describe(`catalog article fingerprints (${dialect})`, () => {
    const db = TestDatabase.create(dialect);
    let a: Replica;
    let fingerprints: ArticleFingerprintService;
    let n = 0;

    async function article(): Promise<number> {
      return (await a.catalog.upsertArticle(articleRequest(++n))).articleId;
    }

    async function stored(simhash: string): Promise<number> {
      const articleId = await article();
      await fingerprints.record({ articleId, simhash });
      return articleId;
    }

    before(async () => {
      a = await Replica.open(db);
      fingerprints = new ArticleFingerprintService(new ArticleRepository(a.dataSource), new ArticleFingerprintRepository(a.dataSource));
    });
    after(async () => {
      await a?.close();
      await db.drop();
    });

    it('records a fingerprint once; the same again is a no-op, another one a conflict', async () => {
      const articleId = await article();
      assert.deepEqual(await fingerprints.record({ articleId, simhash: '0123456789abcdef' }), { articleId, simhash: '0123456789abcdef', created: true });
      assert.deepEqual(await fingerprints.record({ articleId, simhash: '0123456789abcdef' }), { articleId, simhash: '0123456789abcdef', created: false });
      await assert.rejects(
        fingerprints.record({ articleId, simhash: '0123456789abcdee' }),
        (error: unknown) => error instanceof CatalogError && error.code === 'conflict' && error.message.includes('0123456789abcdef'),
      );
      await assert.rejects(fingerprints.record({ articleId: 999_999, simhash: '0123456789abcdef' }), (e: unknown) => e instanceof CatalogError && e.code === 'not-found');
      assert.equal(await a.count('article_fingerprint', `article_id = ${articleId}`), 1);
      const row = (await a.dataSource.query(`SELECT simhash, band0, band1, band2, band3 FROM article_fingerprint WHERE article_id = ${articleId}`))[0];
      assert.deepEqual(
        [row.simhash, Number(row.band0), Number(row.band1), Number(row.band2), Number(row.band3)],
        ['0123456789abcdef', 0x0123, 0x4567, 0x89ab, 0xcdef],
      );
    });

    it('finds a fingerprint 3 bits away that shares only one band, whichever band that is', async () => {
      for (let shared = 0; shared < 4; shared++) {
        const base = ['1111222233334444', '5555666677778888', '9999aaaabbbbcccc', 'ddddeeeeffff0000'][shared]!;
        const others = IN_BAND.filter((_, band) => band !== shared);
        const articleId = await stored(flip(base, others));
        assert.deepEqual(await fingerprints.nearDuplicate({ simhash: base, maxDistance: 3 }), { match: { articleId, distance: 3 } }, `band ${shared}`);
        assert.deepEqual(await fingerprints.nearDuplicate({ simhash: base, maxDistance: 2 }), { match: null }, `band ${shared}, 2 bits`);
      }
    });

    it('does not match 4 bits or more, whether the bands differ or one band holds all four', async () => {
      const base = '0f0f0f0f0f0f0f0f';
      await stored(flip(base, IN_BAND)); // every band differs: not even a candidate
      await stored(flip(base, [63, 62, 61, 60])); // band 0 differs by 4 bits: a candidate, rejected
      await stored(flip(base, [63, 62, 61, 60, 47]));
      assert.deepEqual(await fingerprints.nearDuplicate({ simhash: base, maxDistance: 3 }), { match: null });
    });

    it('picks the closest match, and the oldest article among equally close ones', async () => {
      const base = 'a5a5a5a5a5a5a5a5';
      await stored(flip(base, [63, 47, 31]));
      const two = await stored(flip(base, [31, 15]));
      assert.deepEqual(await fingerprints.nearDuplicate({ simhash: base, maxDistance: 3 }), { match: { articleId: two, distance: 2 } });
      const one = await stored(flip(base, [40]));
      await stored(flip(base, [5]));
      assert.deepEqual(await fingerprints.nearDuplicate({ simhash: base, maxDistance: 3 }), { match: { articleId: one, distance: 1 } });
      const same = await stored(base);
      assert.deepEqual(await fingerprints.nearDuplicate({ simhash: base, maxDistance: 0 }), { match: { articleId: same, distance: 0 } });
      assert.deepEqual(await fingerprints.nearDuplicate({ simhash: flip(base, [63]), maxDistance: 3 }), { match: { articleId: same, distance: 1 } });
    });

    it('refuses a distance the band index cannot answer completely', async () => {
      await assert.rejects(fingerprints.nearDuplicate({ simhash: '0000000000000000', maxDistance: 4 }), (e: unknown) => e instanceof CatalogError && e.code === 'invalid');
    });
  });
}
