import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArticleStoredV1, ArticleEmbeddedV1, TrendDetectedV1, VideoGeneratedV1 } from '#contracts';
import { FilesClient } from '#files-client';
import * as messaging from '#messaging';
import { OnEvent, PoisonMessageError } from '#messaging';
import { startMonitoredNatsServer, TestBus, waitFor } from '#testing';
import { Controller, Module } from '@nestjs/common';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FilesModule } from '../../files/src/files.module.js';
import { LoggerModule } from '../../logger/src/logger.module.js';
import { loadConsoleConfig } from '../src/console.config.js';
import { ConsoleModule } from '../src/console.module.js';
import { ConsoleWeb } from '../src/console.web.js';
import { FUNNEL } from '../src/pipeline.service.js';
import { CHROMIUM, makeVideo, outputDir } from './console.fixture.js';

const TOKEN = 'console-test-token-0123456789';
const hasDeadLetters = typeof (messaging as Record<string, unknown>).DeadLetters === 'function';

/** A test stage that dead-letters the first trend it sees and accepts it when replayed. */
const seen: string[] = [];
@Controller()
class FlakyTrendHandler {
  @OnEvent(TrendDetectedV1)
  async handle(payload: TrendDetectedV1, ctx: messaging.EventContext): Promise<void> {
    seen.push(ctx.envelope.id);
    if (seen.length === 1) throw new PoisonMessageError(`trend ${payload.trendId} rejected once by the test stage`);
  }
}
@Module({ controllers: [FlakyTrendHandler] })
class FlakyModule {}

