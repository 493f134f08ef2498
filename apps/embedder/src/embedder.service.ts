import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArticleEmbeddedV1, ArticleStoredV1, ArticleV1, CatalogArticleEmbeddedRequestV1, MediaV1, VectorRowV1 } from '#contracts';
import { FilesClient, FilesError } from '#files-client';
import { PoisonMessageError } from '#messaging';
import { Inject, Injectable } from '@nestjs/common';
import type winston from 'winston';
import { CatalogClient } from './catalog.client.js';
import { EMBEDDERS, STAGE_CONFIG, type StageConfig } from './embedder.config.js';
import {
  embedImagesEach,
  EmbeddingServerError,
  ImageInputError,
  KeyframeExtractionError,
  meanPool,
  type Embedders,
} from './embedding/index.js';
import { chunkText } from './text-chunks.js';
import { VectorClient } from './vector.client.js';
import { stageSpaces, type SpaceRef, type StageSpaces } from './vector-spaces.js';

type PartKind = 'text' | 'image' | 'video';

/** One embedded part of an article, on its way to the vector service. */
interface PartVector {
  id: string;
  space: SpaceRef;
  kind: PartKind | 'article';
  vector: Float32Array;
}

interface FailedPart {
  part: string;
  /** The space its vector would have gone to, for the per-space counts in the catalog. */
  space: SpaceRef;
  error: string;
}

/** What one article's parts came to, before anything is written. */
interface ArticleParts {
  vectors: PartVector[];
  failed: FailedPart[];
}

/** Images are downloaded and embedded this many at a time, which bounds the memory of a big gallery. */
const IMAGE_BATCH = 16;
/** Server answers that blame the input (the text is too long or malformed), not the setup. */
const INPUT_FAULT_STATUSES = new Set([400, 413, 422]);

/** Vector ids are deterministic, so a redelivered article overwrites its rows instead of adding to them. */
export const vectorIds = {
  text: (articleId: number) => `text:${articleId}`,
  media: (mediaId: number) => `media:${mediaId}`,
  caption: (mediaId: number) => `media:${mediaId}:caption`,
  article: (articleId: number) => `article:${articleId}`,
};

/**
 * The embedder stage's logic: fetch the article and its media, embed every part, write the
 * vectors under deterministic ids, and say what happened. A bad part (corrupt image, video without
 * a frame, missing file, or media the scraper marked `failed`) is listed in `failedParts` and the
 * rest goes on; faults that may pass
 * (a service or the embedding server unreachable) throw, so the message is retried.
 */
@Injectable()
export class EmbedderService {
  readonly spaces: StageSpaces;

  constructor(
    private readonly catalog: CatalogClient,
    private readonly files: FilesClient,
    private readonly vectors: VectorClient,
    @Inject(EMBEDDERS) private readonly embedders: Embedders,
    @Inject(STAGE_CONFIG) private readonly config: StageConfig,
  ) {
    this.spaces = stageSpaces(config.spacePrefix, embedders.text, embedders.image);
  }

  async embedArticle(stored: ArticleStoredV1, log: winston.Logger): Promise<ArticleEmbeddedV1> {
    const articleId = stored.articleId;
    const found = await this.catalog.getArticle(articleId);
    if (!found) {
      throw new PoisonMessageError(`article ${articleId} is not in the catalog; nothing to embed (was it stored on another catalog?)`);
    }
    // The catalog is the owner of the facts, but the scraper writes the text (and may write media)
    // after the row: the event's keys fill what the row does not have.
    const article = { ...found.article, textKey: found.article.textKey ?? stored.textKey };
    const eventKeys = new Map(stored.media.map((item) => [item.mediaId, item.key]));
    const media = found.media.map((item) => ({ ...item, fileKey: item.fileKey ?? eventKeys.get(item.mediaId) ?? null }));
    const parts: ArticleParts = { vectors: [], failed: [] };

    await this.embedText(article, parts);
    const images = media.filter((item) => item.kind === 'image');
    for (let start = 0; start < images.length; start += IMAGE_BATCH) {
      await this.embedImages(images.slice(start, start + IMAGE_BATCH), parts);
    }
    for (const video of media.filter((item) => item.kind === 'video')) await this.embedVideo(video, parts);

    const representative = this.representative(article.articleId, parts.vectors);
    if (representative) parts.vectors.push(representative);
    else log.warn(`article ${articleId}: no text vector, so no representative vector; "similar" will not find it`);

    const spaces = await this.write(article, parts.vectors);
    for (const failure of parts.failed) log.warn(`article ${articleId}: ${failure.part} not embedded: ${failure.error}`);
    const usedImageEmbedder = media.some((item) => item.kind === 'image' || item.kind === 'video');
    const standIn = this.embedders.text.standIn || (usedImageEmbedder && this.embedders.image.standIn);
    await this.catalog.recordEmbedded({
      articleId: article.articleId,
      standIn,
      embeddedAt: new Date().toISOString(),
      spaces: this.spaceOutcomes(parts),
    });
    return {
      articleId: article.articleId,
      spaces,
      failedParts: parts.failed.map((failure) => ({ part: failure.part, error: failure.error.slice(0, 2000) })),
      standIn,
      representative: representative
        ? { space: representative.space.name, dim: representative.space.dim, id: representative.id }
        : undefined,
    };
  }

