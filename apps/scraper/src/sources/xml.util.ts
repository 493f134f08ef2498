import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';

/** Feed and sitemap parsing errors: the source is broken, retrying will not help. */
export class SourceFormatError extends Error {
  override readonly name = 'SourceFormatError';
}

const LEGACY: Record<string, string> = { 'euc-kr': 'cp949', 'ks_c_5601-1987': 'cp949', ksc5601: 'cp949', 'iso-8859-1': 'windows-1252' };

/**
 * XML bytes to text: BOM, then the charset of the Content-Type, then the `encoding` of the XML
 * declaration, else UTF-8. Unknown or broken bytes become U+FFFD instead of failing: Korean feeds
 * still come in EUC-KR, and some lie about it.
 */
export function decodeXml(bytes: Buffer, contentType: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf-16be');
  const fromHeader = /charset\s*=\s*"?([^";,\s]+)/i.exec(contentType ?? '')?.[1];
  const fromDeclaration = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(bytes.subarray(0, 256).toString('latin1'))?.[1];
  const label = (fromHeader ?? fromDeclaration ?? 'utf-8').trim().toLowerCase();
  const name = LEGACY[label] ?? label;
  return iconv.encodingExists(name) ? iconv.decode(bytes, name) : bytes.toString('utf8');
}

/** Sitemaps may be gzipped (`.xml.gz`); the inflated size is capped like any body. */
export function maybeGunzip(bytes: Buffer, maxBytes: number, what: string): Buffer {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new SourceFormatError(`${what} inflates to more than ${maxBytes} bytes`);
    throw new SourceFormatError(`${what} is not valid gzip: ${(error as Error).message}`);
  }
}

/** The local part of an XML tag name: `news:publication_date` -> `publication_date`. */
export function localName(tag: string): string {
  const colon = tag.lastIndexOf(':');
  return (colon === -1 ? tag : tag.slice(colon + 1)).toLowerCase();
}

/** An ISO timestamp for an RFC 822 / ISO 8601 date, or null. */
export function isoDate(text: string | null | undefined): string | null {
  if (!text) return null;
  const ms = Date.parse(text.trim());
  if (Number.isNaN(ms)) return null;
  const date = new Date(ms);
  return date.getUTCFullYear() >= 1990 && date.getUTCFullYear() <= 2200 ? date.toISOString() : null;
}
