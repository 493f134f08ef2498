// URL helpers: resolve against the page, keep only http(s), drop tracking parameters.

const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'msclkid', 'yclid', 'igshid', 'mc_cid', 'mc_eid', 'mkt_tok',
  '_ga', '_gl', '_hsenc', '_hsmi', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'wickedid', 'twclid',
  'ttclid', 'rb_clickid', 's_cid', 'ncid', 'cmpid', 'ocid', 'sr_share', 'ref_src', 'ref_url',
  'spm', 'smid', 'smtyp', 'fb_action_ids', 'fb_action_types', 'fb_source', 'action_object_map',
]);

export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || lower.startsWith('pk_') || lower.startsWith('hmb_') || TRACKING_PARAMS.has(lower);
}

/** An absolute http(s) URL for `href` against `base`, or null (data:, javascript:, garbage). */
export function absoluteUrl(href: string | undefined | null, base?: string | null): string | null {
  if (!href) return null;
  const trimmed = href.trim().replace(/[\t\n\r]/g, '');
  if (!trimmed || trimmed.length > 4096) return null;
  let url: URL;
  try {
    url = base ? new URL(trimmed, base) : new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.href;
}

/** Canonical form: absolute http(s), no fragment, no tracking parameters. */
export function cleanUrl(href: string | undefined | null, base?: string | null): string | null {
  const absolute = absoluteUrl(href, base);
  if (!absolute) return null;
  const url = new URL(absolute);
  url.hash = '';
  if (!url.search) return url.href;
  // Rebuild the query only when something is dropped, so an untouched URL keeps its exact form.
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParam(safeDecode(pair.split('=')[0]!)));
  url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  return url.href;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
