import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterExpression, idsExpression, milvusString } from '../src/backends/milvus-expression.js';
import { spaceName } from '../src/backends/vector-backend.js';
import { prepareSearch, storageName } from '../src/backends/vector-input.js';
import { dot, l2Norm, representativeVector } from '../src/backends/vector-math.js';
import { VectorInputError } from '../src/backends/vector.errors.js';
import { loadVectorConfig } from '../src/vector.config.js';

function close(actual: ArrayLike<number>, expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) < 1e-6, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('representativeVector', () => {
  it('is the re-normalised mean of the normalised parts', () => {
    // Lengths differ a lot; normalising first gives each part the same weight.
    const rep = representativeVector([
      { kind: 'text', vector: [100, 0, 0] },
      { kind: 'image', vector: [0, 0.01, 0] },
    ]);
    close(rep, [Math.SQRT1_2, Math.SQRT1_2, 0]);
    assert.ok(Math.abs(l2Norm(rep) - 1) < 1e-6);
  });

  it('is the text vector itself for an article with no image or video', () => {
    close(representativeVector([{ kind: 'text', vector: [3, 4] }]), [0.6, 0.8]);
  });

  it('maximises the summed cosine similarity to the parts', () => {
    const parts = [
      { kind: 'text' as const, vector: [1, 0.2, 0.1] },
      { kind: 'image' as const, vector: [0.3, 1, 0] },
      { kind: 'video' as const, vector: [0.2, 0.4, 1] },
    ];
    const rep = representativeVector(parts);
    const total = (v: ArrayLike<number>) =>
      parts.reduce((sum, part) => sum + dot(v, part.vector) / (l2Norm(v) * l2Norm(part.vector)), 0);
    for (const other of [[1, 1, 1], [1, 0.5, 0.3], [0.5, 0.8, 0.4]]) assert.ok(total(rep) >= total(other));
  });

  it('falls back to the text part when the parts cancel out', () => {
    const rep = representativeVector([
      { kind: 'image', vector: [1, 0] },
      { kind: 'text', vector: [-1, 0] },
    ]);
    close(rep, [-1, 0]);
  });

  it('refuses no parts, mixed dimensions, zero vectors and representatives as parts', () => {
    assert.throws(() => representativeVector([]), VectorInputError);
    assert.throws(() => representativeVector([{ kind: 'text', vector: [1, 0] }, { kind: 'image', vector: [1, 0, 0] }]), VectorInputError);
    assert.throws(() => representativeVector([{ kind: 'text', vector: [0, 0] }]), VectorInputError);
    assert.throws(() => representativeVector([{ kind: 'article' as never, vector: [1, 0] }]), VectorInputError);
  });
});

describe('space names', () => {
  it('builds the canonical name and a storage name fit for Milvus and file systems', () => {
    const name = spaceName('text', 'hash-ngram-v1', 384);
    assert.equal(name, 'text__hash-ngram-v1__384');
    const stored = storageName(name);
    assert.match(stored, /^[A-Za-z_][A-Za-z0-9_]*$/);
    assert.ok(stored.startsWith('text__hash_ngram_v1__384_'));
    assert.equal(storageName('text__plain__8'), 'text__plain__8');
  });

  it('never maps two space names onto one storage name', () => {
    const names = ['text__a-b__8', 'text__a_b__8', 'text__a.b__8', 'text__a/b__8', '9lives__m__8', 'x'.repeat(200) + '-'];
    const stored = names.map(storageName);
    assert.equal(new Set(stored).size, names.length);
    for (const s of stored) {
      assert.match(s, /^[A-Za-z_][A-Za-z0-9_]*$/);
      assert.ok(s.length <= 255);
    }
  });
});

describe('Milvus expressions', () => {
  it('quotes strings so that quotes and backslashes stay data', () => {
    assert.equal(milvusString('plain'), '"plain"');
    assert.equal(milvusString('a"b'), '"a\\"b"');
    assert.equal(milvusString('a\\b'), '"a\\\\b"');
    assert.equal(milvusString('x" or id != "'), '"x\\" or id != \\""');
    assert.equal(idsExpression(['media:1', 'a"b']), 'id in ["media:1", "a\\"b"]');
  });

  it('joins filter clauses with and', () => {
    const { filter } = prepareSearch({
      k: 3,
      filter: { category: 'life', kinds: ['image', 'video'], since: new Date(1000), until: new Date(2000), articleIdNot: 7 },
    });
    assert.equal(
      filterExpression(filter),
      'category == "life" and kind in ["image", "video"] and createdAt >= 1000 and createdAt < 2000 and articleId != 7',
    );
    assert.equal(filterExpression(prepareSearch({ k: 1 }).filter), '');
  });
});

describe('vector config', () => {
  it('defaults to the embedded backend under DATA_DIR', () => {
    const config = loadVectorConfig({ DATA_DIR: '/tmp/pipeline-data' });
    assert.equal(config.backend, 'usearch');
    assert.equal(config.backend === 'usearch' && config.usearch.dataDir, '/tmp/pipeline-data/vector');
  });

  it('picks Milvus and its index type from the environment', () => {
    const config = loadVectorConfig({ VECTOR_BACKEND: 'milvus', MILVUS_ADDRESS: 'milvus:19530', MILVUS_INDEX_TYPE: 'IVF_FLAT' });
    assert.equal(config.backend, 'milvus');
    assert.ok(config.backend === 'milvus');
    assert.equal(config.milvus.address, 'milvus:19530');
    assert.equal(config.milvus.indexType, 'IVF_FLAT');
  });

  it('takes a MILVUS_ADDRESS alone as the choice of Milvus, unless VECTOR_BACKEND says otherwise', () => {
    assert.equal(loadVectorConfig({ MILVUS_ADDRESS: 'milvus:19530' }).backend, 'milvus');
    assert.equal(loadVectorConfig({ MILVUS_ADDRESS: 'milvus:19530', VECTOR_BACKEND: 'usearch' }).backend, 'usearch');
  });

  it('names the bad variable', () => {
    assert.throws(() => loadVectorConfig({ MILVUS_INDEX_TYPE: 'DISKANN' }), /MILVUS_INDEX_TYPE/);
    assert.throws(() => loadVectorConfig({ VECTOR_BACKEND: 'faiss' }), /VECTOR_BACKEND/);
  });
});
