import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CatalogStoryFindV1, Events, StoryScriptV1, type StoryWrittenV1 } from '#contracts';
import { FilesClient } from '#files-client';
import { TestBus, waitFor } from '#testing';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { EmbedderModule } from '../../embedder/src/embedder.module.js';
import { FilesModule } from '../../files/src/files.module.js';
import { ScraperModule } from '../../scraper/src/scraper.module.js';
import { TrendModule } from '../../trend/src/trend.module.js';
import { VectorModule } from '../../vector/src/vector.module.js';
import { StoryModule } from '../src/story.module.js';

/**
 * What `npm start` does with its embedded defaults, in one process on an isolated bus: the scraper
 * scrapes its bundled sample site, the embedder and the trend stage find a trend, and the story stage
 * writes it with the template stand-in.
 */
describe('the sample site to a story file (embedded defaults)', () => {
  let bus: TestBus;
  let dir: string;
  let files: FilesClient;

  before(async () => {
    bus = await TestBus.create();
    dir = mkdtempSync(join(tmpdir(), 'story-sample-'));
    files = new FilesClient({ request: (contract, payload, opts) => bus.requests.request(contract, payload, opts) });
    await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: `sqlite:${join(dir, 'catalog.sqlite')}`, DATA_DIR: dir });
    await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), DATA_DIR: dir });
    await bus.startApp(VectorModule, 'vector', { VECTOR_BACKEND: 'usearch', DATA_DIR: dir });
    await bus.startApp(EmbedderModule, 'embedder', { EMBEDDER_BACKEND: 'standin', EMBEDDER_SPACE_PREFIX: `s${Date.now().toString(36)}_`, DATA_DIR: dir });
    await bus.startApp(TrendModule, 'trend', { DATA_DIR: dir });
    await bus.startApp(StoryModule, 'story', { DATA_DIR: dir });
    await bus.startApp(ScraperModule, 'scraper', { SCRAPER_SAMPLE_SITE_PORT: '0', SCRAPER_HOST_DELAY: '0ms', SCRAPER_RETRY_BASE: '50ms', SCRAPER_TMP_DIR: dir, DATA_DIR: dir });
  });

  after(async () => {
    files?.close();
    await bus?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes at least one story file whose JSON validates, with the stand-in named in the catalog row', async () => {
    const [event] = await waitFor('a story.written event', async () => {
      const events = await bus.read(Events.StoryWrittenV1);
      return events.length > 0 ? events : null;
    }, 150_000, 500);
    const written = event!.payload as StoryWrittenV1;
    assert.equal(written.model, 'standin-template');
    assert.equal(written.standIn, true);
    const script = StoryScriptV1.parse(JSON.parse((await files.get(written.textKey)).toString('utf8')));
    assert.ok(script.scenes.length >= 2);
    const { stories } = await bus.requests.request(CatalogStoryFindV1, { trendId: written.trendId });
    const row = stories.find((story) => story.storyId === written.storyId)!;
    assert.equal(row.model, 'standin-template');
    assert.equal(row.standIn, true);
    assert.equal(row.textKey, written.textKey);
    assert.ok(row.articleReason);
  });
});

