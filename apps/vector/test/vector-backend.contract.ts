import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { VectorBackend, VectorRow, VectorSpace } from '../src/backends/vector-backend.js';
import { l2Norm, normalize, representativeVector } from '../src/backends/vector-math.js';
import { VectorInputError, VectorSpaceMismatchError } from '../src/backends/vector.errors.js';
import { storageName } from '../src/backends/vector-input.js';
import { DAY, EPOCH, exactTopK, makeRows, prng, randomVector, uniqueSpace } from './vector-fixtures.js';

export interface BackendHarness {
  /**
   * Opens a backend on the harness's storage (the same data directory or server every time).
   * A test closes what it opened before opening again.
   */
  open(): Promise<VectorBackend>;
  /** Runs after the suite, once every backend is closed (remove temp dirs). */
  cleanup?(): Promise<void>;
}

const DIM = 32;

function ids(hits: readonly { id: string }[]): string[] {
  return hits.map((hit) => hit.id);
}

function assertSortedBestFirst(hits: readonly { score: number }[]): void {
  for (let i = 1; i < hits.length; i++) {
    assert.ok(hits[i - 1]!.score >= hits[i]!.score, `hit ${i} scores higher than hit ${i - 1}`);
  }
}

/**
 * The behaviour every VectorBackend must show. Each test opens its own backend on fresh space
 * names and drops its spaces at the end, so suites can share one Milvus server.
 */
