import { ArticleStoredV1, type ArticleV1, type MediaInputV1, type MediaV1 } from '#contracts';
import { cleanUrl, extractArticle, type ExtractedArticle } from '#extraction';
import type { FilesClient } from '#files-client';
import { RemoteError, type EventPublisher } from '#messaging';
import type { CatalogClient } from './catalog.client.js';
import { ArticleClaims } from './dedup/article.claims.js';
import { contentHash, simhash, simhashHex } from './dedup/fingerprint.js';
import type { ClaimTurn } from './dedup/fingerprint.book.js';
import { FetchError } from './fetch/fetch.errors.js';
import type { MediaOutcome, MediaService } from './media/media.service.js';
import type { ArticleOutcome, RunContext } from './run.types.js';
import { describe, failureCode, isInfrastructureFailure } from './scraper.errors.js';
import type { DiscoveredLink } from './sources/discovery.service.js';
import { isoDate } from './sources/xml.util.js';

export interface ArticleLimits {
  pageBytes: number;
  mediaPerArticle: number;
  /** An article left without its text for this long is presumed abandoned and finished by the next run. */
  resumeAfterMs: number;
}

const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';
const SUMMARY_CHARS = 300;
/** The catalog's band index finds every stored SimHash within 3 bits, and only up to 3. */
const CATALOG_MAX_DISTANCE = 3;

/**
 * One article, in the order that keeps every step safe to repeat: known URL? -> fetch -> extract ->
 * near-duplicate check (this run, then the catalog) -> category -> catalog upsert (the idempotency point) -> text and media to
 * the files service -> media rows updated -> `article.stored` published with a key derived from
 * the command and the article, so a retried command cannot announce an article twice.
 */
export class ArticleService {
  private readonly claims = new ArticleClaims();

  constructor(
    private readonly catalog: CatalogClient,
    private readonly files: FilesClient,
    private readonly media: MediaService,
    private readonly publisher: EventPublisher,
    private readonly limits: ArticleLimits,
  ) {}

  async store(link: DiscoveredLink, run: RunContext): Promise<ArticleOutcome> {
    // Taken before the first await, so turns follow the order the run takes its links up in.
    const turn = run.book.turn();
    try {
      return await this.storeOnce(link, run, turn);
    } catch (error) {
      if (isInfrastructureFailure(error)) throw error;
      const retryable = error instanceof FetchError && error.retryable;
      const outcome: ArticleOutcome = { status: 'skipped', url: link.url, code: failureCode(error), message: describe(error), retryable };
      if (!(error instanceof FetchError)) run.log.error(`article ${link.url.slice(0, 300)} failed: ${describe(error)}`);
      return outcome;
    } finally {
      turn.release();
    }
  }

