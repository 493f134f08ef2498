import iconv from 'iconv-lite';

// Turns page bytes into a string the way a browser would, in order: BOM, the charset of the
// Content-Type header, <meta charset> / http-equiv in the first bytes, then a guess (valid UTF-8,
// else CP949, Shift_JIS, Big5, EUC-JP or GBK when the high bytes pair up like that script's text,
// else windows-1252). One departure: bytes that are
// valid UTF-8 with non-ASCII content are read as UTF-8 even under a legacy label. Never throws:
// invalid bytes become U+FFFD.

const SNIFF_BYTES = 4096;

/** WHATWG label → a name iconv-lite knows, for the labels that matter here. */
const LABEL_ALIASES: Record<string, string> = {
  'euc-kr': 'cp949',
  euckr: 'cp949',
  'ks_c_5601-1987': 'cp949',
  'ks_c_5601-1989': 'cp949',
  ksc5601: 'cp949',
  ksc_5601: 'cp949',
  'csksc56011987': 'cp949',
  'iso-ir-149': 'cp949',
  korean: 'cp949',
  'windows-949': 'cp949',
  'x-windows-949': 'cp949',
  uhc: 'cp949',
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  'x-sjis': 'shift_jis',
  'gb2312': 'gbk',
  'x-gbk': 'gbk',
  unicode: 'utf-16le',
  'utf-16': 'utf-16le',
  'x-user-defined': 'windows-1252',
};

export function normalizeCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const clean = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!clean) return null;
  if (clean === 'utf8' || clean === 'utf-8' || clean === 'unicode-1-1-utf-8') return 'utf-8';
  const name = LABEL_ALIASES[clean] ?? clean;
  return iconv.encodingExists(name) ? name : null;
}

export function charsetFromContentType(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const match = /charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return match ? normalizeCharset(match[2]) : null;
}

function bomCharset(bytes: Buffer): { charset: string; skip: number } | null {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', skip: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', skip: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', skip: 2 };
  return null;
}

/** The charset declared by a <meta> in the first bytes (read as latin1, which every label fits). */
export function charsetFromMeta(bytes: Buffer): string | null {
  const head = bytes.subarray(0, SNIFF_BYTES).toString('latin1');
  const metas = head.match(/<meta\b[^>]*>/gi) ?? [];
  for (const meta of metas) {
    const direct = /\bcharset\s*=\s*["']?\s*([^\s"'/>;]+)/i.exec(meta);
    if (direct) {
      const found = normalizeCharset(direct[1]);
      // A page that is really UTF-16 cannot say so in ASCII; browsers treat that claim as UTF-8.
      if (found) return found.startsWith('utf-16') ? 'utf-8' : found;
    }
  }
  return null;
}

function hasHighBytes(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return true;
  return false;
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The East Asian legacy charset undeclared bytes are most likely in, or null. Shift_JIS shows its
 * hiragana (lead 0x82); otherwise most high bytes must pair up EUC-style (both ≥ 0xA1) or as
 * Big5 does, which Latin text in windows-1252 never does: Big5 puts a third of its second bytes in
 * ASCII, EUC-KR Hangul text has spaces between its words (Chinese and Japanese have none), EUC-JP
 * leads its kana with 0xA4/0xA5, and the rest is GBK (GB2312's superset).
 */
function guessLegacy(bytes: Buffer): string | null {
  let high = 0;
  let euc = 0;
  let kana = 0;
  let spaced = 0;
  let hiragana = 0;
  let big5 = 0;
  const end = Math.min(bytes.length, 65536);
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    high++;
    const next = bytes[i + 1] ?? 0;
    if (b === 0x82 && next >= 0x9f && next <= 0xf1) hiragana++;
    if (b >= 0xa1 && b <= 0xfe && next >= 0xa1 && next <= 0xfe) {
      high++;
      euc++;
      if (b === 0xa4 || b === 0xa5) kana++;
      if (bytes[i + 2] === 0x20 && (bytes[i + 3] ?? 0) >= 0xa1) spaced++;
      i++;
    } else if (b >= 0xa4 && b <= 0xf9 && next >= 0x40 && next <= 0x7e) {
      // A Big5 character whose second byte is ASCII (a third of them): GB2312 has none.
      high++;
      big5++;
      i++;
    }
  }
  if (hiragana >= 5 && (hiragana * 2) / high > 0.1) return 'shift_jis';
  // Latin letters followed by ASCII look like Big5 pairs; they never make EUC pairs the norm.
  if (high === 0 || ((euc + big5) * 2) / high <= 0.6 || (euc * 2) / high <= 0.3) return null;
  if (big5 / (euc + big5) > 0.3) return 'big5';
  if (spaced / euc >= 0.08) return 'cp949';
  if (kana / euc > 0.2) return 'euc-jp';
  return 'gbk';
}

export function detectCharset(bytes: Buffer, contentType?: string): { charset: string; skip: number } {
  const bom = bomCharset(bytes);
  if (bom) return bom;
  const declared = charsetFromContentType(contentType) ?? charsetFromMeta(bytes);
  // A legacy charset is almost never valid UTF-8 once it has non-ASCII bytes (EUC-KR pairs are not
  // UTF-8 sequences), so valid UTF-8 with such bytes means the label is stale: a re-saved page.
  if (declared && declared !== 'utf-8' && !declared.startsWith('utf-16') && hasHighBytes(bytes) && isValidUtf8(bytes)) {
    return { charset: 'utf-8', skip: 0 };
  }
  if (declared) return { charset: declared, skip: 0 };
  if (isValidUtf8(bytes)) return { charset: 'utf-8', skip: 0 };
  return { charset: guessLegacy(bytes) ?? 'windows-1252', skip: 0 };
}

export function decodeHtml(input: Buffer | Uint8Array | string, contentType?: string): string {
  if (typeof input === 'string') return input;
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const { charset, skip } = detectCharset(bytes, contentType);
  const body = skip > 0 ? bytes.subarray(skip) : bytes;
  if (charset === 'utf-8') return body.toString('utf8');
  try {
    return iconv.decode(body, charset);
  } catch {
    return body.toString('utf8');
  }
}