export function vectorBackendContract(label: string, harness: BackendHarness): void {
  describe(`VectorBackend contract: ${label}`, () => {
    const created: VectorSpace[] = [];
    const space = (modality = 'text', dim = DIM): VectorSpace => {
      const made = uniqueSpace(modality, dim);
      created.push(made);
      return made;
    };

    async function withBackend<T>(run: (backend: VectorBackend) => Promise<T>): Promise<T> {
      const backend = await harness.open();
      try {
        return await run(backend);
      } finally {
        await backend.close();
      }
    }

    after(async () => {
      try {
        if (created.length > 0) {
          await withBackend(async (backend) => {
            for (const made of created) await backend.dropSpace(made);
          });
        }
      } finally {
        await harness.cleanup?.();
      }
    });

    it('finds every stored vector as its own nearest neighbour', async () => {
      await withBackend(async (backend) => {
        const s = space();
        const rows = makeRows(1, DIM, 120);
        assert.deepEqual(await backend.upsert(s, rows), { upserted: 120 });
        assert.equal(await backend.count(s), 120);
        for (const row of rows.filter((_, i) => i % 10 === 0)) {
          const hits = await backend.search(s, row.vector, { k: 5 });
          assert.equal(hits.length, 5);
          assert.equal(hits[0]!.id, row.id);
          assert.ok(Math.abs(hits[0]!.score - 1) < 1e-4, `self score ${hits[0]!.score}`);
          assertSortedBestFirst(hits);
          assert.deepEqual(ids(hits), exactTopK(rows, row.vector, 5));
          assert.equal(hits[0]!.articleId, row.articleId);
          assert.equal(hits[0]!.category, row.category);
          assert.equal(hits[0]!.source, row.source);
          assert.equal(hits[0]!.kind, row.kind);
          assert.equal(hits[0]!.createdAt.getTime(), row.createdAt.getTime());
        }
      });
    });

    it('scores by cosine similarity whatever the vectors’ lengths', async () => {
      await withBackend(async (backend) => {
        const s = space('text', 4);
        const base = { articleId: 1, category: 'life', source: 'a', kind: 'text' as const, createdAt: new Date(EPOCH) };
        await backend.upsert(s, [
          { ...base, id: 'media:x', vector: [10, 0, 0, 0] },
          { ...base, id: 'media:xy', vector: [0.1, 0.1, 0, 0] },
          { ...base, id: 'media:neg', vector: [-3, 0, 0, 0] },
        ]);
        const hits = await backend.search(s, [2, 0, 0, 0], { k: 3 });
        assert.deepEqual(ids(hits), ['media:x', 'media:xy', 'media:neg']);
        assert.ok(Math.abs(hits[1]!.score - Math.SQRT1_2) < 1e-4, `score ${hits[1]!.score}`);
        assert.ok(Math.abs(hits[2]!.score + 1) < 1e-4, `score ${hits[2]!.score}`);
      });
    });

    it('replaces a row on re-upsert of its id without adding one', async () => {
      await withBackend(async (backend) => {
        const s = space();
        const rows = makeRows(2, DIM, 40);
        await backend.upsert(s, rows);
        const random = prng(99);
        const replacement: VectorRow = { ...rows[7]!, vector: randomVector(random, DIM), category: 'economy', kind: 'video' };
        await backend.upsert(s, [replacement]);
        assert.equal(await backend.count(s), 40);

        const [stored] = await backend.get(s, [replacement.id]);
        assert.ok(stored);
        assert.equal(stored.category, 'economy');
        assert.equal(stored.kind, 'video');
        const expected = normalize(replacement.vector);
        stored.vector.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 1e-5));

        const byNew = await backend.search(s, replacement.vector, { k: 1 });
        assert.equal(byNew[0]!.id, replacement.id);
        const byOld = await backend.search(s, rows[7]!.vector, { k: 40 });
        assert.equal(byOld.filter((hit) => hit.id === replacement.id).length, 1, 'the id appears once');
        assert.ok(byOld.find((hit) => hit.id === replacement.id)!.score < 0.99, 'the old vector is gone');

        // A batch naming one id twice keeps the last row.
        await backend.upsert(s, [
          { ...rows[3]!, category: 'life' },
          { ...rows[3]!, category: 'gossip' },
        ]);
        assert.equal(await backend.count(s), 40);
        assert.equal((await backend.get(s, [rows[3]!.id]))[0]!.category, 'gossip');
      });
    });

    it('reports what it occupies for the storage cap: measured files, or an estimate that says so', async () => {
      const s = space();
      const rows = 300;
      await withBackend((backend) => backend.upsert(s, makeRows(5, DIM, rows)));
      await withBackend(async (backend) => {
        const collection = storageName(s.name);
        const deadline = Date.now() + 20_000;
        let parts = await backend.storageSize();
        // Milvus counts rows per segment once it has flushed them; usearch saved its index at close.
        const ofSpace = () => parts.filter((p) => p.name.includes(collection) || (backend.backendName === 'usearch' && p.name.endsWith('.usearch')));
        while (!ofSpace().some((p) => p.bytes > 0) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          parts = await backend.storageSize();
        }
        assert.ok(ofSpace().some((p) => p.bytes > 0), `a part for ${s.name} with bytes: ${JSON.stringify(parts.map((p) => [p.name, p.bytes]))}`);
        for (const part of parts) {
          if (part.method === 'estimate') {
            assert.equal(part.exact, false, 'an estimate is never called exact');
            assert.match(part.note ?? '', /rows/);
          } else {
            assert.equal(part.method, 'files');
            assert.equal(part.exact, true);
            assert.ok(part.location, 'a local file says where it is');
          }
        }
        if (backend.backendName === 'milvus') {
          const mine = parts.find((p) => p.name.endsWith(` ${collection}`))!;
          assert.equal(mine.method, 'estimate');
          assert.ok(mine.bytes >= rows * 2 * 4 * DIM, `at least the vectors twice (${mine.bytes})`);
        } else {
          assert.ok(parts.some((p) => p.name.endsWith('vectors.sqlite') && p.bytes >= rows * 4 * DIM), 'the metadata SQLite keeps every vector');
        }
      });
    });

    it('deletes by id and ignores ids it does not have', async () => {
      await withBackend(async (backend) => {
        const s = space();
        const rows = makeRows(3, DIM, 30);
        await backend.upsert(s, rows);
        assert.deepEqual(await backend.delete(s, ['media:4', 'media:5', 'media:404']), { deleted: 2 });
        assert.equal(await backend.count(s), 28);
        assert.deepEqual(await backend.get(s, ['media:4', 'media:5']), []);
        const hits = await backend.search(s, rows[4]!.vector, { k: 30 });
        assert.equal(hits.length, 28);
        assert.ok(!ids(hits).includes('media:4') && !ids(hits).includes('media:5'));
        assert.deepEqual(await backend.delete(s, ['media:4']), { deleted: 0 });
        // A deleted id can come back.
        await backend.upsert(s, [rows[4]!]);
        assert.equal(await backend.count(s), 29);
        assert.equal((await backend.search(s, rows[4]!.vector, { k: 1 }))[0]!.id, 'media:4');
      });
    });

    it('filters by category, kinds, time window and article, alone and together', async () => {
      await withBackend(async (backend) => {
        const s = space();
        const rows = makeRows(4, DIM, 150);
        await backend.upsert(s, rows);
        const query = randomVector(prng(5), DIM);
        const filters = [
          { category: 'economy' },
          { kinds: ['image' as const] },
          { kinds: ['text' as const, 'video' as const] },
          { since: new Date(EPOCH + 3 * DAY), until: new Date(EPOCH + 5 * DAY) },
          { since: new Date(EPOCH + 8 * DAY) },
          { until: new Date(EPOCH + DAY) },
          { articleIdNot: 1003 },
          { category: 'life', kinds: ['video' as const], since: new Date(EPOCH + 2 * DAY), articleIdNot: 1001 },
        ];
        for (const filter of filters) {
          const hits = await backend.search(s, query, { k: 8, filter });
          const expected = exactTopK(rows, query, 8, filter);
          assert.deepEqual(ids(hits), expected, `filter ${JSON.stringify(filter)}`);
          assertSortedBestFirst(hits);
          for (const hit of hits) {
            if (filter.category) assert.equal(hit.category, filter.category);
            if (filter.kinds) assert.ok(filter.kinds.includes(hit.kind as never));
            if (filter.since) assert.ok(hit.createdAt.getTime() >= filter.since.getTime());
            if (filter.until) assert.ok(hit.createdAt.getTime() < filter.until.getTime());
            if (filter.articleIdNot) assert.notEqual(hit.articleId, filter.articleIdNot);
          }
        }
        assert.deepEqual(await backend.search(s, query, { k: 5, filter: { category: 'nothing-here' } }), []);
        assert.deepEqual(await backend.search(s, query, { k: 5, filter: { kinds: [] } }), []);
        const window = { since: new Date(EPOCH + 4 * DAY), until: new Date(EPOCH + 4 * DAY) };
        assert.deepEqual(await backend.search(s, query, { k: 5, filter: window }), []);
      });
    });

    it('treats filter values as data, never as expression syntax', async () => {
      await withBackend(async (backend) => {
        const s = space();
        const tricky = ['o\'brien "quoted"', 'back\\slash', 'x" || category != "', 'ünïcödé 日本'];
        const rows: VectorRow[] = tricky.map((category, i) => ({
          id: `media:"${i}\\`,
          vector: randomVector(prng(10 + i), DIM),
          articleId: 1,
          category,
          source: `src "${i}"`,
          kind: 'text',
          createdAt: new Date(EPOCH),
        }));
        await backend.upsert(s, rows);
        for (const row of rows) {
          const hits = await backend.search(s, row.vector, { k: 10, filter: { category: row.category } });
          assert.deepEqual(ids(hits), [row.id], `category ${JSON.stringify(row.category)}`);
          assert.equal(hits[0]!.category, row.category);
        }
        assert.deepEqual(await backend.search(s, rows[0]!.vector, { k: 10, filter: { category: 'x' } }), []);
        const got = await backend.get(s, rows.map((row) => row.id));
        assert.deepEqual(ids(got), ids(rows));
        assert.deepEqual((await backend.delete(s, [rows[2]!.id])).deleted, 1);
        assert.equal(await backend.count(s), 3);
      });
    });

    it('gets rows by id in the order asked, vectors normalised, metadata intact', async () => {
      await withBackend(async (backend) => {
        const s = space();
        const createdAt = new Date(Date.UTC(2031, 5, 7, 8, 9, 10, 123));
        const row: VectorRow = {
          id: 'article:42',
          vector: Array.from(randomVector(prng(6), DIM), (v) => v * 7),
          articleId: 2 ** 40 + 3,
          category: 'economy',
          source: 'example.org/feed',
          kind: 'article',
          createdAt,
        };
        await backend.upsert(s, [...makeRows(7, DIM, 5), row]);
        const got = await backend.get(s, ['media:3', 'missing', 'article:42', 'media:0']);
        assert.deepEqual(ids(got), ['media:3', 'article:42', 'media:0']);
        const stored = got[1]!;
        assert.equal(stored.articleId, 2 ** 40 + 3);
        assert.equal(stored.category, 'economy');
        assert.equal(stored.source, 'example.org/feed');
        assert.equal(stored.kind, 'article');
        assert.equal(stored.createdAt.getTime(), createdAt.getTime());
        assert.ok(stored.vector instanceof Float32Array);
        assert.ok(Math.abs(l2Norm(stored.vector) - 1) < 1e-5);
        const expected = normalize(row.vector);
        stored.vector.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 1e-5));
        assert.deepEqual(await backend.get(s, []), []);
      });
    });

    it('keeps spaces apart, and refuses a space name reused with another dimension', async () => {
      await withBackend(async (backend) => {
        const text = space('text', DIM);
        const image = space('image', 16);
        await backend.upsert(text, makeRows(8, DIM, 20));
        await backend.upsert(image, makeRows(9, 16, 12));
        assert.equal(await backend.count(text), 20);
        assert.equal(await backend.count(image), 12);

        await backend.delete(image, ['media:0', 'media:1']);
        assert.equal(await backend.count(text), 20);
        assert.equal(await backend.count(image), 10);
        assert.equal((await backend.get(text, ['media:0'])).length, 1);

        const imageRows = makeRows(9, 16, 12);
        const hits = await backend.search(image, imageRows[5]!.vector, { k: 20 });
        assert.equal(hits.length, 10);
        assert.equal(hits[0]!.id, 'media:5');

        await assert.rejects(backend.ensureSpace({ ...text, dim: 16 }), VectorSpaceMismatchError);
        await assert.rejects(backend.upsert({ ...text, dim: 16 }, imageRows.slice(0, 1)), VectorSpaceMismatchError);

        const never = uniqueSpace('video', DIM);
        assert.equal(await backend.count(never), 0);
        assert.deepEqual(await backend.search(never, imageRows[0]!.vector.slice(0, 16), { k: 3 }).catch(() => 'refused'), 'refused');
        assert.deepEqual(await backend.search(never, randomVector(prng(1), DIM), { k: 3 }), []);
        assert.deepEqual(await backend.get(never, ['media:1']), []);
        assert.deepEqual(await backend.delete(never, ['media:1']), { deleted: 0 });
      });
    });

    it('refuses bad input with VectorInputError', async () => {
      await withBackend(async (backend) => {
        const s = space('text', 4);
        const good: VectorRow = { id: 'media:1', vector: [1, 0, 0, 0], articleId: 1, category: 'life', source: 's', kind: 'text', createdAt: new Date(EPOCH) };
        await backend.upsert(s, [good]);
        const bad: Partial<VectorRow>[] = [
          { vector: [1, 0, 0] },
          { vector: [0, 0, 0, 0] },
          { vector: [1, Number.NaN, 0, 0] },
          { id: '' },
          { id: 'media:\n1' },
          { category: '' },
          { kind: 'audio' as never },
          { articleId: -1 },
          { articleId: 1.5 },
          { createdAt: new Date(Number.NaN) },
        ];
        for (const change of bad) {
          await assert.rejects(backend.upsert(s, [{ ...good, ...change }]), VectorInputError, JSON.stringify(change));
        }
        await assert.rejects(backend.search(s, [1, 0, 0, 0], { k: 0 }), VectorInputError);
        await assert.rejects(backend.search(s, [1, 0, 0], { k: 1 }), VectorInputError);
        await assert.rejects(backend.search(s, [1, 0, 0, 0], { k: 1, filter: { kinds: ['audio' as never] } }), VectorInputError);
        assert.equal(await backend.count(s), 1, 'nothing of a refused batch was written');
      });
    });

    it('keeps everything across close and reopen', async () => {
      const s = space();
      const rows = makeRows(11, DIM, 60);
      await withBackend(async (backend) => {
        await backend.upsert(s, rows);
        await backend.upsert(s, [{ ...rows[0]!, vector: rows[1]!.vector, category: 'gossip' }]);
        await backend.delete(s, ['media:2']);
      });
      await withBackend(async (backend) => {
        assert.equal(await backend.count(s), 59);
        assert.deepEqual(await backend.get(s, ['media:2']), []);
        assert.equal((await backend.get(s, ['media:0']))[0]!.category, 'gossip');
        const hits = await backend.search(s, rows[30]!.vector, { k: 3 });
        assert.equal(hits[0]!.id, 'media:30');
        const filtered = await backend.search(s, rows[1]!.vector, { k: 2, filter: { category: 'gossip' } });
        assert.equal(filtered[0]!.id, 'media:0');
      });
    });

    it('stores and finds an article’s representative vector', async () => {
      await withBackend(async (backend) => {
        const s = space('clip', DIM);
        const random = prng(12);
        const base = { category: 'life', source: 's', createdAt: new Date(EPOCH) };
        const parts: VectorRow[] = [
          { ...base, id: 'article:7:text', articleId: 7, kind: 'text', vector: randomVector(random, DIM) },
          { ...base, id: 'media:70', articleId: 7, kind: 'image', vector: randomVector(random, DIM) },
          { ...base, id: 'media:71', articleId: 7, kind: 'video', vector: randomVector(random, DIM) },
          { ...base, id: 'article:8:text', articleId: 8, kind: 'text', vector: randomVector(random, DIM) },
        ];
        await backend.upsert(s, parts);
        const stored = await backend.get(s, ['article:7:text', 'media:70', 'media:71']);
        const representative = representativeVector(
          stored.map((row) => ({ kind: row.kind as 'text' | 'image' | 'video', vector: row.vector })),
        );
        const textOnly = representativeVector([{ kind: 'text', vector: parts[3]!.vector }]);
        await backend.upsert(s, [
          { ...base, id: 'article:7', articleId: 7, kind: 'article', vector: representative },
          { ...base, id: 'article:8', articleId: 8, kind: 'article', vector: textOnly },
        ]);
        // The representative is closer to each of its parts than the other article's is.
        for (const part of parts.slice(0, 3)) {
          const hits = await backend.search(s, part.vector, { k: 1, filter: { kinds: ['article'] } });
          assert.equal(hits[0]!.id, 'article:7');
        }
        const text8 = await backend.search(s, parts[3]!.vector, { k: 1, filter: { kinds: ['article'] } });
        assert.equal(text8[0]!.id, 'article:8');
        assert.ok(Math.abs(text8[0]!.score - 1) < 1e-4, 'a text-only article is represented by its text vector');
      });
    });
  });
}
