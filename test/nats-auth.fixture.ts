import { resolve } from 'node:path';
import { startNatsServer, type TestNatsServer } from '#testing';

/** The NATS_*_PASSWORD variables `config/nats/permissions.conf` reads, for a test server. */
export const TEST_PASSWORDS: Record<string, string> = {
  NATS_ADMIN_PASSWORD: 'admin-secret',
  NATS_LOGGER_PASSWORD: 'logger-secret',
  NATS_SCRAPER_PASSWORD: 'scraper-secret',
  NATS_EMBEDDER_PASSWORD: 'embedder-secret',
  NATS_CATALOG_PASSWORD: 'catalog-secret',
  NATS_FILES_PASSWORD: 'files-secret',
  NATS_VECTOR_PASSWORD: 'vector-secret',
  NATS_CONSOLE_PASSWORD: 'console-secret',
  NATS_TREND_PASSWORD: 'trend-secret',
  NATS_AVGEN_PASSWORD: 'avgen-secret',
  NATS_STORY_PASSWORD: 'story-secret',
  NATS_TRENDWATCH_PASSWORD: 'trendwatch-secret',
  NATS_EDITOR_PASSWORD: 'editor-secret',
};

export function passwordOf(user: string): string {
  return TEST_PASSWORDS[`NATS_${user.toUpperCase()}_PASSWORD`]!;
}

/** A nats-server of the test's own with the production permissions (`config/nats/test-auth.conf`). */
export function startAuthNatsServer(): Promise<TestNatsServer> {
  const root = resolve(import.meta.dirname, '../..');
  return startNatsServer(resolve(root, 'config/nats/test-auth.conf'), TEST_PASSWORDS, { user: 'admin', pass: passwordOf('admin') });
}
