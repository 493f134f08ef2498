/**
 * A URL with its password (and a token-like query value) replaced by `***`, for logs and errors:
 * `mysql://app:s3cret@db:3306/catalog` -> `mysql://app:***@db:3306/catalog`. Works on a text that
 * holds URLs anywhere (an error message), on comma-separated server lists and on non-URLs.
 */
export function redactUrl(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s@/]*)@/gi, (_m, scheme: string, user: string) => `${scheme}${user}:***@`)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+)@/gi, (_m, scheme: string) => `${scheme}***@`)
    .replace(/([?&](?:password|passwd|pass|token|secret|sig|signature|access_token|key)=)[^&\s]*/gi, '$1***');
}