  /**
   * The whole text as one vector: the mean of the title's vector and the body's (long bodies in
   * windows, pooled). The title is the densest statement of what an article is about; pooled with
   * equal weight it is not drowned by a long body's common words (measured on the sample site in
   * docs/embedding.md: the same-topic pair comes first only this way with the stand-in).
   */
  private async embedText(article: ArticleV1, parts: ArticleParts): Promise<void> {
    let body = '';
    if (article.textKey) {
      try {
        body = (await this.files.get(article.textKey)).toString('utf8');
      } catch (error) {
        parts.failed.push({ part: 'text', space: this.spaces.text, error: partError(error, `text file ${article.textKey}`) });
        return;
      }
    }
    const title = article.title.trim();
    if (title === '' && body.trim() === '') {
      parts.failed.push({ part: 'text', space: this.spaces.text, error: 'the article has neither title nor text' });
      return;
    }
    try {
      parts.vectors.push({
        id: vectorIds.text(article.articleId),
        space: this.spaces.text,
        kind: 'text',
        vector: await this.embedTitleAndBody(title, body.trim()),
      });
    } catch (error) {
      parts.failed.push({ part: 'text', space: this.spaces.text, error: partError(error, 'text') });
    }
  }

  private async embedTitleAndBody(title: string, body: string): Promise<Float32Array> {
    const embedder = this.embedders.text;
    // The stand-in windows and pools long input itself; a server gets windows it can take.
    const windows = body === '' ? [] : embedder.standIn ? [body] : chunkText(body, this.config.textChunkChars, this.config.textChunkOverlap);
    const inputs = title === '' ? windows : [title, ...windows];
    const vectors = await embedder.embedTexts(inputs);
    if (title === '' || windows.length === 0) return meanPool(vectors, embedder.dim);
    const bodyVector = windows.length === 1 ? vectors[1]! : meanPool(vectors.slice(1), embedder.dim);
    return meanPool([vectors[0]!, bodyVector], embedder.dim);
  }

  private async embedImages(images: MediaV1[], parts: ArticleParts): Promise<void> {
    const loaded: { media: MediaV1; bytes: Buffer }[] = [];
    for (const media of images) {
      if (media.status === 'failed') {
        parts.failed.push({ part: vectorIds.media(media.mediaId), space: this.spaces.image, error: failedAtScrape(media) });
        continue;
      }
      if (!media.fileKey) {
        parts.failed.push({ part: vectorIds.media(media.mediaId), space: this.spaces.image, error: 'no stored file: its bytes were never downloaded' });
        continue;
      }
      try {
        loaded.push({ media, bytes: await this.files.get(media.fileKey) });
      } catch (error) {
        parts.failed.push({ part: vectorIds.media(media.mediaId), space: this.spaces.image, error: partError(error, `image file ${media.fileKey}`) });
      }
    }
    if (loaded.length === 0) return;
    const outcomes = await embedImagesEach(
      this.embedders.image,
      loaded.map((item) => item.bytes),
    );
    outcomes.forEach((outcome, index) => {
      const media = loaded[index]!.media;
      if (outcome.status === 'embedded') {
        parts.vectors.push({ id: vectorIds.media(media.mediaId), space: this.spaces.image, kind: 'image', vector: outcome.vector });
      } else {
        // embedImagesEach already decided this was the image's fault, whatever the status.
        const reason = outcome.error instanceof ImageInputError ? partError(outcome.error, `image ${media.fileKey}`) : `image ${media.fileKey}: the embedding server refused it: ${outcome.error.message}`;
        parts.failed.push({ part: vectorIds.media(media.mediaId), space: this.spaces.image, error: reason });
      }
    });
  }

