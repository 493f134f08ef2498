import { createHash } from 'node:crypto';

const TRACKING = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'msclkid', 'yclid', 'igshid', 'mc_cid', 'mc_eid', 'mkt_tok', '_ga', '_gl',
  '_hsenc', '_hsmi', 'twclid', 'ttclid', 's_cid', 'ncid', 'cmpid', 'ocid', 'ref_src', 'ref_url', 'spm', 'smid', 'smtyp',
  'fb_action_ids', 'fb_action_types', 'fb_source', 'action_object_map',
]);

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || lower.startsWith('pk_') || lower.startsWith('hmb_') || TRACKING.has(lower);
}

export class InvalidUrlError extends Error {
  override readonly name = 'InvalidUrlError';
}

/**
 * The form an article URL is stored and matched under: WHATWG-parsed http(s) (lowercase host,
 * punycode, no default port), no fragment, no tracking parameters, remaining parameters sorted
 * by their raw name (stable for equal names). The path is kept as is: `/a` and `/a/` can be different pages.
 */
export function canonicalUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new InvalidUrlError(`"${raw.slice(0, 200)}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidUrlError(`"${raw.slice(0, 200)}" is not http(s)`);
  }
  url.hash = '';
  url.username = '';
  url.password = '';
  // Raw pairs, never decoded and re-encoded: Korean sites still send EUC-KR percent escapes, which a
  // UTF-8 round trip would turn into U+FFFD and so merge different URLs.
  const pairs = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTracking(decodeName(pair)));
  pairs.sort((a, b) => compare(rawName(a), rawName(b)));
  url.search = pairs.length > 0 ? `?${pairs.join('&')}` : '';
  return url.href;
}

function rawName(pair: string): string {
  const eq = pair.indexOf('=');
  return eq === -1 ? pair : pair.slice(0, eq);
}

function decodeName(pair: string): string {
  try {
    return decodeURIComponent(rawName(pair).replace(/\+/g, ' '));
  } catch {
    return rawName(pair);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
