// The failure kinds of issue 16 (CJK text, short articles, fallback, class tokens, long links,
// title suffixes) and the date and byline reading, each in Korean, Chinese, Japanese and the
// Latin case that must not regress.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractArticle } from '#extraction';

const page = (body: string, head = ''): string => `<!DOCTYPE html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;
const menu = '<div class="gnb"><ul><li><a href="/">홈</a></li><li><a href="/a">정치</a></li><li><a href="/b">경제</a></li><li><a href="/c">사회</a></li></ul></div>';

const KO = [
  '서울시는 29일 옛 철도 부지를 정비해 만든 도심 공원을 시민들에게 개방했다고 밝혔다.',
  '공원에는 산책로와 어린이 놀이터, 작은 도서관이 들어섰고 밤 열한 시까지 조명을 켠다.',
  '인근 상인들은 유동 인구가 늘 것으로 기대하면서도 주차 공간이 부족하다고 걱정했다.',
];
const ZH = [
  '据新华社报道，国家统计局今天发布数据显示，十一月份全国居民消费价格同比上涨百分之零点三，环比持平。',
  '分析人士认为，食品价格回落是物价涨幅收窄的主要原因，其中猪肉价格同比下降百分之八点五左右。',
  '国家统计局城市司首席统计师表示，随着节日临近，部分商品价格可能出现季节性上涨，但总体保持稳定。',
];
const JA = [
  '気象庁によると、今年の冬は平年より気温が高くなる見込みで、雪の量も少なくなる可能性があるという。',
  '一方で、日本海側では一時的に強い寒気が流れ込み、大雪となる日もあるため注意が必要だとしている。',
  '気象庁は来月以降も最新の予報を確認し、早めに冬の備えを進めるよう呼びかけている。',
];

describe('inline elements keep the HTML whitespace', () => {
  it('does not split a Chinese phrase, a Korean compound or a Latin word at a link', () => {
    const zh = extractArticle(page(`<article><p>据美国<a href="/t">科技</a>博客报道，${ZH[0]}</p><p>${ZH[1]}</p><p>${ZH[2]}</p></article>`));
    assert.match(zh.text, /^据美国科技博客报道，/);
    const ko = extractArticle(page(`${menu}<article><p>삼성<a href="/s">전자</a>와 <b>SK</b>하이닉스가 ${KO[0]}</p><p>${KO[1]}</p><p>${KO[2]}</p></article>`));
    assert.match(ko.text, /^삼성전자와 SK하이닉스가 /);
    const en = extractArticle(
      page(`<article><p>Micro<a href="/m">soft</a> said on Tuesday that its quarterly revenue rose, beating forecasts, as cloud demand grew. ${'More detail follows here, with commas, and numbers. '.repeat(4)}</p></article>`),
    );
    assert.match(en.text, /^Microsoft said/);
  });

  it('separates a Latin word from Han or kana only where an element edge meets the change of script', () => {
    const ja = extractArticle(page(`<article><p>パスワード管理ソフト<a href="/k">KeePass</a>の起動キーと同じです。再びKeePassが起動します。${JA[0]}</p><p>${JA[1]}</p><p>東京<a href="/t">都</a>庁によると${JA[2]}</p></article>`));
    assert.match(ja.text, /ソフト KeePass の起動キー/);
    assert.match(ja.text, /再びKeePassが/);
    assert.match(ja.text, /東京都庁によると/);
  });
});

describe('script-aware length thresholds', () => {
  for (const [lang, paragraphs] of [['ko', KO], ['zh', ZH], ['ja', JA]] as const) {
    it(`keeps a short ${lang} article of three short paragraphs`, () => {
      const html = page(`${menu}<div class="content">${paragraphs.map((p) => `<p>${p}</p>`).join('')}</div><div class="footer">© 2026</div>`);
      const article = extractArticle(html);
      assert.deepEqual(article.text.split('\n\n'), [...paragraphs]);
    });
  }

  it('still finds nothing on a Latin link hub', () => {
    const html = page(`<div><ul>${Array.from({ length: 12 }, (_, i) => `<li><a href="/${i}">Section ${i}</a></li>`).join('')}</ul><p>Welcome.</p></div>`);
    assert.equal(extractArticle(html).text, '');
  });
});

describe('the fallback keeps the comment and boilerplate guards', () => {
  const comments = Array.from(
    { length: 8 },
    (_, i) => `<div class="comment-body"><p>정말 공감되는 글입니다. 저도 비슷한 경험이 있어서 더 와닿네요. 다음 글도 기대하겠습니다. 항상 응원합니다. (${i})</p></div>`,
  ).join('');
  const post = `<div class="post"><p>${KO[0]}</p><p>${KO[1]}</p></div>`;

  it('takes the short post, not the comment thread, the video sidebar, the e-mail pop-up or the footer', () => {
    const html = page(
      `${menu}${post}<div id="comments" class="comments-area">${comments}</div>` +
        `<div class="sidebar-featured-video"><p>${'오늘의 추천 영상을 지금 바로 확인하세요. 매일 새로운 영상이 올라옵니다. '.repeat(5)}</p></div>` +
        `<div class="email-this popup"><p>${'이 기사를 친구에게 이메일로 보내려면 받는 사람의 주소와 메시지를 입력하세요. '.repeat(4)}</p></div>` +
        `<div class="copyright"><p>${'이 사이트의 모든 콘텐츠는 저작권법의 보호를 받습니다. 무단 전재와 재배포, AI 학습 이용을 금지합니다. '.repeat(5)}</p></div>`,
    );
    const article = extractArticle(html);
    assert.equal(article.text, `${KO[0]}\n\n${KO[1]}`);
  });

  it('does the same for an English post', () => {
    const en = `<div class="entry"><p>The council approved the new cycling lanes on Monday after a long debate about parking, safety and cost.</p><p>Work will start in the spring and should take about four months to complete.</p></div>`;
    const thread = Array.from({ length: 8 }, () => '<div class="comment-content"><p>I completely agree with this decision, it has been a long time coming for our town, and I hope they finish on time.</p></div>').join('');
    const article = extractArticle(page(`${en}<section class="comments">${thread}</section>`));
    assert.match(article.text, /^The council approved/);
    assert.ok(!article.text.includes('completely agree'));
  });
});

describe('class and id words are whole tokens', () => {
  it('keeps an article inside "_reachbanner_" and drops a real banner', () => {
    const html = page(`${menu}<div class="_reachbanner_"><div class="article_txt">${KO.map((p) => `<p>${p}</p>`).join('')}</div></div><div class="top-banner"><p>${'지금 가입하면 첫 달 무료! 최대 50% 할인 혜택을 놓치지 마세요. '.repeat(2)}</p></div>`);
    const article = extractArticle(html);
    assert.equal(article.text, KO.join('\n\n'));
  });

  it('still strips comment lists whose names are compounds ("commentList", "comment-list")', () => {
    const body = `<div class="story">${ZH.map((p) => `<p>${p}</p>`).join('')}</div><div id="commentList"><p>${'这篇文章写得很好，我完全同意作者的观点，希望以后多发这样的报道。'.repeat(3)}</p></div>`;
    const article = extractArticle(page(body));
    assert.equal(article.text, ZH.join('\n\n'));
  });
});

describe('an article inside one link', () => {
  it('is text, not a link', () => {
    const long = ZH.join('');
    const html = page(`${menu}<div class="list"><dl><dt><a href="/n/1">标题</a></dt><a href="/n/1">${long}${long}</a></dl></div>`);
    const article = extractArticle(html);
    assert.ok(article.text.includes(ZH[1]!), article.text);
  });
});

describe('title site suffixes', () => {
  const cases: [string, string][] = [
    ['十一月全国居民消费价格同比上涨--国内频道', '十一月全国居民消费价格同比上涨'],
    ['十一月全国居民消费价格同比上涨_新闻中心_新浪网', '十一月全国居民消费价格同比上涨'],
    ['十一月全国居民消费价格同比上涨 - 新华网', '十一月全国居民消费价格同比上涨'],
    ['今年の冬は平年より暖かい見込み　気象庁 | 毎朝新聞', '今年の冬は平年より暖かい見込み　気象庁'],
    ['서울 도심에 새 공원 문을 열어 : 네이버 뉴스', '서울 도심에 새 공원 문을 열어'],
    ['서울 도심에 새 공원 문을 열어 - 조선일보', '서울 도심에 새 공원 문을 열어'],
    ['서울 도심에 새 공원 문을 열어 | 연합뉴스', '서울 도심에 새 공원 문을 열어'],
    ['Lighthouse keepers return to the northern coast | Coast News', 'Lighthouse keepers return to the northern coast'],
  ];
  for (const [tag, expected] of cases) {
    it(`"${tag}"`, () => {
      assert.equal(extractArticle(page('<p>x</p>', `<title>${tag}</title>`)).title, expected.replace('　', ' '));
    });
  }

  it('strips the suffix from og:title when <title> shows it is the site', () => {
    const head = '<title>서울 도심에 새 공원 문을 열어 - 한빛일보</title><meta property="og:title" content="서울 도심에 새 공원 문을 열어 - 한빛일보">';
    assert.equal(extractArticle(page('<p>x</p>', head)).title, '서울 도심에 새 공원 문을 열어');
    const cjk = '<title>十一月物价数据公布_新闻中心_新浪网</title><meta property="og:title" content="十一月物价数据公布_新闻中心_新浪网">';
    assert.equal(extractArticle(page('<p>x</p>', cjk)).title, '十一月物价数据公布');
  });
});

describe('publication date and byline', () => {
  const body = (info: string): string => `${menu}<div class="view"><h1>제목</h1>${info}<div class="article_txt">${KO.map((p) => `<p>${p}</p>`).join('')}</div></div>`;

  it('reads visible Korean dates as Korean time', () => {
    const cases: [string, string][] = [
      ['<div class="info">입력 2026.11.29 14:05</div>', '2026-11-29T05:05:00.000Z'],
      ['<div class="info">입력 2026-11-29</div>', '2026-11-28T15:00:00.000Z'],
      ['<span class="date">기사입력 2026.11.29. 오후 2:05</span>', '2026-11-29T05:05:00.000Z'],
      ['<p class="date">2026년 11월 29일 14시 05분</p>', '2026-11-29T05:05:00.000Z'],
      ['<em>입력 2026.11.29 (14:05)</em><em>수정 2026.11.30 (09:00)</em>', '2026-11-29T05:05:00.000Z'],
      ['<span>수정 2026.11.30 09:00</span> <span>입력 2026.11.29 14:05</span>', '2026-11-29T05:05:00.000Z'],
    ];
    for (const [info, iso] of cases) assert.equal(extractArticle(page(body(info), '<html lang="ko">')).publishedAt, iso, info);
  });

  it('prefers metadata, reads zone-less Korean metadata as +09:00, and ignores dates in related lists and comments', () => {
    const meta = '<meta property="article:published_time" content="2026-11-29T14:05:00+09:00">';
    assert.equal(extractArticle(page(body('<div>입력 2026.11.30 10:00</div>'), meta)).publishedAt, '2026-11-29T05:05:00.000Z');
    const ld = `<script type="application/ld+json">${JSON.stringify({ '@type': 'NewsArticle', headline: '도심 공원 개방', datePublished: '2026-11-29 14:05:00' })}</script>`;
    assert.equal(extractArticle(page(body(''), `${ld}<meta http-equiv="content-language" content="ko">`)).publishedAt, '2026-11-29T05:05:00.000Z');
    const noise =
      '<ul class="related"><li><a href="/1">다른 기사</a> 2026.11.27 09:00</li></ul>' + body('<div class="info">2026.11.29 14:05</div>') + '<div class="comment"><p>좋아요 2026.11.30 08:00</p></div>';
    assert.equal(extractArticle(page(noise)).publishedAt, '2026-11-29T05:05:00.000Z');
  });

  it('reads the reporter from "홍길동 기자", over a site name in meta author', () => {
    const head = '<meta name="author" content="한빛일보">';
    assert.equal(extractArticle(page(body('<div class="byline">홍길동 기자</div>'), head)).byline, '홍길동');
    assert.equal(extractArticle(page(body('<p class="writer">김철수·이영희 기자 (news@example.kr)</p>'))).byline, '김철수, 이영희');
    assert.equal(extractArticle(page(body(''), '<meta name="author" content="박지호 기자">')).byline, '박지호');
    const lead = `${menu}<article><p>[서울=누리통신] 최수아 기자 = ${KO[0]}</p><p>${KO[1]}</p><p>${KO[2]}</p></article>`;
    const article = extractArticle(page(lead));
    assert.equal(article.byline, '최수아');
    assert.match(article.text, /^\[서울=누리통신\] 최수아 기자 = 서울시는/);
  });

  it('drops reporter and copyright trailers from the text', () => {
    const html = page(`${menu}<div id="articleBody">${KO.join('<br><br>')}<br><br>홍길동 기자 gildong@example.kr<br><br>ⓒ 한빛일보, 무단 전재 및 재배포 금지</div>`);
    assert.equal(extractArticle(html).text, KO.join('\n\n'));
  });
});

describe('the retries keep the wrappers of what the strict pass found', () => {
  it('does not lose a short article whose wrapper says "has-comments" or "has-sidebar"', () => {
    const html = page(
      `${menu}<div class="post has-comments"><div class="content has-sidebar">${KO.map((p) => `<p>${p}</p>`).join('')}</div></div>` +
        `<ul class="links">${Array.from({ length: 10 }, (_, i) => `<li><a href="/x/${i}">오늘 많이 읽은 다른 기사의 제목 ${i}</a></li>`).join('')}</ul>`,
    );
    assert.equal(extractArticle(html).text, KO.join('\n\n'));
  });
});
