import { CatalogArticleFingerprintV1, CatalogArticleNearDuplicateV1, type RequestOf, type ResponseOf } from '#contracts';
import { OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import { ArticleFingerprintService } from './article-fingerprint.service.js';

/** Articles' SimHashes: the scraper records them and asks for near-duplicates before storing. */
@Controller()
export class ArticleFingerprintController {
  constructor(private readonly fingerprints: ArticleFingerprintService) {}

  @OnRequest(CatalogArticleFingerprintV1)
  record(request: RequestOf<typeof CatalogArticleFingerprintV1>): Promise<ResponseOf<typeof CatalogArticleFingerprintV1>> {
    return this.fingerprints.record(request);
  }

  @OnRequest(CatalogArticleNearDuplicateV1)
  nearDuplicate(request: RequestOf<typeof CatalogArticleNearDuplicateV1>): Promise<ResponseOf<typeof CatalogArticleNearDuplicateV1>> {
    return this.fingerprints.nearDuplicate(request);
  }
}