describe('console in a real browser', () => {
  let nats: Awaited<ReturnType<typeof startMonitoredNatsServer>>;
  let bus: TestBus;
  let base: string;
  let browser: Browser;
  let page: Page;
  let videoKey: string;
  const dir = mkdtempSync(join(tmpdir(), 'console-test-'));
  const shots = outputDir();

  before(async () => {
    nats = await startMonitoredNatsServer();
    bus = await TestBus.create({
      natsUrl: nats.url,
      delivery: { backoff: ['50ms'], ack_wait: '2s' },
      consumers: { flaky: [{ durable: 'flaky', stream: 'PIPELINE', filter: TrendDetectedV1.subject }] },
    });
    await bus.startApp(LoggerModule, 'logger', { LOG_DB_URL: `sqlite:${join(dir, 'logs.sqlite')}` });
    await bus.startApp(FilesModule, 'files', { FILES_ROOT: join(dir, 'files'), FILES_REGISTRY: 'off', DATA_DIR: dir });
    await bus.startApp(FlakyModule, 'flaky');
    const consoleApp = await bus.startApp(ConsoleModule, 'console', {
      CONSOLE_PORT: '0',
      CONSOLE_TOKEN: TOKEN,
      NATS_MONITOR_URL: nats.monitorUrl,
      DATA_DIR: dir,
    });
    base = consoleApp.app.get(ConsoleWeb).url!;

    // A generated video in the file store, announced like the video stage does.
    const files = new FilesClient({ request: (c, p, o) => bus.requests.request(c, p, o) });
    videoKey = await files.allocate({ scope: 'console-test', scopeId: 'v1', role: 'generated', ext: 'webm' });
    makeVideo(join(dir, 'video.webm'));
    await files.putFile(videoKey, join(dir, 'video.webm'));
    files.close();

    const chain = { correlationId: 'console-chain' };
    for (let i = 1; i <= 3; i++) {
      await bus.publisher.publish(ArticleStoredV1, { articleId: i, url: `https://example.com/a/${i}`, title: `Article ${i}`, category: 'life', lang: 'ko', textKey: `t/${i}.txt`, contentHash: `h${i}`, media: [] }, chain);
    }
    await bus.publisher.publish(ArticleEmbeddedV1, { articleId: 1, spaces: [], failedParts: [], standIn: true }, chain);
    await bus.publisher.publish(TrendDetectedV1, { trendId: 7, text: 'people in their 20s flock to X', category: 'life', windowStart: new Date(Date.now() - 3600e3).toISOString(), windowEnd: new Date().toISOString(), articleIds: [1, 2], score: 3.2, detector: 'test' }, chain);
    await bus.publisher.publish(VideoGeneratedV1, { videoId: 5, storyId: 4, model: 'standin-ffmpeg', standIn: true, fileKey: videoKey, durationS: 2, hasAudio: true }, chain);
    await waitFor('the logger to store the events', async () => {
      const res = await fetch(`${base}/api/pipeline?days=2`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const view = (await res.json()) as { funnel: { days: { counts: Record<string, number> }[] } | null };
      return (view.funnel?.days.at(-1)?.counts[ArticleStoredV1.subject] ?? 0) >= 3;
    });
    await waitFor('the dead letter', () => seen.length >= 1);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    await bus?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the logger count the finished days of the funnel at start, before anyone looks at them', async () => {
    // First of the tests: only the start-up warm-up has asked for 14 days yet (before() asked for 2).
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string, options: { readonly: boolean }) => {
      prepare(sql: string): { get(): { n: number } };
      close(): void;
    };
    await waitFor('13 finished days x the funnel subjects kept', async () => {
      const db = new Database(join(dir, 'logs.sqlite'), { readonly: true });
      try {
        return Number(db.prepare('SELECT COUNT(*) AS n FROM event_daily_count').get().n) >= 13 * FUNNEL.length;
      } finally {
        db.close();
      }
    });
  });

  it('refuses every page without credentials', async () => {
    for (const path of ['/pipeline', '/dead-letters', '/content', '/storage', `/media/${videoKey}`, '/api/pipeline']) {
      const res = await fetch(`${base}${path}`, { redirect: 'manual' });
      assert.equal(res.status, 401, path);
    }
    const wrong = await fetch(`${base}/pipeline`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } });
    assert.equal(wrong.status, 401);
    const response = await page.goto(`${base}/pipeline`);
    assert.equal(response?.status(), 401);
    await page.screenshot({ path: join(shots, '1-refused.png') });
  });

  it('refuses to start on a non-loopback address without a token', () => {
    assert.throws(() => loadConsoleConfig({ CONSOLE_HOST: '0.0.0.0' }), /CONSOLE_TOKEN/);
    assert.equal(loadConsoleConfig({ CONSOLE_HOST: '127.0.0.1' }).generatedToken, true);
  });

  it('logs in and shows the funnel and the stages', async () => {
    await page.goto(`${base}/login`);
    await page.fill('input[name=token]', TOKEN);
    await Promise.all([page.waitForURL(`${base}/pipeline`), page.click('button')]);
    const today = page.locator('#funnel tbody tr').first();
    const cells = await today.locator('td').allTextContents();
    assert.equal(cells[1], '3', `scraped today: ${cells.join(' | ')}`);
    assert.equal(cells[3], '1', 'one trend');
    await page.waitForFunction(() => (globalThis as { chartsReady?: boolean }).chartsReady === true);
    const consumers = await page.locator('#stages td:first-child').allTextContents();
    assert.ok(consumers.includes('logger') && consumers.includes('flaky'), consumers.join(', '));
    await page.screenshot({ path: join(shots, '2-pipeline.png'), fullPage: true });
  });

  it('opens a dead letter and replays it', { skip: !hasDeadLetters && 'the DLQ library is not in this build' }, async () => {
    await page.goto(`${base}/dead-letters`);
    await page.locator('#dead-letters a').first().click();
    assert.match(await page.locator('#error').textContent() ?? '', /rejected once by the test stage/);
    assert.match(await page.locator('#original').textContent() ?? '', /people in their 20s/);
    await page.screenshot({ path: join(shots, '3-dead-letter.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/dead-letters\?notice=/), page.click('#replay')]);
    assert.match(await page.content(), /Replayed 1 of 1/);
    await waitFor('the replayed trend to be handled', () => seen.length >= 2);
    assert.notEqual(seen[1], seen[0], 'a replay is a new message id');
    await page.screenshot({ path: join(shots, '4-replayed.png'), fullPage: true });
  });

  it('opens a dead letter read-only from the log DB when the DLQ library is absent', { skip: hasDeadLetters && 'the DLQ library is in this build' }, async () => {
    await waitFor('the logger to store the dead letter', async () => {
      await page.goto(`${base}/dead-letters?subject=pipeline.trend.>`);
      return (await page.locator('#dead-letters a').count()) > 0;
    });
    await page.locator('#dead-letters a').first().click();
    assert.match((await page.locator('#error').textContent()) ?? '', /rejected once by the test stage/);
    assert.match((await page.locator('#original').textContent()) ?? '', /people in their 20s/);
    assert.equal(await page.locator('#replay').count(), 0, 'no replay without the DLQ library');
    await page.screenshot({ path: join(shots, '3-dead-letter-read-only.png'), fullPage: true });
  });

  it('plays a generated video from the file server with byte ranges', async () => {
    const ranged = await fetch(`${base}/media/${videoKey}`, { headers: { authorization: `Bearer ${TOKEN}`, range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    assert.match(ranged.headers.get('content-range') ?? '', /^bytes 0-99\/\d+$/);
    assert.equal((await ranged.arrayBuffer()).byteLength, 100);

    await page.goto(`${base}/content`);
    const video = page.locator('video').first();
    // The page runs in the browser; the DOM types are not in this project's compile.
    await video.evaluate((v: { muted: boolean; play(): Promise<void> }) => {
      v.muted = true;
      return v.play();
    });
    await page.waitForFunction(
      () => (globalThis as unknown as { document: { querySelector(s: string): { currentTime: number } } }).document.querySelector('video').currentTime > 0.5,
      undefined,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(shots, '5-video.png'), fullPage: true });
  });

  it('shows storage and content sections with empty states', async () => {
    await page.goto(`${base}/storage`);
    const html = await page.content();
    assert.match(html, /Bytes used against the cap/);
    // The databases share the cap: each owner is listed with its size or why it is unknown.
    assert.match(html, /Databases counted against the cap/);
    assert.match(html, /<td>catalog<\/td>/);
    await page.screenshot({ path: join(shots, '6-storage.png'), fullPage: true });
  });
});

