import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The category master rows, following the sections of Korean news portals (Naver, Daum) plus the
 * lifestyle beats short-form video lives on. Slugs are stable API values; names are for people.
 * A new category is a new migration, never an edit of this list.
 */
export const SEEDED_CATEGORIES = [
  { slug: 'politics', nameKo: '정치', nameEn: 'Politics' },
  { slug: 'economy', nameKo: '경제', nameEn: 'Economy' },
  { slug: 'society', nameKo: '사회', nameEn: 'Society' },
  { slug: 'life', nameKo: '생활', nameEn: 'Life' },
  { slug: 'culture', nameKo: '문화', nameEn: 'Culture' },
  { slug: 'gossip', nameKo: '연예·가십', nameEn: 'Entertainment & gossip' },
  { slug: 'sports', nameKo: '스포츠', nameEn: 'Sports' },
  { slug: 'it-science', nameKo: 'IT·과학', nameEn: 'IT & science' },
  { slug: 'world', nameKo: '세계', nameEn: 'World' },
  { slug: 'health', nameKo: '건강', nameEn: 'Health' },
  { slug: 'travel-food', nameKo: '여행·맛집', nameEn: 'Travel & food' },
  { slug: 'other', nameKo: '기타', nameEn: 'Other' },
] as const;

export class SeedCategories1767225600001 implements MigrationInterface {
  name = 'SeedCategories1767225600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Plain SQL with `?` placeholders (both mysql2 and better-sqlite3 take them): a migration must not
    // depend on today's entity classes, which will change after it.
    for (const [i, category] of SEEDED_CATEGORIES.entries()) {
      await queryRunner.query('INSERT INTO category (slug, name_ko, name_en, sort_order) VALUES (?, ?, ?, ?)', [
        category.slug,
        category.nameKo,
        category.nameEn,
        (i + 1) * 10,
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const slugs = SEEDED_CATEGORIES.map((c) => c.slug);
    await queryRunner.query(`DELETE FROM category WHERE slug IN (${slugs.map(() => '?').join(', ')})`, slugs);
  }
}
