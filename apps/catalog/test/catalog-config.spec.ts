import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '#config';
import { canonicalUrl } from '../src/canonical-url.js';
import { loadCatalogConfig } from '../src/catalog.config.js';

describe('catalog config', () => {
  it('defaults to a SQLite file in the data directory', () => {
    const config = loadCatalogConfig({ DATA_DIR: '/srv/pipeline' });
    assert.equal(config.dbUrl, `sqlite:${join(resolve('/srv/pipeline'), 'catalog.sqlite')}`);
  });

  it('takes a MySQL URL and names the variable when it is wrong', () => {
    assert.equal(loadCatalogConfig({ CATALOG_DB_URL: 'mysql://u:p@db:3306/catalog' }).dbUrl, 'mysql://u:p@db:3306/catalog');
    assert.throws(
      () => loadCatalogConfig({ CATALOG_DB_URL: 'postgres://u:secret@db/catalog' }),
      (e: unknown) => e instanceof ConfigError && /CATALOG_DB_URL/.test(e.message) && !/secret/.test(e.message),
    );
  });
});

describe('canonical article URL', () => {
  it('drops fragments, credentials and tracking parameters and sorts the rest', () => {
    assert.equal(
      canonicalUrl('HTTPS://user:pw@News.Example.KR:443/a/b?z=1&utm_campaign=x&a=2&fbclid=y#frag'),
      'https://news.example.kr/a/b?a=2&z=1',
    );
    assert.equal(canonicalUrl('https://example.kr/?utm_source=x'), 'https://example.kr/');
  });

  it('is idempotent and keeps percent escapes as sent', () => {
    const once = canonicalUrl('https://한국.kr/기사?q=%C7%D1&b=%ED%95%9C');
    assert.equal(canonicalUrl(once), once);
    assert.match(once, /q=%C7%D1/);
    assert.match(once, /^https:\/\/xn--/);
  });

  it('refuses what is not an absolute http(s) URL', () => {
    assert.throws(() => canonicalUrl('ftp://example.kr/x'));
    assert.throws(() => canonicalUrl('/relative'));
  });
});
