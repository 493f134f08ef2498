// The failure kinds the Chinese/Japanese benchmark (bench/cjk-news) showed, each as a small page:
// furigana, spaces at link edges before numbers, Chinese and Japanese trailers (editor lines,
// edition lines, photo credits, disclaimers, app promotions), a forum post in a table cell, title
// suffixes, visible dates and bylines — with the Latin or Korean case that must not change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { decodeHtml, detectCharset, extractArticle } from '#extraction';

const page = (body: string, head = ''): string => `<!DOCTYPE html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;
const menu = '<div class="nav-bar"><ul><li><a href="/">首页</a></li><li><a href="/a">国内</a></li><li><a href="/b">国际</a></li><li><a href="/c">财经</a></li></ul></div>';

const ZH = [
  '国家统计局今天发布数据显示，十月份全国规模以上工业增加值同比增长百分之五点三，比上月加快零点四个百分点。',
  '分析人士认为，装备制造业和高技术制造业增长较快，是带动工业生产回升的主要力量，后续有望保持平稳。',
  '国家统计局有关负责人表示，下阶段将密切跟踪经济运行态势，及时发布权威数据，更好服务宏观决策。',
];
const HANT = [
  '台北市政府今天宣布，市區公車將自明年一月起調整票價，全票由十五元調整為十八元，學生票維持不變。',
  '市府交通局表示，燃料與人事成本近年持續上漲，業者營運壓力沉重，這次調整已是十年來首次漲價。',
  '交通局也強調，使用電子票證轉乘捷運仍可享有優惠，民眾實際負擔增加的幅度相當有限。',
];
const JA = [
  '気象庁によると、今年の冬は平年より気温が高くなる見込みで、雪の量も少なくなる可能性があるという。',
  '一方で、日本海側では一時的に強い寒気が流れ込み、大雪となる日もあるため注意が必要だとしている。',
  '気象庁は来月以降も最新の予報を確認し、早めに冬の備えを進めるよう呼びかけている。',
];
const paragraphs = (list: readonly string[]): string => list.map((p) => `<p>${p}</p>`).join('');

describe('furigana', () => {
  it('keeps the word and drops its reading and the fallback parentheses', () => {
    const html = page(`<article><p><ruby>渡月橋<rp>（</rp><rt>とげつきょう</rt><rp>）</rp></ruby>の周辺では、${JA[0]}</p><p>${JA[1]}</p><p>${JA[2]}</p></article>`);
    assert.match(extractArticle(html).text, /^渡月橋の周辺では、気象庁/);
  });
});

describe('link edges beside numbers', () => {
  it('adds no space between a Han word in a link and the number after it', () => {
    const html = page(`<article><p>国家<a href="/k">统计局</a>11月29日发布数据，${ZH[0]}</p><p>${ZH[1]}</p><p>${ZH[2]}</p></article>`);
    assert.match(extractArticle(html).text, /^国家统计局11月29日发布数据，/);
  });

  it('still sets off a Latin word or a number that a link wraps', () => {
    const html = page(`<article><p>パスワード管理ソフト<a href="/k">KeePass</a>の起動キーと同じです。第<b>3</b>四半期に${JA[0]}</p><p>${JA[1]}</p><p>${JA[2]}</p></article>`);
    const text = extractArticle(html).text;
    assert.match(text, /ソフト KeePass の起動キー/);
    assert.match(text, /第 3 四半期に/);
  });
});

describe('Chinese and Japanese trailers', () => {
  it('drops editor, edition, credit, disclaimer and app lines, keeps the article', () => {
    const html = page(
      `${menu}<div class="article">${paragraphs(ZH)}` +
        '<p class="f_center"><img src="https://img.example.cn/1.jpg"><br>图片来源：IC photo</p>' +
        '<p>特别声明：以上内容为自媒体平台用户上传并发布，本平台仅提供信息存储服务。</p>' +
        '<p>《 人民日报 》（ 11月29日 04 版）</p>' +
        '<div>【纠错】 【责任编辑:刘洋】</div>' +
        '<div class="edit">(责编：张三、李四)</div>' +
        '<p>扫码下载新闻客户端，看更多精彩内容，领取新人专享红包！</p>' +
        '</div>',
    );
    assert.equal(extractArticle(html).text, ZH.join('\n\n'));
  });

  it('drops a photo credit and an app promotion inside traditional Chinese text', () => {
    const html = page(
      `${menu}<div class="text">${paragraphs(HANT.slice(0, 1))}` +
        '<div class="photo"><img src="https://img.example.tw/1.jpg"><p>市區公車。（記者王小明攝）</p></div>' +
        `${paragraphs(HANT.slice(1))}<p><a href="/app">不用抽 不用搶 現在用APP看新聞 保證天天中獎</a></p></div>`,
    );
    assert.equal(extractArticle(html).text, HANT.join('\n\n'));
  });

  it('keeps sentences of the text that only mention an editor, a photographer or an app', () => {
    const kept = [
      '这位资深编辑说，过去三十年里，报社的排版方式变了很多，但核对事实的习惯从来没有改变过，年轻人也要坚持。',
      '摄影师李明在现场拍下了这一幕，他说当时天色已晚，只能借着路灯的光线完成拍摄，照片很快在网上流传。',
      '市民可以通过政务服务平台的手机应用办理业务，目前已有超过八成的事项实现了全程网上办理，十分方便。',
    ];
    const html = page(`${menu}<div class="article">${paragraphs(kept)}</div>`);
    assert.equal(extractArticle(html).text, kept.join('\n\n'));
  });
});

describe('a forum thread in tables', () => {
  it('takes the first post, split by <br><br> in its cell, not the replies or the poster box', () => {
    const reply = (n: number, text: string): string =>
      `<table class="plhin"><tr><td class="pls"><a class="xw1">user${n}</a></td><td class="plc"><div class="pi">${n}# 發表於 2026-11-29 15:0${n}</div><table><tr><td class="t_f" id="postmessage_${n}">${text}</td></tr></table></td></tr></table>`;
    const first =
      `<div id="post_1"><table class="plhin" id="pid1"><tr><td class="pls"><div class="authi"><a class="xw1">小熊愛吃糖</a></div><p>帖子 212</p><p>積分 883</p></td>` +
      `<td class="plc"><div class="pi">樓主 發表於 2026-11-29 14:05</div><div class="pct"><table><tr><td class="t_f" id="postmessage_1">${HANT.join('<br />\n<br />\n')}<br /></td></tr></table></div></td></tr></table></div>`;
    const replies = [
      '這種新聞每年都在講，實際上到底有沒有改善？希望政府拿出具體的數字說明。',
      '說真的，預算都花到哪裡去了？記者可以追蹤一下後續嗎？我覺得應該要公開。',
      '住在附近的人表示辛苦了，施工期間真的很吵，希望能準時完工，不要再延期。',
    ].map((text, i) => reply(i + 2, text));
    const html = page(`<div id="postlist" class="pl bm">${first}${replies.join('')}</div>`);
    assert.equal(extractArticle(html).text, HANT.join('\n\n'));
  });

  it('still reads an old table-layout article whose cell holds the text', () => {
    const html = page(`<table><tr><td class="menu"><a href="/">홈</a> | <a href="/a">정치</a></td></tr><tr><td class="view_txt">${ZH.join('<br><br>')}</td><td class="right"><a href="/x">많이 본 기사</a></td></tr></table>`);
    assert.equal(extractArticle(html).text, ZH.join('\n\n'));
  });
});