  private async storeOnce(link: DiscoveredLink, run: RunContext, turn: ClaimTurn): Promise<ArticleOutcome> {
    // A known URL costs one catalog lookup and no request to the site.
    let known = await this.catalog.articleByUrl(link.url);
    if (known && !(await this.shouldResume(known, run))) return { status: 'exists', url: link.url, articleId: known.articleId };

    const page = await run.session.fetch({ url: link.url, maxBytes: this.limits.pageBytes, accept: HTML_ACCEPT });
    if (!isHtml(page.contentType)) {
      return { status: 'skipped', url: link.url, code: 'content-type', message: `${page.url} is ${page.contentType}, not an HTML page`, retryable: false };
    }
    const extracted = extractArticle(page.body, { url: page.url, contentType: page.contentType ?? undefined });
    const url = canonicalOf(extracted, page.url);
    if (!extracted.text) {
      return { status: 'skipped', url, code: 'no-article', message: `no article text found on ${page.url.slice(0, 300)}`, retryable: false };
    }
    if (!known && url !== link.url) known = await this.catalog.articleByUrl(url);

    const hash = contentHash(extracted.text);
    const fingerprint = simhash(extracted.text);
    await turn.ready();
    const claim = run.book.claim(url, hash, fingerprint);
    turn.release();
    try {
      if (known && !(await this.shouldResume(known, run))) {
        claim.settle({ articleId: known.articleId, contentHash: known.contentHash });
        return { status: 'exists', url, articleId: known.articleId };
      }
      const title = (extracted.title ?? link.title ?? extracted.text.split('\n')[0]!.slice(0, 200)).slice(0, 1000);
      const category = run.rule.decide({ hint: run.source.category, title, text: extracted.text });
      const fields = {
        url,
        sourceKey: run.source.id,
        category: category.slug,
        title,
        summary: summaryOf(extracted.text),
        lang: langOf(extracted.lang ?? run.source.lang ?? null),
        publishedAt: isoDate(extracted.publishedAt) ?? link.publishedAt,
        scrapedAt: new Date().toISOString(),
      };

      if (claim.match) {
        const original = await claim.match.settled;
        if (original) {
          // Stored under the original's content hash, the catalog keeps this URL as an alias of it.
          const linked = await this.catalog.upsertArticle({ ...fields, contentHash: original.contentHash, media: [] });
          // This very URL was already stored (another run got to it first): nothing was linked.
          if (linked.matchedBy === 'url') return { status: 'exists', url, articleId: linked.articleId };
          run.log.info(`${url} is a near-duplicate of ${claim.match.url} (SimHash distance ${claim.match.distance}): linked to article ${linked.articleId}`);
          return { status: 'near-duplicate', url, articleId: linked.articleId, distance: claim.match.distance, of: claim.match.url };
        }
      }

      // Not in this run: an original stored by an earlier run. A known URL is its own row (being
      // resumed), which would only find itself.
      const earlier = known ? null : await this.storedNearDuplicate(hash, fingerprint, run);
      if (earlier) {
        const { article: original, distance } = earlier;
        // Later copies in this run link to the same original through the book.
        claim.settle({ articleId: original.articleId, contentHash: original.contentHash });
        const linked = await this.catalog.upsertArticle({ ...fields, contentHash: original.contentHash, media: [] });
        if (linked.matchedBy === 'url') return { status: 'exists', url, articleId: linked.articleId };
        run.log.info(`${url} is a near-duplicate of ${original.url} stored earlier (SimHash distance ${distance}): linked to article ${linked.articleId}`);
        return { status: 'near-duplicate', url, articleId: linked.articleId, distance, of: original.url };
      }

      const response = await this.catalog.upsertArticle({ ...fields, contentHash: hash, media: this.mediaInputs(extracted) });
      if (response.duplicateOf !== null) {
        claim.settle({ articleId: response.duplicateOf, contentHash: hash });
        return { status: 'duplicate', url, articleId: response.duplicateOf };
      }
      const { article, media } = await this.catalog.article(response.articleId);
      claim.settle({ articleId: article.articleId, contentHash: article.contentHash });
      return await this.claims.exclusive(article.articleId, async () => {
        // Decided under the claim: another run of this replica may have finished it meanwhile.
        if (!response.created && !(await this.shouldResume(article, run))) return { status: 'exists', url, articleId: article.articleId };
        run.finished.add(article.articleId);
        // Before the announcement: a resumed article records it again (idempotent), so it is never lost.
        await this.recordFingerprint(article.articleId, fingerprint, run);
        const outcomes = await this.finish(article, media, extracted.text, run);
        const resumed = !response.created;
        run.log.info(
          `article ${article.articleId} ${resumed ? 'finished' : 'stored'}: ${article.category} "${article.title.slice(0, 80)}" ` +
            `(${category.by}${category.by === 'keywords' ? ` ${category.score}` : ''}), ${outcomes.filter((m) => m.key).length}/${outcomes.length} media stored`,
        );
        return { status: 'stored', url, articleId: article.articleId, category: article.category, resumed, media: outcomes };
      });
    } finally {
      claim.settle(null);
    }
  }

  /**
   * The closest article stored by an earlier run within the near-duplicate distance, or null. An
   * exact copy (same content hash) is left to the upsert, which reports it as a duplicate.
   */
  private async storedNearDuplicate(hash: string, fingerprint: bigint, run: RunContext): Promise<{ article: ArticleV1; distance: number } | null> {
    const maxDistance = Math.min(run.book.maxDistance, CATALOG_MAX_DISTANCE);
    if (maxDistance === 0) return null;
    const match = await this.catalog.nearDuplicate(simhashHex(fingerprint), maxDistance);
    if (!match) return null;
    const { article } = await this.catalog.article(match.articleId);
    return article.contentHash === hash ? null : { article, distance: match.distance };
  }

