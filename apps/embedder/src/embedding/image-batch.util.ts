import type { ImageEmbedder } from './embedder.types.js';
import { EmbeddingServerError, ImageInputError } from './embedding.errors.js';

export type ImageOutcome =
  | { status: 'embedded'; vector: Float32Array }
  | { status: 'failed'; error: ImageInputError | EmbeddingServerError };

/**
 * Embeds an article's images so that one bad image does not cost the others: the batch is tried
 * whole, and only when it fails because of its input (an ImageInputError, or a server's
 * non-retryable 4xx, which does not say which image it was) is it redone one image at a time.
 * Retryable server errors still throw: the whole message should be retried later.
 */
export async function embedImagesEach(embedder: ImageEmbedder, images: Buffer[]): Promise<ImageOutcome[]> {
  try {
    const vectors = await embedder.embedImages(images);
    return vectors.map((vector) => ({ status: 'embedded', vector }));
  } catch (error) {
    if (!isInputFault(error)) throw error;
  }
  const outcomes: ImageOutcome[] = [];
  for (const [index, image] of images.entries()) {
    try {
      const [vector] = await embedder.embedImages([image]);
      outcomes.push({ status: 'embedded', vector });
    } catch (error) {
      if (!isInputFault(error)) throw error;
      outcomes.push({ status: 'failed', error: error instanceof ImageInputError ? reindex(error, index) : error });
    }
  }
  return outcomes;
}

function isInputFault(error: unknown): error is ImageInputError | EmbeddingServerError {
  if (error instanceof ImageInputError) return true;
  return error instanceof EmbeddingServerError && !error.retryable && error.code === 'HTTP_STATUS';
}

/** A single-image call reports index 0; the caller needs the position in its own list. */
function reindex(error: ImageInputError, index: number): ImageInputError {
  if (error.index === index) return error;
  const reason = error.message.replace(/^image \d+: /, '');
  return new ImageInputError(error.code, index, reason, { cause: error.cause });
}