describe('Chinese and Japanese titles', () => {
  it('strips a site name after a full-width colon, but not a colon inside a headline', () => {
    const asahi = '<title>日銀、追加利上げを決定：朝日新聞デジタル</title><meta property="og:title" content="日銀、追加利上げを決定：朝日新聞デジタル"><meta property="og:site_name" content="朝日新聞デジタル">';
    assert.equal(extractArticle(page('<p>x</p>', asahi)).title, '日銀、追加利上げを決定');
    const stats = '<title>国家统计局：10月份消费品零售总额同比增长4.8%_新浪新闻</title>';
    assert.equal(extractArticle(page('<p>x</p>', stats)).title, '国家统计局：10月份消费品零售总额同比增长4.8%');
  });

  it('drops the outlet a portal appends in brackets when the page headline shows the bare title', () => {
    const head = '<title>東京都心で初雪　平年より11日早く（共同通信） - Yahoo!ニュース</title><meta property="og:title" content="東京都心で初雪　平年より11日早く（共同通信） - Yahoo!ニュース"><meta property="og:site_name" content="Yahoo!ニュース">';
    assert.equal(extractArticle(page(`<h1>東京都心で初雪　平年より11日早く</h1><div>${paragraphs(JA)}</div>`, head)).title, '東京都心で初雪 平年より11日早く');
    // Without a headline on the page that shows it, the bracket stays: it may be the title's own.
    assert.equal(extractArticle(page(`<div>${paragraphs(JA)}</div>`, '<title>新型ロケット打ち上げ（速報）</title>')).title, '新型ロケット打ち上げ（速報）');
  });
});

