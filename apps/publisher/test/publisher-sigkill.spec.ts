import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Events, type VideoPublishedV1 } from '#contracts';
import { waitFor } from '#testing';
import { makeMp4, PublisherHarness } from './publisher.fixture.js';

const root = resolve(import.meta.dirname, '../../../..');
const publisherMain = join(root, 'dist/apps/publisher/src/main.js');

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
}

describe('publisher killed with SIGKILL in the middle of an upload', () => {
  let harness: PublisherHarness;
  const children: ChildProcess[] = [];

  function startChild(): ChildProcess {
    const child = spawn(process.execPath, [publisherMain], {
      cwd: root,
      env: { ...process.env, ...harness.bus.env({ ...harness.publisherEnv(), LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? 'error' }) },
      stdio: ['ignore', process.env.CHILD_LOG_LEVEL ? 'inherit' : 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[publisher child] ${chunk}`));
    children.push(child);
    return child;
  }

  before(async () => {
    // Chunks of 1 MiB answered after 150 ms each: the upload takes a few seconds, time to kill it.
    harness = await PublisherHarness.start({ channels: [{ name: 'main' }], fake: { chunkDelayMs: 150, processingMs: 0 } });
  });
  after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
    await harness?.close();
  });

  it('resumes the same session after the restart and leaves exactly one video on the fake', async () => {
    const mp4 = makeMp4(harness.dir, 8, '1280x720');
    const bytes = statSync(mp4).size;
    assert.ok(bytes > 3 * 1024 * 1024, `the clip needs several 1 MiB chunks (${bytes} bytes)`);
    const { event } = await harness.seedEdit({ mp4 });
    const first = startChild();
    await harness.publishEdited(event);
    const session = await waitFor('an upload in the middle', () => harness.fake.sessionList().find((s) => s.received > 0 && s.received < s.total), 30_000, 20);
    first.kill('SIGKILL');
    await exited(first);
    const [row] = await harness.query<{ session_uri: string; sessions: number; status: string }>('SELECT session_uri, sessions, status FROM upload WHERE edit_id = ?', [event.editId]);
    assert.ok(row!.session_uri.endsWith(session.id), 'the session URI was in the catalog before its first byte');
    assert.equal(row!.status, 'uploading');

    startChild();
    const published = await waitFor('video.published after the restart', async () => {
      const events = await harness.readEvents(Events.VideoPublishedV1);
      return events.find((e) => (e.payload as VideoPublishedV1).editId === event.editId);
    }, 60_000, 200);
    const payload = published.payload as VideoPublishedV1;
    const videos = [...harness.fake.videos.values()];
    assert.equal(videos.length, 1, 'exactly one video on the fake');
    assert.equal(videos[0]!.id, payload.externalId);
    assert.equal(videos[0]!.sha256, createHash('sha256').update(readFileSync(mp4)).digest('hex'));
    assert.equal(harness.fake.sessionList().length, 1, 'the restart resumed the session, it opened none');
    const [after] = await harness.query<{ sessions: number; status: string }>('SELECT sessions, status FROM upload WHERE edit_id = ?', [event.editId]);
    assert.deepEqual({ ...after }, { sessions: 1, status: 'published' });
    const chunkBytes = harness.fake.bytesReceived;
    assert.ok(chunkBytes <= bytes + 2 * 1024 * 1024, `at most about one chunk re-sent (${chunkBytes} bytes sent for ${bytes})`);
  });
});