  /** Keyframes pooled into one vector in the image space, and the caption in the text space. */
  private async embedVideo(video: MediaV1, parts: ArticleParts): Promise<void> {
    const part = vectorIds.media(video.mediaId);
    if (video.status === 'failed') {
      parts.failed.push({ part, space: this.spaces.image, error: failedAtScrape(video) });
      await this.embedCaptionOnly(video, parts);
      return;
    }
    if (!video.fileKey) {
      parts.failed.push({ part, space: this.spaces.image, error: 'no stored file: its bytes were never downloaded' });
      await this.embedCaptionOnly(video, parts);
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'embedder-video-'));
    try {
      const file = join(dir, 'video');
      try {
        await this.files.download(video.fileKey, file);
      } catch (error) {
        parts.failed.push({ part, space: this.spaces.image, error: partError(error, `video file ${video.fileKey}`) });
        await this.embedCaptionOnly(video, parts);
        return;
      }
      const embedded = await this.embedders.video.embedVideo(file, video.caption ?? undefined);
      if (embedded.frames.status === 'embedded') {
        parts.vectors.push({ id: part, space: this.spaces.image, kind: 'video', vector: embedded.frames.pooled });
      } else {
        // The temp path means nothing to a reader (and would make each redelivery's message differ).
        const reason = partError(embedded.frames.error, `video ${video.fileKey}`);
        const shown = reason.split(file).join('the downloaded file').split('the downloaded file: the downloaded file:').join('the downloaded file:');
        parts.failed.push({ part, space: this.spaces.image, error: shown });
      }
      if (embedded.caption.status === 'embedded') {
        parts.vectors.push({ id: vectorIds.caption(video.mediaId), space: this.spaces.text, kind: 'video', vector: embedded.caption.vector });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async embedCaptionOnly(video: MediaV1, parts: ArticleParts): Promise<void> {
    if (!video.caption || video.caption.trim() === '') return;
    const [vector] = await this.embedders.text.embedTexts([video.caption]);
    parts.vectors.push({ id: vectorIds.caption(video.mediaId), space: this.spaces.text, kind: 'video', vector: vector! });
  }

  /**
   * The rule of docs/vector.md: the mean of the article's part vectors within one space. With one
   * model for text and images (a joint space) that is every part; with separate spaces (the
   * stand-ins: 512-d text, 207-d image) image and text vectors cannot be averaged, and the text
   * space holds the representative: the text vector, or the captions' mean when the text failed.
   */
  private representative(articleId: number, vectors: PartVector[]): PartVector | null {
    const inTextSpace = vectors.filter((part) => part.space.name === this.spaces.text.name && part.kind !== 'article');
    const chosen = this.spaces.joint ? inTextSpace : inTextSpace.filter((part) => part.kind === 'text');
    const fallback = chosen.length > 0 ? chosen : inTextSpace;
    if (fallback.length === 0) return null;
    const vector = fallback.length === 1 ? Float32Array.from(fallback[0]!.vector) : meanPool(fallback.map((part) => part.vector), this.spaces.text.dim);
    return { id: vectorIds.article(articleId), space: this.spaces.text, kind: 'article', vector };
  }

  /** Vectors written and parts failed, per space, for the catalog's record. */
  private spaceOutcomes(parts: ArticleParts): CatalogArticleEmbeddedRequestV1['spaces'] {
    const outcomes = new Map<string, CatalogArticleEmbeddedRequestV1['spaces'][number]>();
    const entry = (space: SpaceRef) => {
      let found = outcomes.get(space.name);
      if (!found) {
        const model = space.name === this.spaces.text.name ? this.spaces.textModel : this.spaces.imageModel;
        found = { space: space.name, model: model.slice(0, 255), dim: space.dim, vectors: 0, failedParts: 0 };
        outcomes.set(space.name, found);
      }
      return found;
    };
    // The text space is always recorded: every article has a text part, embedded or failed.
    entry(this.spaces.text);
    for (const part of parts.vectors) entry(part.space).vectors++;
    for (const failure of parts.failed) entry(failure.space).failedParts++;
    return [...outcomes.values()];
  }

  private async write(article: ArticleV1, vectors: PartVector[]): Promise<ArticleEmbeddedV1['spaces']> {
    const createdAt = article.publishedAt ?? article.scrapedAt;
    const source = (article.sourceKey ?? hostOf(article.url)).slice(0, 128);
    const bySpace = new Map<string, { space: SpaceRef; rows: VectorRowV1[] }>();
    for (const part of vectors) {
      const group = bySpace.get(part.space.name) ?? { space: part.space, rows: [] };
      group.rows.push({
        id: part.id,
        vector: Array.from(part.vector),
        articleId: article.articleId,
        category: article.category.slice(0, 64),
        source,
        kind: part.kind,
        createdAt,
      });
      bySpace.set(part.space.name, group);
    }
    const spaces: ArticleEmbeddedV1['spaces'] = [];
    for (const { space, rows } of bySpace.values()) {
      await this.vectors.upsert(space, rows);
      spaces.push({ space: space.name, dim: space.dim, vectors: rows.length });
    }
    return spaces;
  }
}

/**
 * The reason a part failed, or a rethrow when the fault may pass (a service unreachable, a server
 * busy): then the whole message is retried rather than the part given up.
 */
function partError(error: unknown, what: string): string {
  if (error instanceof FilesError && !error.retryable) return `${what}: ${error.message} (${error.code})`;
  if (error instanceof ImageInputError) return `${what}: ${error.code}: ${error.message.replace(/^image \d+: /, '')}`;
  if (error instanceof EmbeddingServerError && !error.retryable && INPUT_FAULT_STATUSES.has(error.status ?? 0)) {
    return `${what}: the embedding server refused it: ${error.message}`;
  }
  if (error instanceof KeyframeExtractionError) return `${what}: ${error.code}: ${error.message}`;
  throw error;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * A media item the scraper could not store: not fetched (the catalog says there is no usable
 * file, whatever key a stale event carries), but still listed as a failed part with the scrape's
 * reason, like an item never downloaded, so the per-space counts say what is missing.
 */
function failedAtScrape(media: MediaV1): string {
  return `not stored at scrape time: ${media.error ?? 'no reason recorded'}`;
}
