/**
 * Why a fetch did not give a usable body. `retryable` says whether the same fetch may work later
 * unchanged (a 503, a timeout); the others will fail the same way every time.
 */
export type FetchErrorCode =
  | 'blocked-address'
  | 'robots'
  | 'too-large'
  | 'timeout'
  | 'http-status'
  | 'redirects'
  | 'bad-url'
  | 'network'
  | 'content-type';

export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    readonly code: FetchErrorCode,
    readonly url: string,
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** Raised inside the DNS hook and the connection layer; becomes a `blocked-address` FetchError. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'ERR_BLOCKED_ADDRESS';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(
      `refused to connect to ${host}${host === address ? '' : ` (${address})`}: ${reason} addresses are not fetched; ` +
        'set allowPrivate: true on the source in config/sources.yaml if this host is really meant to be scraped',
    );
  }
}
