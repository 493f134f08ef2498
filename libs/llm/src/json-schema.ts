import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

/**
 * A zod schema as the strict JSON Schema that OpenAI's structured outputs accept (and vLLM,
 * llama.cpp and Ollama follow): every object closed (`additionalProperties: false`) with every
 * property required; absence is spelt `null`, so an optional property is refused here, where the
 * fix is one `.nullable()`, rather than by a server in production.
 */
export function strictJsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'throw' }) as JsonSchema;
  delete json.$schema;
  return closeObjects(json, '$');
}

function closeObjects(node: unknown, path: string): JsonSchema {
  if (Array.isArray(node)) return node.map((item, index) => closeObjects(item, `${path}[${index}]`)) as unknown as JsonSchema;
  if (!node || typeof node !== 'object') return node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    // zod writes the safe-integer bounds on every int; they say nothing and cost grammar states.
    if ((key === 'maximum' && value === Number.MAX_SAFE_INTEGER) || (key === 'minimum' && value === Number.MIN_SAFE_INTEGER)) continue;
    out[key] = value && typeof value === 'object' ? closeObjects(value, `${path}.${key}`) : value;
  }
  if (out.type === 'object' && out.properties && typeof out.properties === 'object') {
    const keys = Object.keys(out.properties);
    const required = new Set(Array.isArray(out.required) ? (out.required as string[]) : []);
    const optional = keys.filter((key) => !required.has(key));
    if (optional.length > 0) {
      throw new Error(`strictJsonSchema: ${path} has optional properties (${optional.join(', ')}); strict structured output needs every property required: use .nullable() instead`);
    }
    out.required = keys;
    out.additionalProperties = false;
  }
  return out;
}
