import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { cleanUrl, decodeHtml, detectLanguage, extractArticle } from '#extraction';
import { fixture } from './fixtures.js';

const PAGE_URL = 'https://news.example.com/2024/03/lighthouse-keepers-return?utm_campaign=spring';

describe('extractArticle on an English news page', () => {
  const article = extractArticle(fixture('english-article.html'), { url: PAGE_URL });
  const paragraphs = article.text.split('\n\n');

  it('reads the metadata', () => {
    assert.equal(article.title, 'Lighthouse keepers return to the northern coast');
    assert.equal(article.byline, 'Maren Holt');
    assert.equal(article.publishedAt, '2024-03-05T07:30:00.000Z');
    assert.equal(article.lang, 'en');
  });

  it('resolves the canonical URL and drops tracking parameters and the fragment', () => {
    assert.equal(article.url, 'https://news.example.com/2024/03/lighthouse-keepers-return?id=42');
  });

  it('keeps the body text, headings included, in reading order', () => {
    assert.match(paragraphs[0]!, /^After four decades of automation/);
    assert.ok(paragraphs.includes('A job that never quite disappeared'));
    assert.match(paragraphs.at(-1)!, /western shore\.$/);
    const order = ['After four decades', 'The keepers will', 'Applications opened', 'Volunteers have kept', '“It is not', 'The authority expects'];
    const positions = order.map((start) => paragraphs.findIndex((p) => p.startsWith(start)));
    assert.deepEqual([...positions].sort((a, b) => a - b), positions);
    assert.ok(positions.every((p) => p >= 0));
  });

  it('leaves out navigation, byline, caption, share bar, related links, comments and footer', () => {
    for (const junk of ['Home', 'By Maren Holt', 'North Point lighthouse, one of', 'Share on Twitter', 'Storm season', 'grew up next to', 'All rights reserved', 'Lighthouse keepers return']) {
      assert.ok(!article.text.includes(junk), `text should not contain "${junk}"`);
    }
  });

  it('lists the image, the embedded player and the video after the right paragraphs', () => {
    const kinds = article.media.map((m) => [m.kind, m.src]);
    assert.deepEqual(kinds, [
      ['image', 'https://news.example.com/images/north-point.jpg'],
      ['embed', 'https://www.youtube.com/embed/dQw4w9WgXcQ'],
      ['video', 'https://news.example.com/media/keeper-interview.mp4'],
    ]);
    const [image, embed, video] = article.media;
    assert.equal(image!.caption, 'North Point lighthouse, one of the three stations to be staffed again.');
    assert.equal(paragraphs[image!.position], paragraphs[1]);
    assert.match(paragraphs[embed!.position]!, /^Volunteers have kept/);
    assert.match(paragraphs[video!.position]!, /^“It is not/);
    assert.equal(embed!.caption, 'Inside North Point lighthouse');
    assert.ok(image!.position < embed!.position && embed!.position < video!.position);
  });

  it('never returns javascript:, data: or tracking-pixel sources', () => {
    for (const item of article.media) {
      assert.match(item.src, /^https?:\/\//);
      assert.ok(!item.src.includes('pixel.gif'));
    }
  });
});

describe('lazy images', () => {
  it('takes data-src, data-srcset and the largest srcset candidate over placeholders', () => {
    const html = `<html><body><article>
      <p>${'Paragraph text that is long enough to be scored as content, with commas, and more words. '.repeat(4)}</p>
      <img src="/spacer.gif" data-src="/real/one.jpg" alt="one">
      <p>${'Another paragraph that carries the story forward, with commas, and more detail here. '.repeat(4)}</p>
      <img src="data:image/png;base64,AAAA" data-srcset="/real/two-320.jpg 320w, /real/two-1280.jpg 1280w">
      <picture><source srcset="/real/three.webp 1x, /real/three@2x.webp 2x"><img alt="three"></picture>
      <p>${'A closing paragraph to end the article text, with commas, and a final sentence here. '.repeat(4)}</p>
    </article></body></html>`;
    const article = extractArticle(html, { url: 'https://example.org/post/1' });
    assert.deepEqual(
      article.media.map((m) => m.src),
      ['https://example.org/real/one.jpg', 'https://example.org/real/two-1280.jpg', 'https://example.org/real/three@2x.webp'],
    );
    assert.deepEqual(article.media.map((m) => m.position), [0, 1, 1]);
  });
});

describe('Korean EUC-KR page', () => {
  const source = fixture('korean-article.html');
  const bytes = iconv.encode(source, 'euc-kr');

  it('decodes the bytes by the http-equiv charset', () => {
    const article = extractArticle(bytes, { url: 'https://news.example.kr/view?id=1' });
    assert.equal(article.lang, 'ko');
    assert.equal(article.title, '서울 도심에 새 공원 문을 열어');
    assert.match(article.text, /서울시는 12일 옛 철도 부지를 정비해/);
    assert.match(article.text, /공영 주차장 두 곳을 추가로 만들 예정이다\./);
    assert.ok(!article.text.includes('\ufffd'));
    assert.ok(!article.text.includes('사업자등록번호'));
    assert.equal(article.publishedAt, '2023-10-12T00:00:00.000Z');
  });

  it('decodes by the Content-Type header, and guesses when nothing is declared', () => {
    const undeclared = iconv.encode(source.replace(/<meta http-equiv[^>]*>/, ''), 'cp949');
    assert.match(decodeHtml(undeclared, 'text/html; charset=EUC-KR'), /도심 공원/);
    assert.match(decodeHtml(undeclared), /도심 공원/);
  });

  it('detects Korean from the text when the page declares no language', () => {
    assert.equal(detectLanguage('시는 내년까지 공영 주차장 두 곳을 추가로 만들 예정이다. Seoul city'), 'ko');
  });
});

describe('decoding', () => {
  it('honours a BOM and never throws on invalid bytes', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>héllo</p>', 'utf8')]);
    assert.equal(decodeHtml(bom), '<p>héllo</p>');
    const garbage = Buffer.from([0x3c, 0x70, 0x3e, 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0x3c, 0x2f, 0x70, 0x3e]);
    assert.doesNotThrow(() => extractArticle(garbage));
    assert.doesNotThrow(() => decodeHtml(garbage, 'text/html; charset=no-such-charset'));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>hi</p>', 'utf16le')]);
    assert.equal(decodeHtml(utf16), '<p>hi</p>');
  });
});