  private async recordFingerprint(articleId: number, fingerprint: bigint, run: RunContext): Promise<void> {
    try {
      await this.catalog.recordFingerprint(articleId, simhashHex(fingerprint));
    } catch (error) {
      // The row was matched by URL while the page's text changed: the first fingerprint stays.
      if (!(error instanceof RemoteError && error.code === 'conflict')) throw error;
      run.log.warn(`article ${articleId} keeps its first SimHash: ${error.message}`);
    }
  }

  /** Text and media to the files service, media rows updated, then the announcement. */
  private async finish(article: ArticleV1, media: MediaV1[], text: string, run: RunContext): Promise<MediaOutcome[]> {
    const textKey = await this.textKey(article);
    const stored = await this.files.put(textKey, text);
    await this.catalog.setArticleText({ articleId: article.articleId, textKey, textBytes: stored.bytes, textSha256: stored.sha256 });
    run.heartbeat();
    const outcomes = await this.media.storeAll(article, media, run.session, run.log, run.heartbeat);
    await this.publisher.publish(
      ArticleStoredV1,
      {
        articleId: article.articleId,
        url: article.url,
        title: article.title,
        category: article.category,
        lang: article.lang,
        textKey,
        contentHash: article.contentHash,
        media: outcomes.map((m) => ({ mediaId: m.mediaId, kind: m.kind, key: m.key, position: m.position })),
        duplicateOf: null,
      },
      { causedBy: run.envelope, key: `article:${article.articleId}` },
    );
    this.claims.announce(article.articleId);
    // The catalog is the memory of what was announced: a re-run long after the stream's duplicate
    // window (an outage held it, a redelivery) finds the mark and announces nothing twice.
    await this.catalog.markAnnounced(article.articleId);
    return outcomes;
  }

  /**
   * An existing row is finished here (text, media, event) when an earlier attempt of this very
   * command created it (its event may be lost: the deterministic key makes publishing again safe),
   * or when its text file is still missing long after it was created, i.e. whoever created it
   * stopped half-way. A young row without text is left alone: another run (a second source listing
   * the same page, another replica) is most likely storing it right now, and finishing it here too
   * would announce the article twice. An article this replica announced is never finished again.
   */
  private async shouldResume(article: ArticleV1, run: RunContext): Promise<boolean> {
    if (run.finished.has(article.articleId) || this.claims.wasAnnounced(article.articleId)) return false;
    if (article.announcedAt) return false;
    const createdAt = Date.parse(article.createdAt);
    if (run.rerun && createdAt >= Date.parse(run.envelope.occurredAt)) return true;
    if (Date.now() - createdAt < this.limits.resumeAfterMs) return false;
    return (await this.files.stat(await this.textKey(article))) === null;
  }

  private textKey(article: ArticleV1): Promise<string> {
    return this.files.allocate({ articleId: article.articleId, ownerCreatedAt: article.createdAt, role: 'text', ext: 'txt' });
  }

  private mediaInputs(extracted: ExtractedArticle): MediaInputV1[] {
    const inputs: MediaInputV1[] = [];
    const seen = new Set<string>();
    for (const item of extracted.media) {
      if (inputs.length >= this.limits.mediaPerArticle) break;
      if (!item.src || item.src.length > 2048 || seen.has(item.src)) continue;
      seen.add(item.src);
      inputs.push({ kind: item.kind, position: inputs.length, sourceUrl: item.src, caption: item.caption ? item.caption.slice(0, 1000) : null });
    }
    return inputs;
  }
}

function isHtml(contentType: string | null): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === '' || type === 'text/html' || type === 'application/xhtml+xml';
}

/**
 * The page's canonical URL is believed only on the page's own host (a leading `www.` aside): a
 * page must not be able to claim another site's address and pre-empt its article.
 */
export function canonicalOf(extracted: ExtractedArticle, pageUrl: string): string {
  const fallback = cleanUrl(pageUrl) ?? pageUrl;
  if (!extracted.url) return fallback;
  try {
    const claimed = new URL(extracted.url);
    const page = new URL(pageUrl);
    const host = (u: URL): string => u.hostname.replace(/^www\./, '');
    return host(claimed) === host(page) && claimed.href.length <= 2048 ? claimed.href : fallback;
  } catch {
    return fallback;
  }
}

function summaryOf(text: string): string {
  const first = text.split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ').trim();
  if (first.length <= SUMMARY_CHARS) return first;
  const cut = first.slice(0, SUMMARY_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUMMARY_CHARS * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function langOf(lang: string | null): string | null {
  return lang && lang.length >= 2 && lang.length <= 16 ? lang : null;
}
