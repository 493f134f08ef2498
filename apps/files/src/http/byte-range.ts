import { RangeNotSatisfiableError } from '../storage/storage.errors.js';

/** Inclusive byte positions, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a `Range` header against a file size (RFC 9110 §14.1.2). Returns null when the whole file
 * should be sent: no header, another unit, several ranges, or a syntax the RFC says to ignore.
 * Throws when the single range cannot be satisfied (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (header === undefined) return null;
  const match = /^bytes=\s*(\d*)-(\d*)\s*$/.exec(header);
  if (!match) return null;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) return null;
    if (suffix === 0 || size === 0) throw new RangeNotSatisfiableError(size, header);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return null;
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) throw new RangeNotSatisfiableError(size, header);
  return { start, end };
}
