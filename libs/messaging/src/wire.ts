import { TextDecoder, TextEncoder } from 'node:util';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses bytes from the network; never trusts them to be UTF-8 or JSON. */
export function decodeJson(data: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(decoder.decode(data)) };
  } catch (error) {
    return { ok: false, error: `not UTF-8 JSON: ${(error as Error).message}` };
  }
}

export function rawPreview(data: Uint8Array, limit = 16_384): string {
  const text = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, limit)).toString('utf8');
  return data.byteLength > limit ? `${text}...[${data.byteLength - limit} more bytes]` : text;
}

/** Reply body of every request/reply exchange. */
export type ReplyBody<T = unknown> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** One line per problem, `path: message`, for logs and dead letters. */
export function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
}
