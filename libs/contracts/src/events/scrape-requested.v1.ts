import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

/** A command to run the scraper now: one source by id, or every configured source. */
export const ScrapeRequestedV1 = defineContract(
  Events.ScrapeRequestedV1,
  z.object({
    sourceId: z.string().max(128).optional(),
    requestedBy: z.string().max(128),
    maxArticles: z.number().int().positive().max(10_000).optional(),
  }),
);
export type ScrapeRequestedV1 = Payload<typeof ScrapeRequestedV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.scrape.requested.v1': typeof ScrapeRequestedV1;
  }
}
