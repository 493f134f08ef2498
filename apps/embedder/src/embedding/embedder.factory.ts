import sharp from 'sharp';
import { z } from 'zod';
import type { ImageEmbedder, TextEmbedder } from './embedder.types.js';
import { FfmpegKeyframeExtractor } from './ffmpeg-keyframe.extractor.js';
import { HashTextEmbedder } from './hash-text.embedder.js';
import { HttpImageEmbedder, HttpTextEmbedder } from './http.embedder.js';
import { ImageFeatureEmbedder } from './image-features.embedder.js';
import { OpenAiEmbeddingClient } from './openai-embedding.client.js';
import { VideoEmbedder } from './video.embedder.js';

const positiveInt = z.number().int().positive();

/**
 * Which backend embeds what. `backend` picks text (and by default images); `imageBackend`
 * overrides it for images, e.g. a text-only server (TEI with bge-m3) plus the stand-in for images.
 */
export const EmbedderConfigSchema = z
  .object({
    backend: z.enum(['standin', 'http']),
    imageBackend: z.enum(['standin', 'http']).optional(),
    url: z.string().optional(),
    model: z.string().min(1).optional(),
    apiKey: z.string().optional(),
    batchSize: positiveInt.max(4096).optional(),
    timeoutMs: positiveInt.optional(),
    maxRetries: z.number().int().min(0).max(20).optional(),
    /** Vector length of `model`; when unset, asked of the server once at start. */
    dimensions: positiveInt.optional(),
    /** A separate image model on the same server; `model` when unset. */
    imageModel: z.string().min(1).optional(),
    imageDimensions: positiveInt.optional(),
    /** Merged into image requests, e.g. `{ "modality": "image" }` for Infinity. */
    imageRequestExtras: z.record(z.string(), z.unknown()).optional(),
    /** Stand-in text vector length (512). */
    standinTextDim: positiveInt.min(16).optional(),
    /** Stand-in decoder limit against decompression bombs (50 megapixels). */
    limitInputPixels: positiveInt.optional(),
    video: z
      .object({
        mode: z.enum(['scene', 'interval']).optional(),
        sceneThreshold: z.number().gt(0).lt(1).optional(),
        maxGapS: z.number().positive().optional(),
        intervalS: z.number().positive().optional(),
        maxFrames: positiveInt.max(256).optional(),
        maxScanS: z.number().positive().optional(),
        maxSide: positiveInt.max(4096).optional(),
        timeoutMs: positiveInt.optional(),
        ffmpegPath: z.string().min(1).optional(),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    const usesHttp = config.backend === 'http' || config.imageBackend === 'http';
    if (!usesHttp) return;
    if (!config.url || !/^https?:\/\/./.test(config.url)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'the http backend needs url, e.g. http://tei:8080' });
    }
    if (!config.model && !(config.backend === 'standin' && config.imageModel)) {
      ctx.addIssue({ code: 'custom', path: ['model'], message: 'the http backend needs model, the name the server serves' });
    }
  });

export type EmbedderConfig = z.input<typeof EmbedderConfigSchema>;

export interface Embedders {
  text: TextEmbedder;
  image: ImageEmbedder;
  video: VideoEmbedder;
}

/**
 * Builds the embedders the configuration asks for; nothing else decides. With the http backend and
 * no `dimensions`, the server is asked once (a one-input request) so the spaces know their length
 * before the first collection is created.
 */
export async function createEmbedders(input: EmbedderConfig): Promise<Embedders> {
  const parsed = EmbedderConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new Error(`Invalid embedder configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  const imageBackend = config.imageBackend ?? config.backend;

  const client = (model: string, dimensions: number | undefined): OpenAiEmbeddingClient =>
    new OpenAiEmbeddingClient({
      url: config.url!,
      model,
      apiKey: config.apiKey,
      batchSize: config.batchSize,
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      dimensions,
    });

  let text: TextEmbedder;
  let textClient: OpenAiEmbeddingClient | undefined;
  if (config.backend === 'http') {
    textClient = client(config.model!, config.dimensions);
    text = new HttpTextEmbedder(textClient, config.dimensions ?? (await probeDim(textClient, ['dimension probe'])));
  } else {
    text = new HashTextEmbedder({ dim: config.standinTextDim });
  }

  let image: ImageEmbedder;
  if (imageBackend === 'http') {
    const imageModel = config.imageModel ?? config.model!;
    const sameModel = textClient !== undefined && imageModel === textClient.model;
    const imageClient = sameModel ? textClient! : client(imageModel, config.imageDimensions);
    const dim = sameModel ? text.dim : (config.imageDimensions ?? (await probeImageDim(imageClient, config.imageRequestExtras)));
    image = new HttpImageEmbedder(imageClient, dim, { extraBody: config.imageRequestExtras });
  } else {
    image = new ImageFeatureEmbedder({ limitInputPixels: config.limitInputPixels });
  }

  const video = new VideoEmbedder(new FfmpegKeyframeExtractor(config.video), image, text);
  return { text, image, video };
}

async function probeDim(client: OpenAiEmbeddingClient, inputs: string[], extraBody?: Record<string, unknown>): Promise<number> {
  const [vector] = await client.embed(inputs, extraBody);
  return vector.length;
}

async function probeImageDim(client: OpenAiEmbeddingClient, extraBody?: Record<string, unknown>): Promise<number> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer();
  return probeDim(client, [`data:image/png;base64,${png.toString('base64')}`], extraBody);
}
