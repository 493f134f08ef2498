import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxJsonBytes, outputTokenBound, type JsonSchema } from '#llm';

const scene: JsonSchema = {
  type: 'object',
  properties: {
    narration: { type: 'string', minLength: 1, maxLength: 30 },
    mediaId: { enum: [1000, 123456789, null] },
    durationS: { enum: [2, 5, 10] },
    live: { type: 'boolean' },
  },
  required: ['narration', 'mediaId', 'durationS', 'live'],
  additionalProperties: false,
};
const draft: JsonSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 12 },
    note: { anyOf: [{ type: 'string', maxLength: 5 }, { type: 'null' }] },
    scenes: { type: 'array', minItems: 1, maxItems: 3, items: scene },
  },
  required: ['title', 'note', 'scenes'],
  additionalProperties: false,
};

/** The longest instance: every string full of characters that JSON escapes as \u00XX (6 bytes). */
function longest(schema: JsonSchema): unknown {
  if (Array.isArray(schema.enum)) return schema.enum.reduce((a, b) => (JSON.stringify(b).length > JSON.stringify(a).length ? b : a));
  if (schema.anyOf) return (schema.anyOf as JsonSchema[]).map(longest).reduce((a, b) => (JSON.stringify(b).length > JSON.stringify(a).length ? b : a));
  switch (schema.type) {
    case 'string':
      return '\u0001'.repeat(schema.maxLength as number);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: schema.maxItems as number }, () => longest(schema.items as JsonSchema));
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties as Record<string, JsonSchema>).map(([key, sub]) => [key, longest(sub)]));
  }
  throw new Error(`unexpected ${JSON.stringify(schema)}`);
}

describe('output bound of a JSON schema', () => {
  it('bounds the longest instance, compact and indented (a newline and 2 spaces a level: 7 bytes a position at depth 3)', () => {
    const value = longest(draft);
    const compact = Buffer.byteLength(JSON.stringify(value));
    const indented = Buffer.byteLength(JSON.stringify(value, null, 2));
    assert.ok(compact <= maxJsonBytes(draft, { whitespaceBytes: 0, trailingBytes: 0 })!, `${compact} bytes`);
    assert.ok(indented <= maxJsonBytes(draft, { whitespaceBytes: 7, trailingBytes: 0 })!, `${indented} bytes`);
    // Not wildly above: the same order as the longest instance.
    assert.ok(maxJsonBytes(draft, { whitespaceBytes: 0, trailingBytes: 0 })! < compact * 1.5);
  });

  it('adds one token for the end of text; more whitespace per position means a larger bound', () => {
    assert.equal(outputTokenBound(draft, { whitespaceBytes: 13 }), maxJsonBytes(draft, { whitespaceBytes: 13 })! + 1);
    assert.ok(outputTokenBound(draft, { whitespaceBytes: 22 })! > outputTokenBound(draft, { whitespaceBytes: 13 })!);
  });

  it('is null when a grammar cannot bound the output', () => {
    assert.equal(maxJsonBytes({ type: 'string' }), null, 'a string without maxLength');
    assert.equal(maxJsonBytes({ type: 'integer', minimum: 0, maximum: 10 }), null, 'a number that is not an enum: grammars do not bound digits');
    assert.equal(maxJsonBytes({ type: 'array', items: { type: 'boolean' } }), null, 'an array without maxItems');
    assert.equal(maxJsonBytes({ type: 'object', properties: { a: { type: 'null' } } }), null, 'an open object');
    assert.equal(maxJsonBytes({ anyOf: [{ type: 'null' }, { type: 'number' }] }), null);
  });
});
