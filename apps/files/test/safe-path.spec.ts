import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { articleKey, http, put, startHarness, type Harness } from './files-test.helpers.js';

describe('symlinks inside the root', () => {
  let h: Harness;
  let outside: string;
  before(async () => {
    h = await startHarness();
    outside = await mkdtemp(join(tmpdir(), 'files-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'not yours');
  });
  after(async () => {
    await h.close();
    await rm(outside, { recursive: true, force: true });
  });

  it('refuses a key whose folder is a symlink pointing outside the root (read and write)', async () => {
    const key = articleKey(200);
    const folder = join(h.root, dirname(key));
    await mkdir(dirname(folder), { recursive: true });
    await symlink(outside, folder);
    await writeFile(join(outside, 'image-001.jpg'), 'outside bytes');
    const read = await http(h.url, 'GET', `/v1/files/${key}`);
    assert.equal(read.status, 400);
    assert.equal(JSON.parse(read.body.toString()).error.code, 'unsafe-path');
    const write = await put(h.url, articleKey(200, 2), 'planted');
    assert.equal(write.status, 400);
    assert.deepEqual((await readdir(outside)).sort(), ['image-001.jpg', 'secret.txt']);
  });

  it('refuses a key whose higher folder (the day) is a symlink', async () => {
    const key = articleKey(201);
    // articles/2026/11/26 -> outside
    const day = join(h.root, key.split('/').slice(0, 4).join('/'));
    await rm(day, { recursive: true, force: true });
    await mkdir(dirname(day), { recursive: true });
    await symlink(outside, day);
    const write = await put(h.url, key, 'x');
    assert.equal(write.status, 400);
    assert.match(JSON.parse(write.body.toString()).error.message, /symbolic link/);
    await rm(day);
  });

  it('refuses a key that is itself a symlink to a file outside', async () => {
    const key = articleKey(202);
    await mkdir(join(h.root, dirname(key)), { recursive: true });
    await symlink(join(outside, 'secret.txt'), join(h.root, key));
    for (const method of ['GET', 'HEAD']) {
      const res = await http(h.url, method, `/v1/files/${key}`);
      assert.equal(res.status, 400, method);
      assert.ok(!res.body.toString().includes('not yours'));
    }
    const write = await put(h.url, key, 'overwrite');
    assert.equal(write.status, 400);
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'not yours');
  });

  it('still serves ordinary keys next to them', async () => {
    const key = articleKey(203);
    assert.equal((await put(h.url, key, 'fine')).status, 201);
    assert.equal((await stat(join(h.root, key))).size, 4);
  });
});
