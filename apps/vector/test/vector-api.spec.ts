import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  VectorCountV1,
  VectorDeleteV1,
  VectorGetV1,
  VectorSearchV1,
  VectorSimilarV1,
  VectorUpsertV1,
  type VectorRowV1,
} from '#contracts';
import { InvalidMessageError, RemoteError } from '#messaging';
import { TestBus } from '#testing';
import { Module } from '@nestjs/common';
import { MILVUS_DEFAULTS, MilvusBackend } from '../src/backends/milvus.backend.js';
import { VECTOR_BACKEND, type VectorBackend } from '../src/backends/vector-backend.js';
import { VectorStoreUnavailableError } from '../src/backends/vector.errors.js';
import { loadVectorConfig } from '../src/vector.config.js';
import { VectorController } from '../src/vector.controller.js';
import { VectorModule } from '../src/vector.module.js';
import { VectorService } from '../src/vector.service.js';
import { prng, randomVector } from './vector-fixtures.js';

const DIM = 16;
const MILVUS_ADDRESS = process.env.MILVUS_ADDRESS ?? '127.0.0.1:19530';
const DAY_MS = 24 * 3600 * 1000;
const T0 = Date.UTC(2026, 10, 1);

function rejectsWith(code: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof RemoteError, `expected a RemoteError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

function vec(random: () => number): number[] {
  return Array.from(randomVector(random, DIM));
}

/** A vector close to `base` (cosine ~0.99): a near copy. */
function near(base: number[], random: () => number): number[] {
  return base.map((value) => value + (random() - 0.5) * 0.1);
}

const backends = [
  { name: 'usearch', env: (dir: string) => ({ VECTOR_BACKEND: 'usearch', DATA_DIR: dir }) },
  {
    name: 'Milvus',
    // milvus-lite takes FLAT, IVF_FLAT or AUTOINDEX, not the production default HNSW.
    env: (dir: string) => ({ VECTOR_BACKEND: 'milvus', MILVUS_ADDRESS, MILVUS_INDEX_TYPE: 'FLAT', DATA_DIR: dir }),
  },
];

for (const backend of backends) {
  describe(`vector API over NATS on ${backend.name}`, () => {
    let bus: TestBus;
    let dir: string;
    const run = `${process.pid}_${Date.now().toString(36)}`;
    const space = { name: `text__api-test-${run}__${DIM}`, dim: DIM };
    const other = { name: `image__api-test-${run}__${DIM}`, dim: DIM };
    const random = prng(7);
    // Article 1: text + image + representative; article 2 a near copy of 1; article 3 unrelated.
    const base = vec(random);
    const rows: VectorRowV1[] = [
      { id: 'text:1', vector: base, articleId: 1, category: 'life', source: 'a.example', kind: 'text', createdAt: new Date(T0).toISOString() },
      { id: 'article:1', vector: base, articleId: 1, category: 'life', source: 'a.example', kind: 'article', createdAt: new Date(T0).toISOString() },
      { id: 'text:2', vector: near(base, random), articleId: 2, category: 'life', source: 'b.example', kind: 'text', createdAt: new Date(T0 + DAY_MS).toISOString() },
      { id: 'article:2', vector: near(base, random), articleId: 2, category: 'life', source: 'b.example', kind: 'article', createdAt: new Date(T0 + DAY_MS).toISOString() },
      { id: 'text:3', vector: vec(random), articleId: 3, category: 'economy', source: 'c.example', kind: 'text', createdAt: new Date(T0 + 2 * DAY_MS).toISOString() },
      { id: 'article:3', vector: vec(random), articleId: 3, category: 'economy', source: 'c.example', kind: 'article', createdAt: new Date(T0 + 2 * DAY_MS).toISOString() },
      { id: 'text:4', vector: near(base, random), articleId: 4, category: 'economy', source: 'd.example', kind: 'text', createdAt: new Date(T0 + 3 * DAY_MS).toISOString() },
    ];

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'vector-api-'));
      bus = await TestBus.create();
      await bus.startApp(VectorModule, 'vector', backend.env(dir));
    });

    after(async () => {
      try {
        await bus.close();
        if (backend.name === 'Milvus') {
          const milvus = new MilvusBackend({ ...MILVUS_DEFAULTS, address: MILVUS_ADDRESS, indexType: 'FLAT' });
          for (const made of [space, other]) await milvus.dropSpace({ ...made, metric: 'cosine' });
          await milvus.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('upserts, counts and gets rows; a second upsert of the same ids replaces them', async () => {
      assert.deepEqual(await bus.requests.request(VectorUpsertV1, { space, rows }), { upserted: rows.length });
      assert.deepEqual(await bus.requests.request(VectorUpsertV1, { space, rows: rows.slice(0, 3) }), { upserted: 3 });
      assert.deepEqual(await bus.requests.request(VectorCountV1, { space }), { count: rows.length });
      const got = await bus.requests.request(VectorGetV1, { space, ids: ['text:3', 'missing', 'article:1'] });
      assert.deepEqual(
        got.rows.map((row) => [row.id, row.articleId, row.category, row.source, row.kind, row.createdAt]),
        [
          ['text:3', 3, 'economy', 'c.example', 'text', new Date(T0 + 2 * DAY_MS).toISOString()],
          ['article:1', 1, 'life', 'a.example', 'article', new Date(T0).toISOString()],
        ],
      );
      assert.equal(got.rows[0]!.vector.length, DIM);
      const norm = Math.hypot(...got.rows[0]!.vector);
      assert.ok(Math.abs(norm - 1) < 1e-4, `stored vectors are unit length (${norm})`);
      assert.deepEqual(await bus.requests.request(VectorCountV1, { space: other }), { count: 0 }, 'a space never written is empty');
    });

    it('searches top-k, best first, with filters on category, kind and time window', async () => {
      const all = await bus.requests.request(VectorSearchV1, { space, vector: base, k: 3 });
      assert.deepEqual(all.hits.map((hit) => hit.id).slice(0, 2).sort(), ['article:1', 'text:1']);
      assert.ok(all.hits[0]!.score > 0.999);
      for (let i = 1; i < all.hits.length; i++) assert.ok(all.hits[i - 1]!.score >= all.hits[i]!.score);

      const texts = await bus.requests.request(VectorSearchV1, { space, vector: base, k: 10, filter: { kinds: ['text'] } });
      assert.deepEqual(texts.hits.map((hit) => hit.id).sort(), ['text:1', 'text:2', 'text:3', 'text:4']);

      const economy = await bus.requests.request(VectorSearchV1, { space, vector: base, k: 10, filter: { category: 'economy' } });
      assert.deepEqual(economy.hits.map((hit) => hit.id).sort(), ['article:3', 'text:3', 'text:4']);
      assert.equal(economy.hits[0]!.id, 'text:4', 'the near copy comes first within its category');
      assert.ok(economy.hits.every((hit) => hit.category === 'economy'));

      // since inclusive, until exclusive: days 1 and 2 only.
      const window = await bus.requests.request(VectorSearchV1, {
        space,
        vector: base,
        k: 10,
        filter: { since: new Date(T0 + DAY_MS).toISOString(), until: new Date(T0 + 3 * DAY_MS).toISOString(), kinds: ['text'] },
      });
      assert.deepEqual(window.hits.map((hit) => hit.id).sort(), ['text:2', 'text:3']);
      assert.equal(window.hits[0]!.createdAt, new Date(T0 + DAY_MS).toISOString());

      const notOne = await bus.requests.request(VectorSearchV1, { space, vector: base, k: 10, filter: { articleIdNot: 1 } });
      assert.ok(notOne.hits.length > 0 && notOne.hits.every((hit) => hit.articleId !== 1));
    });

    it('finds articles similar to an article, the article itself left out', async () => {
      const similar = await bus.requests.request(VectorSimilarV1, { space, articleId: 1, k: 5 });
      assert.deepEqual(similar.hits.map((hit) => hit.id), ['article:2', 'article:3'], 'only representatives, nearest first');
      assert.ok(similar.hits[0]!.score > 0.9 && similar.hits[0]!.score > similar.hits[1]!.score);

      const parts = await bus.requests.request(VectorSimilarV1, { space, articleId: 1, k: 5, filter: { kinds: ['text'], category: 'economy' } });
      assert.deepEqual(parts.hits.map((hit) => hit.id), ['text:4', 'text:3'], 'kinds and category filters are honoured');

      await assert.rejects(bus.requests.request(VectorSimilarV1, { space, articleId: 4, k: 5 }), (error: unknown) => {
        rejectsWith('not-found')(error);
        assert.match((error as Error).message, /article 4 has no representative vector/);
        return true;
      });
      await assert.rejects(bus.requests.request(VectorSimilarV1, { space: other, articleId: 1, k: 5 }), rejectsWith('not-found'));
    });

    it('deletes by id and ignores ids that are absent', async () => {
      assert.deepEqual(await bus.requests.request(VectorDeleteV1, { space, ids: ['text:4', 'nope'] }), { deleted: 1 });
      assert.deepEqual(await bus.requests.request(VectorCountV1, { space }), { count: rows.length - 1 });
      const got = await bus.requests.request(VectorGetV1, { space, ids: ['text:4'] });
      assert.deepEqual(got.rows, []);
    });

    it('answers space-mismatch for a known space name with another dim, bad-request for a wrong vector', async () => {
      const wrongDim = { name: space.name, dim: DIM * 2 };
      const row = { ...rows[0]!, vector: Array.from({ length: DIM * 2 }, (_, i) => (i % 3) - 1) };
      await assert.rejects(bus.requests.request(VectorUpsertV1, { space: wrongDim, rows: [row] }), (error: unknown) => {
        rejectsWith('space-mismatch')(error);
        assert.match((error as Error).message, new RegExp(String(DIM)));
        return true;
      });
      await assert.rejects(
        bus.requests.request(VectorUpsertV1, { space, rows: [{ ...rows[0]!, vector: [1, 2, 3] }] }),
        (error: unknown) => error instanceof InvalidMessageError && /dimension|length|3/.test(error.message),
      );
      await assert.rejects(
        bus.requests.request(VectorSearchV1, { space, vector: new Array(DIM).fill(0), k: 1 }),
        (error: unknown) => error instanceof InvalidMessageError && /zero vector/.test(error.message),
      );
    });
  });
}

describe('vector API error codes', () => {
  it('answers unavailable when the store is down, so callers know to retry', async () => {
    const down = (): Promise<never> => Promise.reject(new VectorStoreUnavailableError('Milvus at 127.0.0.1:1 is not reachable'));
    const failing: VectorBackend = {
      backendName: 'milvus',
      ensureSpace: down,
      upsert: down,
      delete: down,
      search: down,
      get: down,
      count: down,
      dropSpace: down,
      storageSize: down,
      close: async () => undefined,
    };
    @Module({ controllers: [VectorController], providers: [{ provide: VECTOR_BACKEND, useValue: failing }, VectorService] })
    class DownVectorModule {}
    const bus = await TestBus.create();
    try {
      await bus.startApp(DownVectorModule, 'vector');
      const space = { name: 'text__down__4', dim: 4 };
      await assert.rejects(bus.requests.request(VectorCountV1, { space }), rejectsWith('unavailable'));
      await assert.rejects(bus.requests.request(VectorSimilarV1, { space, articleId: 1, k: 1 }), rejectsWith('unavailable'));
    } finally {
      await bus.close();
    }
  });
});

describe('vector backend choice', () => {
  it('takes Milvus when MILVUS_ADDRESS is set, usearch under DATA_DIR/vector otherwise, VECTOR_BACKEND over both', () => {
    assert.equal(loadVectorConfig({ MILVUS_ADDRESS: 'milvus:19530' }).backend, 'milvus');
    const embedded = loadVectorConfig({ DATA_DIR: '/srv/pipeline' });
    assert.deepEqual([embedded.backend, embedded.backend === 'usearch' && embedded.usearch.dataDir], ['usearch', '/srv/pipeline/vector']);
    assert.equal(loadVectorConfig({ MILVUS_ADDRESS: 'milvus:19530', VECTOR_BACKEND: 'usearch' }).backend, 'usearch');
  });
});
