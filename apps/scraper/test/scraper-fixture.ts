import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DeadLetterV1, Events, ScrapeRequestedV1, type Envelope } from '#contracts';
import { TestBus, waitFor } from '#testing';
import type { RunningApp } from '#bootstrap';
import sharp from 'sharp';
import { stringify } from 'yaml';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { FilesModule } from '../../files/src/files.module.js';
import { FetchClient } from '../src/fetch/fetch.client.js';
import { RunJournal } from '../src/run.journal.js';
import type { SourceReport } from '../src/run.types.js';
import { SampleSiteServer } from '../src/sample-site.server.js';
import { ScraperModule } from '../src/scraper.module.js';
import type { SourceInput } from '../src/sources/sources.config.js';

/**
 * The scraper with its real neighbours on one isolated bus: catalog (SQLite in a temp dir), files
 * (temp root), the sample site on loopback as the fixture web site, and the scraper app itself.
 * Cross-app imports are test-only: the apps still talk over NATS as in production.
 */
export interface Pipeline {
  bus: TestBus;
  site: SampleSiteServer;
  scraper: RunningApp;
  filesRoot: string;
  journal: RunJournal;
  /** Every TCP connection the scraper made: `address` is what it really connected to. */
  connections: Array<{ host: string; address: string; port: number }>;
  /** Starts the files app when the pipeline was started without it. */
  startFiles(): Promise<void>;
  close(): Promise<void>;
}

export async function startPipeline(options: {
  sources: (origin: string) => SourceInput[];
  site?: (site: SampleSiteServer) => void;
  env?: Record<string, string>;
  /** Overrides of the scraper's consumer (short backoffs). */
  consumer?: Record<string, unknown>;
  /** false: start without the files app (an outage), `startFiles()` later. */
  files?: boolean;
}): Promise<Pipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'scraper-test-'));
  const site = new SampleSiteServer();
  options.site?.(site);
  const origin = await site.listen(0);
  const sourcesFile = join(dir, 'sources.yaml');
  writeFileSync(sourcesFile, stringify({ sources: options.sources(origin) }));
  const consumers = options.consumer
    ? { scraper: [{ durable: 'scraper', stream: 'PIPELINE', filter: 'pipeline.scrape.requested.v1', ack_wait: '5m', concurrency: 2, ...options.consumer }] }
    : undefined;
  const bus = await TestBus.create({ consumers });
  const filesRoot = join(dir, 'files');
  const startFiles = async (): Promise<void> => {
    const files = await bus.startApp(FilesModule, 'files', { FILES_ROOT: filesRoot, DATA_DIR: dir });
    await files.nc.flush();
  };
  try {
    await bus.startApp(CatalogModule, 'catalog', { CATALOG_DB_URL: `sqlite:${join(dir, 'catalog.sqlite')}`, DATA_DIR: dir });
    if (options.files !== false) await startFiles();
    const scraper = await bus.startApp(ScraperModule, 'scraper', {
      DATA_DIR: dir,
      SCRAPER_SOURCES: sourcesFile,
      SCRAPER_SCHEDULER: 'off',
      SCRAPER_HOST_DELAY: '0ms',
      SCRAPER_RETRY_BASE: '50ms',
      SCRAPER_TIMEOUT: '10s',
      SCRAPER_TMP_DIR: dir,
      ...options.env,
    });
    for (const app of bus.apps) await app.nc.flush();
    const connections: Pipeline['connections'] = [];
    scraper.app.get(FetchClient).observeConnections((event) => connections.push(event));
    return {
      bus,
      site,
      scraper,
      filesRoot,
      journal: scraper.app.get(RunJournal),
      connections,
      startFiles,
      async close() {
        await bus.close();
        await site.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await bus.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Publishes a scrape command and waits for the source report(s) it produces. */
export async function scrape(pipeline: Pipeline, sourceId: string, timeoutMs = 60_000): Promise<SourceReport> {
  const before = pipeline.journal.recent(sourceId).length;
  await pipeline.bus.publisher.publish(ScrapeRequestedV1, { sourceId, requestedBy: 'test' });
  return waitFor(`a report of ${sourceId}`, () => pipeline.journal.recent(sourceId)[before], timeoutMs);
}

/** ArticleStoredV1 messages in the stream. */
export async function storedEvents(bus: TestBus): Promise<Envelope[]> {
  const subject = bus.ns.subject(Events.ArticleStoredV1);
  const stream = bus.ns.stream('PIPELINE');
  const info = await bus.jsm.streams.info(stream, { subjects_filter: '>' });
  const events: Envelope[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (msg && msg.subject === subject) events.push(msg.json<Envelope>());
  }
  return events;
}

export async function deadLetters(bus: TestBus): Promise<Envelope<DeadLetterV1>[]> {
  const stream = bus.ns.stream('DLQ');
  const info = await bus.jsm.streams.info(stream, { subjects_filter: '>' });
  const letters: Envelope<DeadLetterV1>[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (msg) letters.push(msg.json<Envelope<DeadLetterV1>>());
  }
  return letters;
}

/**
 * A tiny PNG (made by sharp) whose header declares 20000x20000 pixels: 400 MP that a naive decoder
 * would try to allocate. The IHDR size is patched and its CRC recomputed, so the file is valid up
 * to the pixel data.
 */
export async function pngBomb(width = 20_000, height = 20_000): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000000' } }).png().toBuffer();
  const bomb = Buffer.from(png);
  // Signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4) + 5 bytes + CRC (4)
  bomb.writeUInt32BE(width, 16);
  bomb.writeUInt32BE(height, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)) >>> 0, 29);
  return bomb;
}

/** A JPEG with camera EXIF (maker, GPS) and orientation 6: stored pixels 200x100, shown 100x200. */
export async function jpegWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 200, height: 100, channels: 3, background: '#3366cc' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'LeakyCam', Model: 'GPS-9000' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export function html(title: string, body: string, head = '<meta charset="utf-8">'): string {
  return `<!doctype html><html lang="en"><head>${head}<title>${title}</title></head><body><main><article><h1>${title}</h1>${body}</article></main></body></html>`;
}

/** Article-sized English text, different per seed so content hashes differ. */
export function paragraphs(seed: string): string {
  return [
    `The ${seed} committee met on Tuesday to review the results of a two-year programme and agreed to publish its findings next month, officials said.`,
    `Members of the ${seed} group said the figures showed steady progress in most regions, although two districts reported delays caused by staff shortages and heavy rain.`,
    `A spokesperson for the ${seed} office said the final report would include recommendations for the next budget and a timetable for further consultations with residents.`,
  ]
    .map((p) => `<p>${p}</p>`)
    .join('');
}
