import { CatalogReportExternalTrendsV1, CatalogReportLineageV1, CatalogReportLineageV2, type RequestOf, type ResponseOf } from '#contracts';
import { OnRequest } from '#messaging';
import { Controller } from '@nestjs/common';
import { ReportService } from './report.service.js';

type Req<C> = RequestOf<C>;
type Res<C> = Promise<ResponseOf<C>>;

/** The lineage report's catalog requests (`npm run report`). */
@Controller()
export class ReportController {
  constructor(private readonly service: ReportService) {}

  @OnRequest(CatalogReportLineageV1)
  lineage(request: Req<typeof CatalogReportLineageV1>): Res<typeof CatalogReportLineageV1> {
    return this.service.lineage(request);
  }

  /** The same pages as columns with the repeated strings once a page: what `npm run report` asks. */
  @OnRequest(CatalogReportLineageV2)
  lineageColumns(request: Req<typeof CatalogReportLineageV2>): Res<typeof CatalogReportLineageV2> {
    return this.service.lineageColumns(request);
  }

  @OnRequest(CatalogReportExternalTrendsV1)
  externalTrends(request: Req<typeof CatalogReportExternalTrendsV1>): Res<typeof CatalogReportExternalTrendsV1> {
    return this.service.externalTrends(request);
  }
}
