import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CatalogMediaUpdateV1, DeadLetterV1, Events, VectorGetV1, VectorSimilarV1, type ArticleEmbeddedV1, type Envelope } from '#contracts';
import { waitFor } from '#testing';
import sharp from 'sharp';
import { milvusCount, StageHarness, type StoredArticle, type VectorStore } from './stage.fixture.js';
import { renderScene } from './synthetic-images.fixture.js';

const run = promisify(execFile);

const LEAD =
  '서울시는 올여름 폭염에 대비해 무더위 쉼터 1,200곳을 운영하고 노인과 야외 노동자를 위한 방문 건강 점검을 확대한다고 밝혔다. ' +
  '시는 낮 최고기온이 35도를 넘는 날에는 공사장 작업을 오후 2시부터 5시까지 멈추도록 권고하고, 버스 정류장 그늘막도 늘린다. ';
const ARTICLE_A = `${LEAD.repeat(3)}전문가들은 열대야가 길어질수록 온열 질환자가 늘어난다며 물을 자주 마시라고 당부했다.`;
// A near copy: the same report with its last sentence reworded, as another outlet would run it.
const ARTICLE_B = `${LEAD.repeat(3)}전문가들은 밤에도 더위가 이어지면 온열 질환이 늘 수 있다며 수분 섭취를 당부했다.`;
const ARTICLE_C =
  '한국은행은 기준금리를 연 3.5%로 동결했다. 물가 상승률이 둔화하고 있지만 가계부채와 환율 불안이 여전하다는 판단이다. '.repeat(4);

async function video(dir: string): Promise<Buffer> {
  const file = join(dir, 'clip.mp4');
  await writeFile(join(dir, 'frame.png'), await renderScene(2));
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-t', '1', '-i', join(dir, 'frame.png'),
    '-vf', 'fps=5,format=yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', file,
  ]);
  return readFile(file);
}

function byArticle(events: Envelope<ArticleEmbeddedV1>[], articleId: number): Envelope<ArticleEmbeddedV1>[] {
  return events.filter((event) => event.payload.articleId === articleId);
}

