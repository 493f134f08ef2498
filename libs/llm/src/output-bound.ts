import type { JsonSchema } from './json-schema.js';

export interface OutputBoundOptions {
  /**
   * Bytes of whitespace the server's grammar allows at one structural position (before a key,
   * after a colon, around brackets and commas). llama.cpp's `json-schema-to-grammar` allows
   * `"\n"{1,2} [ \t]{0,20}` (22 bytes); node-llama-cpp a newline and the nesting's indent (4 spaces a
   * level) or one space. 22 by default. A server whose grammar allows unbounded whitespace (vLLM's
   * xgrammar without `disable-any-whitespace`) has no bound: then this one is an assumption.
   */
  whitespaceBytes?: number;
  /** Bytes a server may add after the value (node-llama-cpp closes its JSON grammar with four newlines). */
  trailingBytes?: number;
}

/**
 * The most bytes a JSON document that a grammar built from `schema` accepts can take, or `null`
 * when the schema allows unbounded output (a string without `maxLength`, an array without
 * `maxItems`, a number that is not an enum or const: grammars do not bound digits).
 *
 * A string character counts 6 bytes, the longest form a grammar accepts for one character (a
 * `\uXXXX` escape; a literal character is at most 4 UTF-8 bytes). Every generated token carries at
 * least one byte (llama.cpp's grammar sampler rejects empty pieces), so this plus one end-of-text
 * token bounds the reply's tokens: a `max_tokens` of `outputTokenBound(schema)` cannot end in
 * `finish_reason: length` on a server that enforces the schema.
 */
export function maxJsonBytes(schema: JsonSchema, options: OutputBoundOptions = {}): number | null {
  const ws = options.whitespaceBytes ?? 22;
  const value = bytesOf(schema, ws);
  return value === null ? null : ws + value + ws + (options.trailingBytes ?? 4);
}

/** `maxJsonBytes` plus the end-of-text token: a reply budget that always closes the JSON. */
export function outputTokenBound(schema: JsonSchema, options: OutputBoundOptions = {}): number | null {
  const bytes = maxJsonBytes(schema, options);
  return bytes === null ? null : bytes + 1;
}

const STRING_CHAR_BYTES = 6;

function bytesOf(schema: JsonSchema, ws: number): number | null {
  if ('const' in schema) return literalBytes(schema.const);
  if (Array.isArray(schema.enum)) return Math.max(...schema.enum.map(literalBytes));
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union)) return maxOf(union.map((option) => bytesOf(option, ws)));
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  if (types.length > 1) return maxOf(types.map((type) => bytesOf({ ...schema, type }, ws)));
  switch (types[0]) {
    case 'null':
      return 4;
    case 'boolean':
      return 5;
    case 'string': {
      if (typeof schema.maxLength !== 'number') return null;
      return 2 + schema.maxLength * STRING_CHAR_BYTES;
    }
    case 'array': {
      if (typeof schema.maxItems !== 'number') return null;
      if (schema.maxItems === 0) return 2 + ws;
      const item = bytesOf((schema.items ?? {}) as JsonSchema, ws);
      if (item === null) return null;
      // [ ws item (, ws item)* ws ]
      return 2 + schema.maxItems * (item + ws + 1) + ws;
    }
    case 'object': {
      if (schema.additionalProperties !== false) return null;
      const properties = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
      let total = 2 + ws;
      for (const [key, sub] of properties) {
        const value = bytesOf(sub, ws);
        if (value === null) return null;
        // ws "key" ws : ws value ,
        total += ws + literalBytes(key) + ws + 1 + ws + value + 1;
      }
      return total;
    }
    default:
      // integer and number (digits are not bounded by grammars), or no type at all.
      return null;
  }
}

/** A key, const or enum value: grammars emit it verbatim. */
function literalBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null');
}

function maxOf(values: (number | null)[]): number | null {
  if (values.some((value) => value === null)) return null;
  return Math.max(...(values as number[]));
}