describe('canonical URLs', () => {
  it('removes utm_*, fbclid and friends, keeps other parameters, and drops the fragment', () => {
    assert.equal(
      cleanUrl('https://example.com/a?utm_source=x&b=2&UTM_MEDIUM=y&fbclid=z&gclid=1#top'),
      'https://example.com/a?b=2',
    );
    assert.equal(cleanUrl('/story?utm_source=x', 'https://example.com/section/'), 'https://example.com/story');
    assert.equal(cleanUrl('javascript:alert(1)', 'https://example.com/'), null);
  });

  it('falls back to og:url, then to the page URL', () => {
    const og = extractArticle('<html><head><meta property="og:url" content="https://example.com/og?utm_term=1"></head><body></body></html>', {
      url: 'https://example.com/page',
    });
    assert.equal(og.url, 'https://example.com/og');
    const plain = extractArticle('<html><body></body></html>', { url: 'https://example.com/page?utm_source=a#x' });
    assert.equal(plain.url, 'https://example.com/page');
  });
});

describe('pages without an article', () => {
  it('returns empty text and no media instead of the page furniture', () => {
    const article = extractArticle(fixture('no-article.html'), { url: 'https://example.com/missing' });
    assert.equal(article.text, '');
    assert.deepEqual(article.media, []);
    assert.equal(article.title, 'Page not found');
  });

  it('copes with empty and non-HTML input', () => {
    for (const input of ['', '   ', 'just some words', Buffer.alloc(0), '<<<>>>']) {
      const article = extractArticle(input);
      assert.equal(typeof article.text, 'string');
      assert.ok(Array.isArray(article.media));
    }
  });
});

describe('hostile input', () => {
  const paragraph = `<p>${'A perfectly ordinary sentence of article text, with a comma, goes here. '.repeat(5)}</p>`;

  it('survives a huge attribute', () => {
    const html = `<html><body><div class="${'x'.repeat(5_000_000)}" data-blob="${'y'.repeat(2_000_000)}">${paragraph}${paragraph}</div></body></html>`;
    const article = extractArticle(html);
    assert.match(article.text, /perfectly ordinary sentence/);
  });

  it('survives 5,000 nested divs and still finds the text at the bottom', () => {
    const html = `<html><body>${'<div>'.repeat(5000)}${paragraph}${paragraph}<img src="https://example.com/deep.jpg">${'</div>'.repeat(5000)}</body></html>`;
    const start = Date.now();
    const article = extractArticle(html);
    assert.ok(Date.now() - start < 5000, 'deep nesting must not be slow');
    assert.match(article.text, /perfectly ordinary sentence/);
    assert.deepEqual(article.media.map((m) => m.src), ['https://example.com/deep.jpg']);
  });

  it('drops javascript:, data: and vbscript: sources everywhere', () => {
    const html = `<html><body><article>${paragraph}
      <img src="javascript:alert(1)"><img src="  JaVaScRiPt:alert(1)"><img src="data:image/png;base64,AAAA">
      <iframe src="javascript:alert(1)"></iframe><video src="vbscript:msgbox(1)"></video>
      <img src="https://example.com/ok.jpg">${paragraph}</article></body></html>`;
    const article = extractArticle(html, { url: 'https://example.com/' });
    assert.deepEqual(article.media.map((m) => m.src), ['https://example.com/ok.jpg']);
  });
});

describe('stale charset labels', () => {
  it('reads valid UTF-8 as UTF-8 even when the page still says euc-kr', () => {
    const article = extractArticle(Buffer.from(fixture('korean-article.html'), 'utf8'));
    assert.equal(article.title, '서울 도심에 새 공원 문을 열어');
    assert.equal(article.lang, 'ko');
  });
});

describe('JSON-LD articleBody', () => {
  it('is the fallback when the markup holds no article (a script-rendered page)', () => {
    const body = 'First paragraph of a story that the page only ships in its structured data, with commas, and detail.\n\nSecond paragraph, which carries the story on, and ends it here.';
    const html = `<html><head><script type="application/ld+json">${JSON.stringify({ '@type': 'NewsArticle', headline: 'Rendered later', articleBody: body })}</script></head><body><div id="app"></div></body></html>`;
    const article = extractArticle(html);
    assert.equal(article.title, 'Rendered later');
    assert.deepEqual(article.text.split('\n\n'), body.split('\n\n'));
  });
});
