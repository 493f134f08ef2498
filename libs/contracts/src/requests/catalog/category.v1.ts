import { z } from 'zod';
import { defineRequest, type ResponseOf } from '../../define.js';
import { Requests } from '../../subjects.js';

export const CategoryV1 = z.object({
  categoryId: z.number().int().positive(),
  slug: z.string(),
  nameKo: z.string(),
  nameEn: z.string(),
  sortOrder: z.number().int(),
});
export type CategoryV1 = z.infer<typeof CategoryV1>;

/** The category master table, in display order. */
export const CatalogCategoryListV1 = defineRequest(
  Requests.CatalogCategoryListV1,
  z.object({}),
  z.object({ categories: z.array(CategoryV1) }),
);
export type CatalogCategoryListResponseV1 = ResponseOf<typeof CatalogCategoryListV1>;
