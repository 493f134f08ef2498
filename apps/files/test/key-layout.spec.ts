import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateKey, fileClassOf, parseKey, shardOf } from '../src/storage/key-layout.js';
import { InvalidKeyError } from '../src/storage/storage.errors.js';

const at = '2026-11-26T23:59:59Z';
const good = allocateKey({ articleId: 42, role: 'image', ext: 'jpg', index: 1, ownerCreatedAt: at });

describe('key allocation', () => {
  it('puts every part of an article in one date-first, sharded folder, named by role and order', () => {
    const shard = shardOf('article', null, '42');
    const folder = `articles/2026/11/26/${shard}/42`;
    const cases: Array<[Parameters<typeof allocateKey>[0], string]> = [
      [{ articleId: 42, role: 'text', ext: 'txt' }, `${folder}/text.txt`],
      [{ articleId: 42, role: 'image', ext: 'jpg', index: 1 }, `${folder}/image-001.jpg`],
      [{ articleId: 42, role: 'thumb', ext: 'webp', index: 1 }, `${folder}/image-001.thumb.webp`],
      [{ articleId: 42, role: 'video', ext: 'mp4', index: 2 }, `${folder}/video-002.mp4`],
      [{ articleId: 42, role: 'keyframe', ext: 'jpg', index: 2, frame: 150 }, `${folder}/video-002.keyframe-000150.jpg`],
    ];
    for (const [request, key] of cases) assert.equal(allocateKey({ ...request, ownerCreatedAt: at }), key);
  });

  it('puts a story, its generated and edited videos under generated/', () => {
    const shard = shardOf('story', null, '7');
    assert.equal(allocateKey({ storyId: 7, role: 'story', ext: 'txt', ownerCreatedAt: at }), `generated/2026/11/26/${shard}/7/story.txt`);
    assert.equal(allocateKey({ storyId: 7, role: 'generated', ext: 'mp4', ownerCreatedAt: at }), `generated/2026/11/26/${shard}/7/video.mp4`);
    assert.equal(allocateKey({ storyId: 7, role: 'edited', ext: 'mp4', index: 1, ownerCreatedAt: at }), `generated/2026/11/26/${shard}/7/edited-001.mp4`);
  });

  it('gives the same key for the same request (retries) and uses UTC dates', () => {
    assert.equal(allocateKey({ articleId: 42, role: 'image', ext: 'jpg', index: 1, ownerCreatedAt: '2026-11-27T08:59:59+09:00' }), good);
  });

  it('refuses roles that do not belong to the owner and missing indexes', () => {
    assert.throws(() => allocateKey({ articleId: 1, role: 'generated', ext: 'mp4' }), InvalidKeyError);
    assert.throws(() => allocateKey({ storyId: 1, role: 'image', ext: 'jpg', index: 1 }), InvalidKeyError);
    assert.throws(() => allocateKey({ articleId: 1, role: 'image', ext: 'jpg' }), /needs an index/);
    assert.throws(() => allocateKey({ articleId: 1, role: 'keyframe', ext: 'jpg', index: 1 }), /frame/);
  });

  it('classifies files for retention by their key', () => {
    assert.equal(fileClassOf(parseKey(good)), 'scraped');
    assert.equal(fileClassOf(parseKey(allocateKey({ storyId: 7, role: 'generated', ext: 'mp4' }))), 'generated-unpublished');
    assert.equal(fileClassOf(parseKey(allocateKey({ storyId: 7, role: 'edited', ext: 'mp4', index: 2 }))), 'generated-unpublished');
    assert.equal(fileClassOf(parseKey(allocateKey({ storyId: 7, role: 'story', ext: 'txt' }))), 'other');
  });
});

describe('key validation', () => {
  const folder = good.slice(0, good.lastIndexOf('/'));
  const refused: Array<[string, unknown, RegExp]> = [
    ['empty', '', /empty/],
    ['not a string', 42, /string/],
    ['parent segment', `${folder}/../../../../../../etc/passwd`, /"\.\."/],
    ['parent segment at the start', `../${good}`, /"\.\."/],
    ['absolute', `/${good}`, /absolute/],
    ['absolute /etc/passwd', '/etc/passwd', /absolute/],
    ['NUL byte', `${good}\0.txt`, /NUL/],
    ['control character', `${folder}/image\n-001.jpg`, /control/],
    ['backslash', `${folder}\\..\\x.jpg`, /backslash/],
    ['double slash', good.replace('/42/', '//42/'), /empty/],
    ['dot segment', good.replace('/42/', '/./42/'), /"\."/],
    ['hidden name (temp, ledger)', `${folder}/.sha256sums`, /hidden/],
    ['temp folder', '.tmp/abc.part', /hidden/],
    ['percent-encoded traversal', `${folder}/%2e%2e/x.jpg`, /layout/],
    ['drive path', 'C:/x.jpg', /drive/],
    ['too long', `${folder}/${'a'.repeat(600)}.jpg`, /longer/],
    ['no extension', `${folder}/image-001`, /layout/],
    ['unknown top folder', good.replace('articles/', 'etc/'), /layout/],
    ['upper-case name', `${folder}/Image-001.jpg`, /layout/],
    ['impossible month', good.replace('/11/', '/13/'), /layout/],
    ['wrong shard for the owner', good.replace(`/${shardOf('article', null, '42')}/`, shardOf('article', null, '42') === '00' ? '/01/' : '/00/'), /shard/],
    ['non-numeric article', good.replace('/42/', '/x42/'), /layout/],
  ];
  for (const [label, key, reason] of refused) {
    it(`refuses ${label}`, () => {
      assert.throws(() => parseKey(key), (error: unknown) => error instanceof InvalidKeyError && reason.test(error.message));
    });
  }

  it('accepts what allocation makes', () => {
    assert.equal(parseKey(good).key, good);
    const scoped = allocateKey({ scope: 'probe', scopeId: 'run-1', role: 'text', ext: 'json', ownerCreatedAt: at });
    assert.match(scoped, /^scopes\/probe\/2026\/11\/26\/[0-9a-f]{2}\/run-1\/text\.json$/);
    assert.equal(parseKey(scoped).owner, 'scope');
  });
});
