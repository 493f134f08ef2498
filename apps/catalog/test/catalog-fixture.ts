import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '#logging';
import { dropDatabase } from '#database';
import type { DataSource } from 'typeorm';
import { CatalogService } from '../src/catalog.service.js';
import { openCatalogDatabase } from '../src/database/catalog-database.js';
import { ProductionService } from '../src/production.service.js';
import { ArticleRepository } from '../src/repositories/article.repository.js';
import { CategoryRepository } from '../src/repositories/category.repository.js';
import { EditRepository } from '../src/repositories/edit.repository.js';
import { FileRegistryRepository } from '../src/repositories/file-registry.repository.js';
import { MediaRepository } from '../src/repositories/media.repository.js';
import { PublicationRepository } from '../src/repositories/publication.repository.js';
import { SourceRepository } from '../src/repositories/source.repository.js';
import { StoryRepository } from '../src/repositories/story.repository.js';
import { TrendRepository } from '../src/repositories/trend.repository.js';
import { VideoRepository } from '../src/repositories/video.repository.js';
import { RetentionService } from '../src/retention.service.js';

/** MariaDB server for the tests; each run makes (and drops) its own database on it. */
const MYSQL_SERVER = process.env.CATALOG_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export type Dialect = 'sqlite' | 'mariadb';
export const DIALECTS: Dialect[] = ['sqlite', 'mariadb'];

/** A fresh, empty catalog database of one dialect; `drop()` removes it. */
export class TestDatabase {
  private constructor(
    readonly dialect: Dialect,
    readonly url: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static create(dialect: Dialect): TestDatabase {
    const suffix = randomBytes(5).toString('hex');
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'catalog-test-'));
      return new TestDatabase(dialect, `sqlite:${join(dir, 'catalog.sqlite')}`, async () => rmSync(dir, { recursive: true, force: true }));
    }
    const name = `catalog_test_${suffix}`;
    return new TestDatabase(dialect, `${MYSQL_SERVER}/${name}`, () => dropDatabase(`${MYSQL_SERVER}/${name}`));
  }

  drop(): Promise<void> {
    return this.cleanup();
  }
}

/** One catalog replica: its own connection (pool) and services, as an app process would have. */
export class Replica {
  private constructor(
    readonly dataSource: DataSource,
    readonly catalog: CatalogService,
    readonly production: ProductionService,
    readonly retention: RetentionService,
  ) {}

  static async open(db: TestDatabase): Promise<Replica> {
    const dataSource = await openCatalogDatabase(db.url);
    const logger = createLogger({ app: 'catalog-test', level: process.env.TEST_LOG_LEVEL ?? 'error' });
    const articles = new ArticleRepository(dataSource);
    const files = new FileRegistryRepository(dataSource);
    const publications = new PublicationRepository(dataSource);
    const categories = new CategoryRepository(dataSource);
    const catalog = new CatalogService(categories, new SourceRepository(dataSource), articles, new MediaRepository(dataSource), logger);
    const production = new ProductionService(
      catalog,
      articles,
      new TrendRepository(dataSource),
      new StoryRepository(dataSource),
      new VideoRepository(dataSource),
      new EditRepository(dataSource),
      publications,
      files,
      categories,
      logger,
    );
    const retention = new RetentionService(files, publications, logger);
    return new Replica(dataSource, catalog, production, retention);
  }

  async count(table: string, where = '1 = 1'): Promise<number> {
    const rows = (await this.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)) as { n: number | string }[];
    return Number(rows[0]!.n);
  }

  close(): Promise<void> {
    return this.dataSource.destroy();
  }
}

let sequence = 0;
/** A unique, valid sha256-looking hex string. */
export function hex64(seed: string | number = sequence++): string {
  return Buffer.from(String(seed).padStart(32, '0').slice(-32)).toString('hex');
}

export function articleRequest(n: number, overrides: Record<string, unknown> = {}) {
  return {
    url: `https://news.example.kr/article/${n}`,
    category: 'economy',
    title: `기사 ${n}`,
    summary: `요약 ${n}`,
    keyFacts: [`fact ${n}`],
    lang: 'ko',
    publishedAt: new Date(Date.UTC(2026, 0, 1, 9, 0, 0) + n * 60_000).toISOString(),
    scrapedAt: new Date(Date.UTC(2026, 0, 1, 10, 0, 0) + n * 60_000).toISOString(),
    textKey: `articles/${n}/text.txt`,
    contentHash: `content-${n}-${'x'.repeat(16)}`,
    media: [],
    ...overrides,
  };
}