describe('Chinese and Japanese dates', () => {
  it('reads a date whose parts sit in separate elements', () => {
    const header = '<div class="header-time"><span class="year"><em> 2026</em></span><span class="day"><em> 03</em>/<em>15</em></span><span class="time"> 12:26:53</span></div>';
    const related = '<div class="box"><ul><li><a href="/1">另一条新闻</a><span class="time">2026-03-14</span></li><li><a href="/2">又一条新闻</a><span class="time">2026-03-13</span></li></ul></div>';
    const html = page(`${header}<div id="detail">${paragraphs(ZH)}</div>${related}`, '<meta http-equiv="content-language" content="zh-CN">');
    assert.equal(extractArticle(html).publishedAt, '2026-03-15T04:26:53.000Z');
  });

  it('lets a time shown on the page refine a day-only date in the metadata, on the same day only', () => {
    const info = (shown: string): string => page(`<div class="info">${shown} | 来源：人民网</div><div class="text">${paragraphs(ZH)}</div>`, '<meta name="publishdate" content="2026-04-20"><html lang="zh-CN">');
    assert.equal(extractArticle(info('2026年04月20日08:18')).publishedAt, '2026-04-20T00:18:00.000Z');
    // Another day shown: the metadata's day stands, at local midnight.
    assert.equal(extractArticle(info('2026年04月25日08:18')).publishedAt, '2026-04-19T16:00:00.000Z');
  });
});

describe('Chinese and Japanese bylines', () => {
  const text = (lead: string): string => `<div class="article"><p>${lead}${ZH[0]}</p><p>${ZH[1]}</p><p>${ZH[2]}</p></div>`;

  it('reads the reporters of a dateline lead, over a site name in the author metadata', () => {
    const head = '<html lang="zh-CN"><meta property="article:author" content="新浪网">';
    assert.equal(extractArticle(page(text('新华社北京11月29日电（记者李明、王芳）'), head)).byline, '李明, 王芳');
    assert.equal(extractArticle(page(text('〔記者王小明／台北報導〕'), '<meta name="author" content="自由時報">')).byline, '王小明');
    // No reporter shown: the site is no byline either.
    assert.equal(extractArticle(page(text(''), head)).byline, null);
  });

  it('reads labelled and classed names, not dates under author-named elements', () => {
    const netease = `${text('')}<div class="post_author">本文来源：澎湃新闻 作者：吴婷 责任编辑：王晓_NBJ11001</div>`;
    assert.equal(extractArticle(page(netease, '<html lang="zh-CN">')).byline, '吴婷');
    const asahi = `<div class="byline"><a href="/r/1">山田太郎、佐藤花子</a></div><div class="body">${paragraphs(JA)}</div>`;
    assert.equal(extractArticle(page(asahi, '<html lang="ja">')).byline, '山田太郎, 佐藤花子');
    const blog = `<div class="body">${paragraphs(JA)}</div><div class="article-footer"><div class="article-footer-author">投稿者：<span class="author vcard">ひだまり</span></div></div>`;
    assert.equal(extractArticle(page(blog, '<html lang="ja">')).byline, 'ひだまり');
    const forum = `<div class="authi"><em id="authorposton1">發表於 2026-11-29 14:05</em></div><div class="t_f">${HANT.join('<br><br>')}</div>`;
    assert.equal(extractArticle(page(forum, '<html lang="zh-TW">')).byline, null);
  });

  it('leaves an English byline from metadata alone', () => {
    const en = '<div class="entry"><p>The council approved the new cycling lanes on Monday after a long debate about parking, safety and cost.</p><p>Work will start in the spring and should take about four months to complete, officials said.</p></div>';
    assert.equal(extractArticle(page(en, '<meta name="author" content="Jane Doe">')).byline, 'Jane Doe');
  });
});