for (const store of ['usearch', 'milvus'] as VectorStore[]) {
  describe(`embedder stage with catalog, files and vector (${store}) on one bus`, () => {
    let harness: StageHarness;
    let dir: string;
    let a: StoredArticle;
    let b: StoredArticle;
    let c: StoredArticle;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'embedder-stage-media-'));
      harness = await StageHarness.start({ store, embedder: true, bus: { delivery: { backoff: ['200ms'] } } });
      const scenes = await Promise.all([0, 3].map((i) => renderScene(i)));
      const jpegs = await Promise.all(scenes.map((png) => sharp(png).jpeg({ quality: 80 }).toBuffer()));
      const corrupt = Buffer.concat([jpegs[0]!.subarray(0, 600), Buffer.from('garbage where the scan data was')]);
      const goodVideo = await video(dir);
      const noFrames = Buffer.from('an mp4 by name only; ffmpeg finds no stream in it '.repeat(50));
      a = await harness.storeArticle({
        title: '서울시, 폭염 대비 무더위 쉼터 1,200곳 운영',
        text: ARTICLE_A,
        images: [jpegs[0]!, corrupt, jpegs[1]!],
        videos: [
          { bytes: goodVideo, caption: '무더위 쉼터 현장' },
          { bytes: noFrames, caption: '폭염 속 공사장 작업 중단' },
        ],
      });
      b = await harness.storeArticle({ title: '서울시, 폭염 대비 무더위 쉼터 1,200곳 운영', text: ARTICLE_B, textKeyInCatalog: false });
      c = await harness.storeArticle({ title: '한국은행 기준금리 동결', text: ARTICLE_C, category: 'economy' });
    });

    after(async () => {
      await harness?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('embeds every part, reports the corrupt JPEG and the frameless video, and publishes article.embedded', async () => {
      for (const stored of [a, b, c]) await harness.publishStored(stored.event);
      const events = await waitFor('three article.embedded events', async () => {
        const found = await harness.embeddedEvents();
        return found.length >= 3 ? found : null;
      }, 60_000, 100);
      assert.equal(events.length, 3);

      const [imageOk1, corrupt, imageOk2, videoOk, videoBad] = a.mediaIds as [number, number, number, number, number];
      const eventA = byArticle(events, a.articleId)[0]!;
      assert.equal(eventA.subject, Events.ArticleEmbeddedV1);
      assert.equal(eventA.correlationId, `test-${a.articleId}`, 'the chain keeps its correlation id');
      assert.equal(eventA.payload.standIn, true);
      const failed = Object.fromEntries(eventA.payload.failedParts.map((part) => [part.part, part.error]));
      assert.deepEqual(Object.keys(failed).sort(), [`media:${corrupt}`, `media:${videoBad}`].sort());
      assert.match(failed[`media:${corrupt}`]!, /UNDECODABLE/);
      assert.match(failed[`media:${videoBad}`]!, /NO_DECODABLE_FRAME/);

      const { text, image } = harness.spaces;
      // text space: text, representative, two captions (the frameless video keeps its caption)
      assert.deepEqual(
        eventA.payload.spaces.map((s) => [s.space, s.vectors, s.dim]).sort(),
        [[text.name, 4, 512], [image.name, 3, 207]].sort(),
      );
      assert.deepEqual(eventA.payload.representative, { space: text.name, dim: 512, id: `article:${a.articleId}` });

      const textRows = await harness.bus.requests.request(VectorGetV1, {
        space: text,
        ids: [`text:${a.articleId}`, `article:${a.articleId}`, `media:${videoOk}:caption`, `media:${videoBad}:caption`],
      });
      assert.deepEqual(textRows.rows.map((row) => row.kind), ['text', 'article', 'video', 'video']);
      const [textRow, articleRow] = textRows.rows;
      assert.ok(textRow!.vector.every((value, i) => Math.abs(value - articleRow!.vector[i]!) < 1e-6), 'the stand-in representative is the text vector');
      assert.ok(textRows.rows.every((row) => row.articleId === a.articleId && row.category === 'life' && row.source === 'news.example'));

      const imageRows = await harness.bus.requests.request(VectorGetV1, {
        space: image,
        ids: [`media:${imageOk1}`, `media:${corrupt}`, `media:${imageOk2}`, `media:${videoOk}`, `media:${videoBad}`],
      });
      assert.deepEqual(imageRows.rows.map((row) => [row.id, row.kind]), [
        [`media:${imageOk1}`, 'image'],
        [`media:${imageOk2}`, 'image'],
        [`media:${videoOk}`, 'video'],
      ]);

      assert.equal(await harness.count(text), 4 + 2 + 2);
      assert.equal(await harness.count(image), 3);
      if (store === 'milvus') assert.deepEqual([await milvusCount(text), await milvusCount(image)], [8, 3], 'the rows are in Milvus');
      const records = harness.catalogEmbeddings(a.articleId);
      assert.deepEqual(
        records.map((r) => [r.space, r.model, r.dim, r.vectors, r.failed_parts, r.stand_in]),
        [
          [image.name, 'standin-image-features-v1', 207, 3, 2, 1],
          [text.name, 'standin-hash-ngram-v1', 512, 4, 0, 1],
        ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
        'the catalog records per space what was written and what failed',
      );
      const eventC = byArticle(events, c.articleId)[0]!;
      assert.deepEqual(eventC.payload.failedParts, []);
      assert.deepEqual(eventC.payload.spaces, [{ space: text.name, dim: 512, vectors: 2 }]);
    });

    it('finds the near copy as the most similar article', async () => {
      const similar = await harness.bus.requests.request(VectorSimilarV1, { space: harness.spaces.text, articleId: a.articleId, k: 2 });
      assert.deepEqual(similar.hits.map((hit) => hit.articleId), [b.articleId, c.articleId]);
      assert.ok(similar.hits[0]!.score > 0.9, `near copy scores ${similar.hits[0]!.score}`);
      assert.ok(similar.hits[1]!.score < 0.5, `unrelated article scores ${similar.hits[1]!.score}`);
    });

    it('overwrites instead of duplicating when the same article comes again under another message id', async () => {
      const { text, image } = harness.spaces;
      const before = [await harness.count(text), await harness.count(image)];
      const recordedBefore = harness.catalogEmbeddings(a.articleId);
      await harness.publishStored(a.event, `again:${a.articleId}`);
      const events = await waitFor('a second article.embedded for article A', async () => {
        const found = byArticle(await harness.embeddedEvents(), a.articleId);
        return found.length >= 2 ? found : null;
      }, 60_000, 100);
      assert.equal(events.length, 2);
      assert.deepEqual(events[1]!.payload.failedParts, events[0]!.payload.failedParts);
      assert.deepEqual([await harness.count(text), await harness.count(image)], before);
      const recordedAfter = harness.catalogEmbeddings(a.articleId);
      assert.equal(recordedAfter.length, 2, 'still one catalog row per space');
      assert.deepEqual(recordedAfter.map((r) => r.embedded_at), recordedBefore.map((r) => r.embedded_at), 'the first embedding time is kept');
      assert.ok(recordedAfter.every((r, i) => r.updated_at > recordedBefore[i]!.updated_at), 'the repeat is recorded as the latest');
    });

    it('dead-letters an article the catalog does not know, at once', async () => {
      const missing = { ...c.event, articleId: 987_654 };
      const sent = await harness.publishStored(missing);
      const letters = await waitFor('a dead letter', async () => {
        const found = await harness.bus.read(`dlq.${Events.ArticleStoredV1}`);
        return found.length > 0 ? found : null;
      }, 30_000, 100);
      const letter = letters[0]!.payload as DeadLetterV1;
      assert.equal(letter.eventId, sent.id);
      assert.equal(letter.reason, 'poison');
      assert.equal(letter.attempts, 1);
      assert.match(letter.error, /article 987654 is not in the catalog/);
      assert.equal(letter.handler, 'EmbedderHandler.onArticleStored');
    });

    it('does not fetch media the scraper marked failed, and lists them with the scrape reason', async () => {
      const scenes = await Promise.all([4, 5].map((i) => renderScene(i)));
      const jpegs = await Promise.all(scenes.map((png) => sharp(png).jpeg({ quality: 80 }).toBuffer()));
      const d = await harness.storeArticle({ title: '기상청, 주말 전국 장맛비 예보', text: ARTICLE_C.replace(/한국은행/g, '기상청'), images: jpegs });
      const [kept, failed] = d.mediaIds as [number, number];
      // The event still carries the file key: a stale key must not override the catalog's "failed".
      const reason = 'too-many-pixels: the image is larger than the 50 MP limit (20000x20000 = 400 MP)';
      await harness.bus.requests.request(CatalogMediaUpdateV1, { mediaId: failed, fileKey: null, status: 'failed', error: reason });
      await harness.publishStored(d.event);
      const [event] = await waitFor('article.embedded for article D', async () => {
        const found = byArticle(await harness.embeddedEvents(), d.articleId);
        return found.length >= 1 ? found : null;
      }, 60_000, 100);
      assert.deepEqual(event!.payload.failedParts, [{ part: `media:${failed}`, error: `not stored at scrape time: ${reason}` }]);
      const imageRows = await harness.bus.requests.request(VectorGetV1, { space: harness.spaces.image, ids: [`media:${kept}`, `media:${failed}`] });
      assert.deepEqual(imageRows.rows.map((row) => row.id), [`media:${kept}`]);
      const imageRecord = harness.catalogEmbeddings(d.articleId).find((r) => r.space === harness.spaces.image.name)!;
      assert.deepEqual([imageRecord.vectors, imageRecord.failed_parts], [1, 1], 'counted as a failed part of the image space');
    });
  });
}
