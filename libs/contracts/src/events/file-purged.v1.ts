import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';
import { Events } from '../subjects.js';

export const FilePurgedV1 = defineContract(
  Events.FilePurgedV1,
  z.object({
    key: z.string().max(512),
    bytes: z.number().int().nonnegative(),
    reason: z.enum(['published', 'age', 'manual']),
    purgedAt: z.iso.datetime({ offset: true }),
  }),
);
export type FilePurgedV1 = Payload<typeof FilePurgedV1>;

declare module '../define.js' {
  interface EventRegistry {
    'pipeline.file.purged.v1': typeof FilePurgedV1;
  }
}