describe('undeclared legacy charsets', () => {
  const ko = '서울시는 29일 옛 철도 부지를 정비해 만든 도심 공원을 시민들에게 개방했다고 밝혔다. 공원에는 산책로와 놀이터가 들어섰다.';
  const cases: [string, string, string][] = [
    ['simplified Chinese in GBK', ZH.join(''), 'gbk'],
    ['traditional Chinese in Big5', HANT.join(''), 'big5'],
    ['Japanese in Shift_JIS', JA.join(''), 'shift_jis'],
    ['Japanese in EUC-JP', JA.join(''), 'euc-jp'],
    ['Korean in EUC-KR', ko, 'cp949'],
  ];
  for (const [name, text, charset] of cases) {
    it(`guesses ${name} when nothing is declared`, () => {
      const bytes = iconv.encode(`<html><body><p>${text}</p></body></html>`, charset);
      assert.equal(detectCharset(bytes).charset, charset);
      assert.ok(decodeHtml(bytes).includes(text.slice(0, 20)));
    });
  }

  it('still reads accented Latin text without a declaration as windows-1252', () => {
    const bytes = iconv.encode('<p>“Le café”, dit-il — résumé à l’été, ça coûte très cher. Größere Änderungen, Straße, ção.</p>', 'windows-1252');
    assert.equal(detectCharset(bytes).charset, 'windows-1252');
  });
});

describe('comment threads known only by their label', () => {
  const thread = (label: string, comment: string): string =>
    `<div class="box2"><h3>${label}</h3>${Array.from({ length: 6 }, (_, i) => `<div class="c${i}"><span>user${i}</span><p>${comment}${i}</p></div>`).join('')}</div>`;
  const zhComment = '这个消息太好了，下班以后终于可以去公园散散步了，希望各个公园都能把灯光和厕所这些配套设施做好，晚上安全也要注意，辛苦工作人员了。';
  const jaComment = 'これはうれしいニュースですね。仕事帰りに公園を散歩できるようになるのはありがたいです。防犯対策もしっかりお願いしたいです。';

  it('leaves out a thread headed "网友评论" or "コメント", whatever its class', () => {
    const zh = page(`${menu}<div class="box1"><h1>标题</h1>${paragraphs(ZH.slice(0, 2))}</div>${thread('网友评论', zhComment)}`);
    assert.equal(extractArticle(zh).text, ZH.slice(0, 2).join('\n\n'));
    const ja = page(`<div class="box1"><h1>見出し</h1>${paragraphs(JA.slice(0, 2))}</div>${thread('コメント（6件）', jaComment)}`);
    assert.equal(extractArticle(ja).text, JA.slice(0, 2).join('\n\n'));
  });

  it('keeps a commentary headed by a bare "评论" (an opinion piece)', () => {
    const html = page(`${menu}<div class="box1"><h3>评论</h3>${paragraphs(ZH)}</div>`);
    assert.equal(extractArticle(html).text, ZH.join('\n\n'));
  });
});

describe('lists of other stories known only by their label', () => {
  const teaser = (i: number): string =>
    `<div class="item"><h4><a href="/n/${i}">多地出台措施稳定粮食生产${i}</a></h4><p>记者从多地农业部门了解到，今年以来各地因地制宜出台扶持政策，粮食生产总体保持稳定，秋粮收获已基本结束，产量有望再创新高。</p></div>`;
  const short = ['新华社北京11月29日电 国家统计局29日发布数据，10月份全国规模以上工业增加值同比增长5.3%。', '从环比看，10月份规模以上工业增加值比上月增长0.41%。1—10月份，规模以上工业增加值同比增长5.8%。'];

  it('leaves out teasers with summaries under "推荐阅读" beside a short article', () => {
    const html = page(`${menu}<div class="wrap"><div class="left"><h1>工业增加值同比增长</h1><div class="con">${paragraphs(short)}</div></div><div class="box"><h3>推荐阅读</h3>${[1, 2, 3, 4, 5].map(teaser).join('')}</div></div>`);
    assert.equal(extractArticle(html).text, short.join('\n\n'));
  });

  it('reads "기사 작성일 2026.04.29 22:52" as a timestamp line, not text', () => {
    const ko = [
      '서울시는 29일 옛 철도 부지를 정비해 만든 도심 공원을 시민들에게 개방했다고 밝혔다.',
      '공원에는 산책로와 어린이 놀이터, 작은 도서관이 들어섰고 밤 열한 시까지 조명을 켠다.',
    ];
    const html = page(`<div id="articleBody"><span class="hide">기사 작성일</span>2026.04.29 22:52<br><br>${ko.join('<br><br>')}</div>`);
    assert.equal(extractArticle(html).text, ko.join('\n\n'));
  });
});
