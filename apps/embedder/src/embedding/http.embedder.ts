import type { ImageEmbedder, TextEmbedder } from './embedder.types.js';
import { ImageInputError } from './embedding.errors.js';
import type { OpenAiEmbeddingClient } from './openai-embedding.client.js';

/** Text through an embedding server; the space is the server's model. */
export class HttpTextEmbedder implements TextEmbedder {
  readonly standIn = false;
  readonly modelId: string;

  constructor(
    private readonly client: OpenAiEmbeddingClient,
    readonly dim: number,
  ) {
    this.modelId = client.model;
  }

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    return this.client.embed(texts);
  }
}

export interface HttpImageEmbedderOptions {
  /** Merged into each image request, e.g. `{ "modality": "image" }` for Infinity. */
  extraBody?: Record<string, unknown>;
  /** Encoded images above this size are refused before sending; 16 MiB by default. */
  maxImageBytes?: number;
}

/**
 * Images through an embedding server, by a convention rather than a standard: each image goes as
 * a `data:<mime>;base64,<bytes>` URL string in `input`. Servers serving a CLIP-like model accept
 * that (Infinity with `modality: "image"`); a text-only model embeds the URL as text or answers
 * 4xx, so configure images to the stand-in for such a server. One bad image fails its whole batch
 * on the server side (one 4xx for all), so the caller retries one at a time to find it.
 */
export class HttpImageEmbedder implements ImageEmbedder {
  readonly standIn = false;
  readonly modelId: string;
  private readonly extraBody: Record<string, unknown>;
  private readonly maxImageBytes: number;

  constructor(
    private readonly client: OpenAiEmbeddingClient,
    readonly dim: number,
    options: HttpImageEmbedderOptions = {},
  ) {
    this.modelId = client.model;
    this.extraBody = options.extraBody ?? {};
    this.maxImageBytes = options.maxImageBytes ?? 16 * 1024 * 1024;
  }

  async embedImages(images: Buffer[]): Promise<Float32Array[]> {
    const urls = images.map((image, index) => this.toDataUrl(image, index));
    return this.client.embed(urls, this.extraBody);
  }

  private toDataUrl(image: Buffer, index: number): string {
    if (!Buffer.isBuffer(image) || image.length === 0) {
      throw new ImageInputError('EMPTY', index, 'no bytes; pass the encoded file (JPEG, PNG, WebP, GIF)');
    }
    if (image.length > this.maxImageBytes) {
      throw new ImageInputError('TOO_LARGE', index, `${image.length} bytes, above the ${this.maxImageBytes} byte limit for the server; shrink it first`);
    }
    const mime = sniffImageType(image);
    if (!mime) {
      throw new ImageInputError('UNSUPPORTED_FORMAT', index, 'not JPEG, PNG, WebP or GIF by its first bytes; convert it first');
    }
    return `data:${mime};base64,${image.toString('base64')}`;
  }
}

/** Mime type from magic bytes; the declared type of a scraped file is not trusted. */
export function sniffImageType(bytes: Buffer): string | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6))) return 'image/gif';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    return 'image/webp';
  }
  return undefined;
}
