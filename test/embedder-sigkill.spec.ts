import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Events, type ArticleEmbeddedV1, type Envelope } from '#contracts';
import { waitFor } from '#testing';
import sharp from 'sharp';
import { milvusCount, StageHarness, type StoredArticle } from '../apps/embedder/test/stage.fixture.js';

const root = resolve(import.meta.dirname, '../..');
const embedderMain = join(root, 'dist/apps/embedder/src/main.js');
const ARTICLES = 500;
const WITH_IMAGE = 5;

function startEmbedder(harness: StageHarness): ChildProcess {
  const child = spawn(process.execPath, [embedderMain], {
    cwd: root,
    env: { ...process.env, ...harness.bus.env({ ...harness.embedderEnv(), LOG_LEVEL: 'error' }) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[embedder child] ${chunk}`));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
}

/** Messages of one subject in the stream, counted by the server (cheap enough to poll). */
async function streamCount(harness: StageHarness, subject: string): Promise<number> {
  const wire = harness.bus.ns.subject(subject);
  const info = await harness.bus.jsm.streams.info(harness.bus.ns.stream('PIPELINE'), { subjects_filter: wire });
  return info.state.subjects?.[wire] ?? 0;
}

/** Runs `work` over `items`, `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += limit) {
    results.push(...(await Promise.all(items.slice(start, start + limit).map((item, i) => work(item, start + i)))));
  }
  return results;
}

describe('embedder killed with SIGKILL in the middle of 500 articles (vector on Milvus)', () => {
  let harness: StageHarness;
  let child: ChildProcess | undefined;
  let stored: StoredArticle[];

  before(async () => {
    // Ack wait 3 s (the deployment has 2 min), so the messages in flight at the kill come back soon.
    harness = await StageHarness.start({
      store: 'milvus',
      embedder: false,
      bus: {
        delivery: { ack_wait: '3s', backoff: ['500ms'] },
        consumers: { embedder: [{ durable: 'embedder', stream: 'PIPELINE', filter: Events.ArticleStoredV1, concurrency: 8 }] },
      },
    });
    const image = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7bd5' } }).jpeg().toBuffer();
    stored = await inBatches(Array.from({ length: ARTICLES }, (_, i) => i), 16, (i) =>
      harness.storeArticle({
        title: `속보 ${i}: 지역 소식 모음`,
        text: `기사 ${i}번. ${i % 7}구에서 열린 주민 설명회에서 ${i * 13}명의 주민이 새 도서관 계획에 의견을 냈다.`,
        images: i < WITH_IMAGE ? [image] : [],
      }),
    );
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await harness?.close();
  });

  it('embeds every article exactly once: one vector per part in Milvus, one article.embedded per article', async () => {
    for (const article of stored) await harness.publishStored(article.event);

    child = startEmbedder(harness);
    await waitFor('the embedder to get through some articles', async () => (await streamCount(harness, Events.ArticleEmbeddedV1)) >= 60, 60_000, 5);
    child.kill('SIGKILL');
    await exited(child);
    const atKill = await streamCount(harness, Events.ArticleEmbeddedV1);
    assert.ok(atKill < ARTICLES, `killed in the middle (${atKill} of ${ARTICLES} done)`);

    child = startEmbedder(harness);
    const restartedAt = Date.now();
    await waitFor('all articles embedded', async () => (await streamCount(harness, Events.ArticleEmbeddedV1)) >= ARTICLES, 90_000, 100);
    // Redeliveries of what was in flight at the kill must arrive and be handled before counting.
    const afterRestartMs = Date.now() - restartedAt;
    const drained = await waitFor(
      'the embedder consumer to drain',
      async () => {
        const info = await harness.bus.jsm.consumers.info(harness.bus.ns.stream('PIPELINE'), 'embedder');
        return info.num_ack_pending === 0 && info.num_pending === 0 ? info : null;
      },
      30_000,
      100,
    );
    // The killed process held messages it had pulled but not acked; they were delivered again.
    const deliveries = drained.delivered.consumer_seq;
    assert.ok(deliveries > ARTICLES, `some messages were redelivered after the kill (${deliveries} deliveries)`);
    child.kill('SIGTERM');
    await exited(child);

    const events = (await harness.embeddedEvents()) as Envelope<ArticleEmbeddedV1>[];
    const ids = new Set(events.map((event) => event.payload.articleId));
    assert.equal(ids.size, ARTICLES, 'every article embedded');
    assert.deepEqual([...ids].sort((x, y) => x - y), stored.map((article) => article.articleId).sort((x, y) => x - y));
    assert.equal(events.length, ARTICLES, 'a redelivered article publishes nothing new (same message id, de-duplicated)');
    assert.ok(events.every((event) => event.payload.failedParts.length === 0));

    // Parts: one text per article plus its representative in the text space, one image each for five.
    const { text, image } = harness.spaces;
    assert.equal(await milvusCount(text), 2 * ARTICLES, 'text space: text + representative per article, no duplicates, none missing');
    assert.equal(await milvusCount(image), WITH_IMAGE, 'image space: one vector per image');
    process.stderr.write(
      `sigkill test: ${atKill} of ${ARTICLES} articles embedded at the kill, ${deliveries} deliveries in all, ` +
        `the other ${ARTICLES - atKill} in ${afterRestartMs} ms after the restart (process start included)\n`,
    );
  });
});
