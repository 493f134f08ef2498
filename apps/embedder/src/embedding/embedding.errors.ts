/** Why one image could not be embedded; `index` is its position in the batch that was passed in. */
export type ImageInputErrorCode = 'EMPTY' | 'TOO_LARGE' | 'TOO_MANY_PIXELS' | 'UNDECODABLE' | 'UNSUPPORTED_FORMAT';

export class ImageInputError extends Error {
  override readonly name = 'ImageInputError';
  constructor(
    readonly code: ImageInputErrorCode,
    readonly index: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`image ${index}: ${message}`, options);
  }
}

/** A video whose frames could not be turned into images; the caption part is unaffected. */
export type KeyframeErrorCode =
  | 'FFMPEG_NOT_FOUND'
  | 'FFMPEG_FAILED'
  | 'TIMEOUT'
  | 'OUTPUT_TOO_LARGE'
  | 'NO_DECODABLE_FRAME';

export class KeyframeExtractionError extends Error {
  override readonly name = 'KeyframeExtractionError';
  constructor(
    readonly code: KeyframeErrorCode,
    message: string,
    /** The last part of ffmpeg's stderr, which names the real cause (codec, container, I/O). */
    readonly stderr = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A failed call to an embedding server. `retryable` tells the caller whether the same request may
 * succeed later (429, 5xx, network, timeout) or will fail the same way (other 4xx, a malformed
 * answer); `retryAfterMs` is the server's own hint when it gave one.
 */
export type EmbeddingServerErrorCode = 'HTTP_STATUS' | 'TIMEOUT' | 'NETWORK' | 'BAD_RESPONSE';

export class EmbeddingServerError extends Error {
  override readonly name = 'EmbeddingServerError';
  constructor(
    readonly code: EmbeddingServerErrorCode,
    readonly retryable: boolean,
    message: string,
    readonly details: {
      status?: number;
      attempts?: number;
      retryAfterMs?: number;
      /** The start of the server's error body, for the log; never trusted further. */
      body?: string;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): number | undefined {
    return this.details.status;
  }
}
