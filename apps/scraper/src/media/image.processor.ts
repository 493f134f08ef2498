import sharp, { type Metadata } from 'sharp';
import { MediaRejectedError } from './media.errors.js';

export interface ImageLimits {
  maxPixels: number;
  maxSide: number;
  thumbSide: number;
}

export interface ProcessedImage {
  data: Buffer;
  ext: 'jpg' | 'webp';
  contentType: 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
  thumb: Buffer;
}

/** Raster formats worth keeping; SVG (scripts, external references) and PDF are never rendered. */
const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif', 'avif']);

/**
 * Re-encodes an untrusted image: the declared size is checked before any pixel is decoded
 * (decompression bombs), EXIF orientation is applied and then every metadata block is dropped
 * (sharp writes none unless asked), the result is at most `maxSide` on its longest side, JPEG
 * unless it has transparency (then WebP), plus a WebP thumbnail.
 */
export class ImageProcessor {
  constructor(private readonly limits: ImageLimits) {}

  async process(input: Buffer): Promise<ProcessedImage> {
    let meta: Metadata;
    try {
      // Headers only, no pixels: the declared size is read here so the refusal can say what it was.
      meta = await sharp(input, { limitInputPixels: false, failOn: 'error' }).metadata();
    } catch (error) {
      throw rejected(error, this.limits.maxPixels);
    }
    if (!FORMATS.has(meta.format)) {
      throw new MediaRejectedError('format', `${meta.format} images are not stored (only JPEG, PNG, WebP, GIF, AVIF/HEIF)`);
    }
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    if (width <= 0 || height <= 0) throw new MediaRejectedError('undecodable', 'the image declares no size');
    if (width * height > this.limits.maxPixels) {
      throw new MediaRejectedError(
        'too-many-pixels',
        `the image declares ${width}x${height} = ${(width * height / 1e6).toFixed(0)} MP, more than the ${(this.limits.maxPixels / 1e6).toFixed(0)} MP limit (a decompression bomb, or simply too big)`,
      );
    }
    const alpha = meta.hasAlpha === true;
    try {
      const pipeline = sharp(input, { limitInputPixels: this.limits.maxPixels, failOn: 'error', pages: 1 })
        .autoOrient()
        .resize({ width: this.limits.maxSide, height: this.limits.maxSide, fit: 'inside', withoutEnlargement: true });
      const encoded = alpha ? pipeline.webp({ quality: 82 }) : pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 85, mozjpeg: true });
      const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
      const thumb = await sharp(data)
        .resize({ width: this.limits.thumbSide, height: this.limits.thumbSide, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 70 })
        .toBuffer();
      return {
        data,
        ext: alpha ? 'webp' : 'jpg',
        contentType: alpha ? 'image/webp' : 'image/jpeg',
        width: info.width,
        height: info.height,
        thumb,
      };
    } catch (error) {
      throw rejected(error, this.limits.maxPixels);
    }
  }
}

function rejected(error: unknown, maxPixels: number): MediaRejectedError {
  const message = (error as Error).message ?? String(error);
  if (/pixel limit/i.test(message)) {
    return new MediaRejectedError('too-many-pixels', `the image is larger than the ${(maxPixels / 1e6).toFixed(0)} MP limit (${message})`);
  }
  if (/unsupported image format/i.test(message)) return new MediaRejectedError('format', 'not an image in a known format');
  return new MediaRejectedError('undecodable', `the image cannot be decoded: ${message.slice(0, 300)}`);
}
