// Writes the Korean extraction benchmark: realistic pages of fictional Korean outlets in eight
// layouts (two portals, two newspapers, two broadcasters, a blog, a regional CMS) around the texts
// of articles.ts, with their furniture (menus, rankings, related lists, comments with dates, ads,
// copyright footers, inline links that split words), and the gold title, text, byline and date of
// each page. Deterministic: the same code writes the same files.
//
//   npm run -s build && node dist/bench/korean-news/generate.js     rewrites bench/korean-news/{pages,gold.json}
import { fileURLToPath } from 'node:url';
import { esc, pad, writeCorpus } from '../news-corpus.js';
import { ARTICLES, COMMENTS, RELATED, REPORTERS, type ArticleText } from './articles.js';

export interface GoldPage {
  file: string;
  layout: string;
  url: string;
  title: string;
  text: string;
  /** Names of the authors, joined by ", " (a blog's nickname). */
  byline: string;
  /** ISO instant of publication, as precise as the page shows it. */
  publishedAt: string;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}


interface When {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function iso(w: When, withTime = true, withSeconds = true): string {
  const t = withTime ? `${pad(w.h)}:${pad(w.mi)}:${withSeconds ? pad(w.s) : '00'}` : '00:00:00';
  return new Date(`${w.y}-${pad(w.mo)}-${pad(w.d)}T${t}+09:00`).toISOString();
}

function later(w: When, minutes: number): When {
  const ms = Date.parse(`${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}+09:00`) + minutes * 60_000;
  const k = new Date(ms + 9 * 3_600_000);
  return { y: k.getUTCFullYear(), mo: k.getUTCMonth() + 1, d: k.getUTCDate(), h: k.getUTCHours(), mi: k.getUTCMinutes(), s: k.getUTCSeconds() };
}

const dotted = (w: When): string => `${w.y}.${pad(w.mo)}.${pad(w.d)}`;
const hm = (w: When): string => `${pad(w.h)}:${pad(w.mi)}`;
const ampm = (w: When): string => `${w.h < 12 ? '오전' : '오후'} ${w.h % 12 === 0 ? 12 : w.h % 12}:${pad(w.mi)}`;

interface Ctx {
  i: number;
  rnd: () => number;
  article: ArticleText;
  when: When;
  reporters: string[];
  url: string;
  lead: string;
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

/** The paragraph as HTML: one linked word is split by its link ("반도<a>체</a>"), as portals do. */
function inline(ctx: Ctx, text: string, k: number): string {
  let html = esc(text);
  for (const word of ctx.article.linked) {
    const at = html.indexOf(word);
    if (at < 0 || (k + ctx.i) % 2 === 1) continue;
    const cut = Math.max(1, Math.floor(word.length / 2));
    const tag = (ctx.i + k) % 3 === 0 ? `<strong>${word.slice(cut)}</strong>` : `<a href="/search?q=${encodeURIComponent(word)}" class="link_keyword">${word.slice(cut)}</a>`;
    html = `${html.slice(0, at)}${word.slice(0, cut)}${tag}${html.slice(at + word.length)}`;
    break;
  }
  return html;
}

function goldParagraphs(ctx: Ctx): string[] {
  const [first, ...rest] = ctx.article.paragraphs;
  return [ctx.lead + first!, ...rest];
}

function bodyParagraphs(ctx: Ctx): string[] {
  return goldParagraphs(ctx).map((p, k) => inline(ctx, p, k));
}

function byline(ctx: Ctx): string {
  return `${ctx.reporters.join('·')} 기자`;
}

function comments(ctx: Ctx, n: number, wrap: (items: string) => string, item: (c: string, who: string, when: string) => string): string {
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const c = COMMENTS[(ctx.i * 3 + k) % COMMENTS.length]!;
    const who = `${'abcdefghjk'[(ctx.i + k) % 10]}${'mnpqrstuvw'[(ctx.i * 7 + k) % 10]}**`;
    out.push(item(esc(c), who, `${dotted(later(ctx.when, 30 + k * 47))} ${hm(later(ctx.when, 30 + k * 47))}`));
  }
  return wrap(out.join('\n'));
}

function related(ctx: Ctx, n: number, withDates: boolean): string {
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const title = RELATED[(ctx.i + k * 3) % RELATED.length]!;
    const d = later(ctx.when, -(k + 1) * 1440);
    out.push(`<li><a href="/article/${9000 + ctx.i * 10 + k}">${esc(title)}</a>${withDates ? ` <span class="date">${dotted(d)} ${hm(d)}</span>` : ''}</li>`);
  }
  return out.join('\n');
}

const GNB = ['정치', '경제', '사회', '생활/문화', 'IT/과학', '세계', '스포츠', '연예', '오피니언', '포토'];
const gnb = (cls: string): string => `<ul class="${cls}">${GNB.map((g, k) => `<li><a href="/section/${k + 100}">${g}</a></li>`).join('')}</ul>`;

interface Built {
  html: string;
  /** Gold byline when it is not the reporters' names. */
  byline?: string;
  /** False when the page shows the date only. */
  timeShown?: boolean;
  /** True when the page states the seconds (in its metadata or text). */
  secondsShown?: boolean;
}

type Layout = (ctx: Ctx) => Built;

const portalN: Layout = (ctx) => {
  const { article, when } = ctx;
  const modified = later(ctx.when, 95);
  const text = bodyParagraphs(ctx).join('<br><br>\n');
  const photo = ctx.i % 2 === 0 ? `<span class="end_photo_org"><img src="https://imgnews.example.kr/${ctx.i}.jpg" alt=""><em class="img_desc">${esc(article.title.slice(0, 12))} 관련 자료 사진</em></span><br>` : '';
  return {
    html: `<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>${esc(article.title)} : 누리포털 뉴스</title>
<meta property="og:title" content="${esc(article.title)}">
<meta property="og:article:author" content="한빛일보 | 누리포털">
<meta name="twitter:site" content="누리포털">
</head><body>
<div id="u_skip"><a href="#ct">본문 바로가기</a></div>
<header class="Ngnb"><div class="Ngnb_inner"><h1><a href="/">누리포털 뉴스</a></h1>${gnb('Nlist')}</div></header>
<div id="ct" class="newsct" role="main">
<div class="media_end_head go_trans">
<div class="media_end_head_top"><a href="/press/023" class="media_end_head_top_logo">한빛일보</a></div>
<div class="media_end_head_title"><h2 id="title_area" class="media_end_head_headline"><span>${esc(article.title)}</span></h2></div>
<div class="media_end_head_info nv_notrans">
<div class="media_end_head_journalist"><a href="/journalist/${ctx.i}" class="media_end_head_journalist_box"><em class="media_end_head_journalist_name">${byline(ctx)}</em></a></div>
<div class="media_end_head_info_datestamp"><div class="media_end_head_info_datestamp_bunch"><span class="media_end_head_info_datestamp_term">입력</span><span class="media_end_head_info_datestamp_time _ARTICLE_DATE_TIME" data-date-time="${dotted(when).replace(/\./g, '-')} ${hm(when)}:${pad(when.s)}">${dotted(when)}. ${ampm(when)}</span></div>
<div class="media_end_head_info_datestamp_bunch"><span class="media_end_head_info_datestamp_term">수정</span><span class="media_end_head_info_datestamp_time _ARTICLE_MODIFY_DATE_TIME">${dotted(modified)}. ${ampm(modified)}</span></div></div>
<div class="media_end_head_info_variety"><button class="u_likeit_list_btn">좋아요</button><span class="u_cbox_count">${3 + (ctx.i % 40)}</span><a href="#" class="media_end_head_autosummary_button">요약봇</a><div class="media_end_head_fontsize">가</div></div>
</div></div>
<div id="newsct_article" class="newsct_article _article_body"><div class="_reachbanner_"><article id="dic_area" class="go_trans _article_content">
${photo}${text}
</article></div></div>
<div class="byline"><p class="byline_p"><span class="byline_s">${ctx.reporters[0]} 기자 (reporter${ctx.i}@hanbit.example)</span></p></div>
<div class="copyright"><p class="c_text">Copyright ⓒ 한빛일보. All rights reserved. 무단 전재 및 재배포 금지.</p></div>
<div class="media_end_categorize"><a href="/section/101" class="media_end_categorize_item">${esc(article.section)}</a></div>
<div class="_LIKE_HIDE media_end_linked_like"><h4>이 기사를 추천합니다</h4><ul><li>쏠쏠정보 0</li><li>흥미진진 0</li><li>공감백배 1</li><li>분석탁월 0</li><li>후속강추 0</li></ul></div>
<div id="cbox_module" class="u_cbox"><h5 class="u_cbox_title">댓글 <span class="u_cbox_count">${5}</span></h5>
${comments(ctx, 5, (items) => `<ul class="u_cbox_list">${items}</ul>`, (c, who, at) => `<li class="u_cbox_comment"><div class="u_cbox_area"><div class="u_cbox_info"><span class="u_cbox_nick">${who}</span></div><div class="u_cbox_text_wrap"><span class="u_cbox_contents">${c}</span></div><div class="u_cbox_info_base"><span class="u_cbox_date">${at}</span></div></div></li>`)}
</div>
</div>
<div class="rankingnews_box"><h4>한빛일보 많이 본 뉴스</h4><ul class="rankingnews_list">${related(ctx, 5, false)}</ul></div>
<footer class="Nfooter"><p>누리포털 뉴스는 언론사가 제공한 기사를 그대로 싣습니다. 기사의 책임은 해당 언론사에 있습니다.</p><address>ⓒ NURI Corp.</address></footer>
</body></html>`,
  };
};

const portalD: Layout = (ctx) => {
  const { article, when } = ctx;
  const modified = later(when, 40);
  const spaced = (w: When): string => `${w.y}. ${w.mo}. ${w.d}. ${hm(w)}`;
  const paras = bodyParagraphs(ctx).map((p) => `<p dmcf-ptype="general">${p}</p>`).join('\n');
  return {
    html: `<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>${esc(article.title)} | 다온뉴스</title>
<meta property="og:title" content="${esc(article.title)}">
<meta property="og:site_name" content="다온뉴스">
<meta name="article:media_name" content="새날신문">
</head><body>
<div id="kakaoHead" class="head_news"><h1 class="tit_daon"><a href="/">다온뉴스</a></h1><div class="gnb_comm">${gnb('list_gnb')}</div></div>
<div id="kakaoContent" class="cont_view">
<div id="mArticle">
<div class="head_view"><h3 class="tit_view" data-translation="true">${esc(article.title)}</h3>
<span class="info_view"><span class="txt_info">${byline(ctx)}</span><span class="txt_info">입력 <span class="num_date">${spaced(when)}</span></span><span class="txt_info">수정 <span class="num_date">${spaced(modified)}</span></span></span>
<div class="util_view"><button class="btn_share">공유하기</button><button class="btn_font">글씨크기 조절하기</button><button class="btn_print">인쇄하기</button></div></div>
<div class="news_view fs_type1"><div class="article_view" data-translation-body="true"><section dmcf-sid="${ctx.i}">
${ctx.i % 3 === 0 ? `<figure class="figure_frm origin_fig" dmcf-ptype="figure"><p class="link_figure"><img src="https://img.daon.example/${ctx.i}.jpg" class="thumb_g_article"></p><figcaption class="txt_caption default_figure">[새날신문 자료사진]</figcaption></figure>` : ''}
${paras}
<p dmcf-ptype="general">${ctx.reporters[0]} 기자 news${ctx.i}@saenal.example</p>
</section></div>
<p class="txt_copyright">Copyright ⓒ 새날신문. 무단전재 및 재배포 금지.</p></div>
<div class="box_recommend"><strong class="tit_recommend">이 기사에 대해 어떻게 생각하시나요?</strong><button>추천해요 ${ctx.i}</button><button>좋아요 2</button><button>감동이에요 0</button></div>
<div class="alex-area"><div class="cmt_box"><strong class="tit_cmt">댓글 ${4}</strong>
${comments(ctx, 4, (items) => `<ul class="list_comment">${items}</ul>`, (c, who, at) => `<li><div class="cmt_info"><strong class="tit_nickname">${who}</strong><span class="txt_date">${at}</span></div><p class="desc_txt font_size_17">${c}</p></li>`)}
</div></div>
</div>
<div id="mAside"><div class="box_g box_news_major"><h3 class="tit_g">주요 뉴스</h3><ul class="list_news_major">${related(ctx, 6, true)}</ul></div>
<div class="box_g box_news_ranking"><h3>많이 본 뉴스</h3><ol>${related(ctx, 5, false)}</ol></div></div>
</div>
<div id="kakaoFoot"><small>ⓒ Daon Corp.</small> <a href="/policy">이용약관</a> <a href="/privacy">개인정보처리방침</a></div>
</body></html>`,
  };
};

const newspaperLd: Layout = (ctx) => {
  const { article, when } = ctx;
  const updated = later(when, 180);
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.title,
    datePublished: `${dotted(when).replace(/\./g, '-')}T${hm(when)}:${pad(when.s)}+09:00`,
    dateModified: `${dotted(updated).replace(/\./g, '-')}T${hm(updated)}:00+09:00`,
    author: ctx.reporters.map((name) => ({ '@type': 'Person', name })),
    publisher: { '@type': 'Organization', name: '한빛일보' },
  };
  const paras = bodyParagraphs(ctx).map((p) => `<p class="article-body__content article-body__content-text">${p}</p>`);
  paras.splice(2, 0, `<div class="article-body__ad ad-container"><div id="div-gpt-ad-${ctx.i}"></div><span class="ad-label">광고</span></div>`);
  return {
    secondsShown: true,
    html: `<!doctype html><html lang="ko"><head><meta charset="utf-8">
<title>${esc(article.title)} - 한빛일보</title>
<meta property="og:title" content="${esc(article.title)} - 한빛일보">
<meta property="og:site_name" content="한빛일보">
<meta name="author" content="한빛일보">
<script type="application/ld+json">${JSON.stringify(ld)}</script>
</head><body>
<div class="layout-header"><div class="masthead"><a href="/" class="logo">한빛일보</a>${gnb('gnb-menu')}</div><div class="breadcrumb"><a href="/">홈</a> &gt; <a href="/${article.section}">${esc(article.section)}</a></div></div>
<main class="layout-main"><article class="article">
<header class="article-header"><span class="article-header__section">${esc(article.section)}</span><h1 class="article-header__headline">${esc(article.title)}</h1>
<div class="article-dateline"><span class="article-dateline__item">입력 ${dotted(when)} ${hm(when)}</span><span class="article-dateline__item">업데이트 ${dotted(updated)} ${hm(updated)}</span></div>
<div class="article-byline"><a href="/people/${ctx.i}" class="article-byline__author">${byline(ctx)}</a></div></header>
<section class="article-body" itemprop="articleBody">
${paras.join('\n')}
</section>
<div class="article-tags"><a href="/tag/1">#${esc(article.section)}</a> <a href="/tag/2">#${esc(article.linked[0]!)}</a></div>
<div class="article-related"><h3>관련 기사</h3><ul>${related(ctx, 4, true)}</ul></div>
</article>
<aside class="layout-aside"><section class="most-viewed"><h3>많이 본 뉴스</h3><ol>${related(ctx, 8, false)}</ol></section><div class="ad-box"><iframe src="https://ads.example/300x250"></iframe></div></aside></main>
<footer class="layout-footer"><p>(주)한빛일보 · 서울특별시 중구 세종대로 1 · 등록번호 서울 아 00001 · 발행인 겸 편집인 한빛</p><p>한빛일보의 모든 콘텐츠는 저작권법의 보호를 받으며 무단 전재, 복사, 배포 등을 금합니다. Copyright © 한빛일보. All rights reserved.</p></footer>
</body></html>`,
  };
};

const oldTable: Layout = (ctx) => {
  const { article, when } = ctx;
  const text = bodyParagraphs(ctx).map((p) => `<font size="3">${p}</font>`).join('<br>\n<br>\n');
  const secs = `${pad(when.s)}`;
  return {
    secondsShown: true,
    html: `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>새날신문 - ${esc(article.title)}</title></head>
<body leftmargin="0" topmargin="0">
<table width="980" border="0" cellpadding="0" cellspacing="0" align="center"><tr><td><a href="/"><img src="/img/logo.gif" alt="새날신문"></a></td><td class="top_menu">${GNB.map((g) => `<a href="/list.php?sec=${encodeURIComponent(g)}">${g}</a>`).join(' | ')}</td></tr></table>
<table width="980" border="0" cellpadding="0" cellspacing="0" align="center"><tr>
<td width="680" valign="top">
<table width="100%" border="0"><tr><td class="view_title"><b>${esc(article.title)}</b></td></tr>
<tr><td class="view_date">기사입력 ${dotted(when).replace(/\./g, '-')} ${ampm(when)}:${secs}</td></tr>
<tr><td class="view_txt" style="line-height:160%">
${text}
<br><br>
${ctx.reporters.join('·')} 기자 reporter${ctx.i}@saenal.example
</td></tr>
<tr><td class="view_copy">&lt;저작권자 ⓒ 새날신문 무단전재 및 재배포금지&gt;</td></tr></table>
<table width="100%" class="cmt_list"><tr><td colspan="3"><b>독자 의견</b></td></tr>
${comments(ctx, 6, (items) => items, (c, who, at) => `<tr><td class="cmt_name">${who}</td><td class="cmt_txt">${c}</td><td class="cmt_date">${at}</td></tr>`)}
</table>
</td>
<td width="300" valign="top" class="right_area"><table width="100%"><tr><td><b>많이 본 기사</b></td></tr>${RELATED.slice(0, 6).map((t, k) => `<tr><td><a href="/view.php?no=${k + 1}">${esc(t)}</a></td></tr>`).join('')}</table></td>
</tr></table>
<table width="980" align="center"><tr><td class="bottom">회사소개 | 광고문의 | 개인정보취급방침 | 청소년보호정책<br>새날신문 | 서울시 종로구 | 대표전화 02-000-0000 | Copyright ⓒ 새날신문 All rights reserved.</td></tr></table>
</body></html>`,
  };
};

const broadcastK: Layout = (ctx) => {
  const { article, when } = ctx;
  const modified = later(when, 25);
  const text = bodyParagraphs(ctx).join('<br /><br />\n');
  return {
    html: `<!DOCTYPE html><html lang="ko"><head><meta charset="UTF-8">
<title>${esc(article.title)} | 누리방송 뉴스</title>
<meta name="author" content="누리방송">
<meta property="og:title" content="${esc(article.title)}">
<meta property="og:type" content="article">
</head><body>
<div id="wrap"><div class="header"><div class="logo"><a href="/">누리방송 뉴스</a></div><nav class="gnb">${gnb('menu-list')}</nav><div class="search"><input type="text" placeholder="검색어를 입력하세요"></div></div>
<div id="container"><div class="landing-box">
<div class="landing-caption"><h4 class="tit-s">${esc(article.title)}</h4>
<div class="reporter-info"><span class="name"><a href="/reporter/${ctx.i}">${byline(ctx)}</a></span></div>
<em class="input-date">입력 ${dotted(when)} (${hm(when)})</em><em class="input-date">수정 ${dotted(modified)} (${hm(modified)})</em>
<div class="sns-share"><a href="#" class="btn-facebook">페이스북</a><a href="#" class="btn-twitter">트위터</a><a href="#" class="btn-link">링크 복사</a></div></div>
<div class="movie-area"><iframe src="https://tv.kakao.com/embed/player/cliplink/${400000 + ctx.i}" allowfullscreen></iframe></div>
<div class="detail-body font-size" id="cont_newstext">
${text}
</div>
<div class="btn-report"><a href="/report">뉴스 제보하기</a> 전화 02-000-0000 이메일 jebo@nuri.example</div>
<div class="hot-issue"><h4>이 시각 주요뉴스</h4><ul class="list-news">${related(ctx, 5, true)}</ul></div>
</div></div>
<div class="footer"><p>누리방송 | 서울특별시 영등포구 | 사업자등록번호 000-00-00000</p><p>Copyright ⓒ NURI Broadcasting. All rights reserved. 무단 전재, 재배포 및 AI 학습 이용 금지</p></div></div>
</body></html>`,
  };
};

const broadcastS: Layout = (ctx) => {
  const { article, when } = ctx;
  const paras = bodyParagraphs(ctx).map((p) => `<p>${p}</p>`).join('\n');
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.title,
    // zone-less, as many Korean CMSs write it: local (KST) time
    datePublished: `${dotted(when).replace(/\./g, '-')} ${hm(when)}:${pad(when.s)}`,
    author: { '@type': 'Organization', name: '새빛방송' },
  };
  return {
    secondsShown: true,
    html: `<!DOCTYPE html><html><head><meta charset="utf-8">
<title>${esc(article.title)} | 새빛방송 뉴스</title>
<meta property="og:title" content="${esc(article.title)} | 새빛방송 뉴스">
<meta property="og:site_name" content="새빛방송 뉴스">
<script type="application/ld+json">${JSON.stringify(ld)}</script>
</head><body>
<div id="skipNav"><a href="#container">본문 바로가기</a></div>
<div class="w_top_header"><h1><a href="/">새빛방송 뉴스</a></h1>${gnb('w_gnb_list')}</div>
<div id="container" class="w_article">
<div class="w_article_title"><h3 id="vmNewsTitle" class="article_main_tit">${esc(article.title)}</h3>
<div class="date_area"><span class="date"><span class="hide">기사 작성일</span>${dotted(when)} ${hm(when)}</span></div>
<div class="w_article_util"><a href="#" class="btn_font">글자 크기</a><a href="#" class="btn_print">인쇄</a><button class="btn_share">공유</button></div></div>
<div class="w_article_cont"><div class="main_text"><div class="text_area" itemprop="articleBody">
${ctx.i % 2 === 0 ? `<div class="main_img"><img src="https://img.saebit.example/${ctx.i}.jpg" alt="${esc(article.title)}"></div>` : ''}
${paras}
</div>
<div class="w_article_reporter"><a href="/reporter/${ctx.i}" class="reporter_name">${ctx.reporters[0]} 기자 (reporter${ctx.i}@saebit.example)</a></div>
</div></div>
<div class="w_article_relate"><strong class="relate_tit">관련 기사</strong><ul>${related(ctx, 3, true)}</ul></div>
<div class="w_comment"><div class="cmt_head">댓글 <em>3</em></div>
${comments(ctx, 3, (items) => `<ul class="cmt_list">${items}</ul>`, (c, who, at) => `<li><span class="cmt_id">${who}</span><p class="cmt_txt">${c}</p><span class="cmt_date">${at}</span></li>`)}</div>
</div>
<div class="w_footer"><p>© SAEBIT Broadcasting. 무단 전재·재배포 및 AI 학습 이용 금지</p></div>
</body></html>`,
  };
};

const NICKNAMES = ['여행하는곰', '소소한부엌', '책읽는고양이', '동네산책러', '주말농부', '하루한줄'];

const blog: Layout = (ctx) => {
  const { article, when } = ctx;
  const nick = NICKNAMES[ctx.i % NICKNAMES.length]!;
  const paras = bodyParagraphs(ctx)
    .map((p) => `<div class="se-component se-text se-l-default"><div class="se-component-content"><div class="se-section se-section-text"><div class="se-module se-module-text"><p class="se-text-paragraph se-text-paragraph-align-"><span class="se-fs-fs16 se-ff-">${p}</span></p><p class="se-text-paragraph"><span>&#8203;</span></p></div></div></div></div>`)
    .join('\n');
  const spaced = `${when.y}. ${when.mo}. ${when.d}. ${hm(when)}`;
  return {
    byline: nick,
    html: `<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>${esc(article.title)} : 누리 블로그</title>
<meta property="og:title" content="${esc(article.title)}">
<meta property="og:site_name" content="누리 블로그 | ${nick}">
<meta property="article:author" content="${nick}">
</head><body>
<div id="blog-header"><div class="blog-title"><a href="/">${nick}의 기록</a></div><div class="blog-menu"><a href="/category/1">일상</a><a href="/category/2">여행</a><a href="/category/3">요리</a><a href="/guestbook">방명록</a></div></div>
<div id="whole-body"><div id="post-area"><div class="se-viewer se-theme-default">
<div class="se-component se-documentTitle"><div class="se-title-text"><span>${esc(article.title)}</span></div>
<div class="blog2_container"><span class="nick"><a href="/profile">${nick}</a></span><span class="se_publishDate pcol2">${spaced}</span><a href="#" class="btn_follow">이웃추가</a></div></div>
<div class="se-main-container">
${paras}
</div></div>
<div class="post_tag"><a href="/tag/1">#${esc(article.linked[0]!)}</a> <a href="/tag/2">#일상</a> <a href="/tag/3">#기록</a></div>
<div class="post-btn"><a href="#" class="u_likeit_button">공감 ${ctx.i + 3}</a><a href="#" class="btn_comment">댓글 7</a><a href="#" class="btn_share">공유하기</a></div>
<div class="area_comment"><div class="comment_area"><ul class="u_cbox_list">
${comments(ctx, 7, (items) => items, (c, who, at) => `<li class="u_cbox_comment"><div class="u_cbox_comment_box"><span class="u_cbox_nick">${who}</span><div class="u_cbox_text_wrap"><span class="u_cbox_contents">${c} ${c}</span></div><span class="u_cbox_date">${at}</span></div></li>`)}
</ul></div></div>
</div>
<div id="sidebar"><div class="widget profile"><p>${nick}</p><p>소소한 일상과 여행, 맛있는 이야기를 기록합니다.</p></div><div class="widget recent"><h4>최근 글</h4><ul>${related(ctx, 5, true)}</ul></div></div></div>
<div id="footer">누리 블로그 ⓒ NURI Corp.</div>
</body></html>`,
  };
};

const regionalCms: Layout = (ctx) => {
  const { article, when } = ctx;
  const dateOnly = ctx.i % 4 === 1;
  const paras = bodyParagraphs(ctx).map((p) => `<p>${p}</p>`).join('\n');
  const meta = ctx.i % 2 === 0 ? `<meta property="article:published_time" content="${dotted(when).replace(/\./g, '-')}T${hm(when)}:${pad(when.s)}+09:00">` : '';
  return {
    timeShown: dateOnly ? false : true,
    secondsShown: !dateOnly && meta !== '',
    html: `<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>${esc(article.title)} - 누리일보</title>
<meta property="og:title" content="${esc(article.title)} - 누리일보">
${dateOnly ? '' : meta}
</head><body>
<div id="user-wrap"><header id="user-header"><div class="header-logo"><a href="/">누리일보</a></div><nav id="user-nav">${gnb('nav-menu')}</nav></header>
<div id="user-container"><div class="float-center max-width-1080">
<section class="user-snb"><div class="article-head-title">${esc(article.title)}</div>
<div class="info-group"><article class="info-text"><ul class="infomation"><li><i class="icon-user-o"></i> ${byline(ctx)}</li><li><i class="icon-clock-o"></i> ${dateOnly ? `입력 ${dotted(when).replace(/\./g, '-')}` : `승인 ${dotted(when)} ${hm(when)}`}</li><li><i class="icon-comment-o"></i> 댓글 0</li></ul></article>
<div class="article-util"><a href="#" class="btn-font">글씨키우기</a><a href="#" class="btn-print">인쇄하기</a><a href="#" class="btn-sns">SNS 기사보내기</a></div></div></section>
<section class="article-veiw-body view-page font-size17" id="article-view-content-div" itemprop="articleBody">
${paras}
</section>
<div class="view-copyright">저작권자 © 누리일보 무단전재 및 재배포 금지</div>
<div class="view-editors"><div class="profile-images"></div><div class="names">${ctx.reporters[0]} 기자 다른기사 보기</div></div>
<section class="relation"><h3 class="heading">관련기사</h3><ul class="auto-rows">${related(ctx, 4, true)}</ul></section>
<section class="comments"><h3>댓글</h3><p>로그인 후 댓글을 남길 수 있습니다.</p></section>
<aside class="side"><section class="auto-sticky"><h3>많이 본 뉴스</h3><ul>${related(ctx, 10, false)}</ul></section></aside>
</div></div>
<footer id="user-footer"><div class="company">누리일보 | 경기도 수원시 | 등록번호 경기 아 00000 | 발행·편집인 누리 | 청소년보호책임자 누리</div><div class="copyright">Copyright © 2026 누리일보. All rights reserved.</div></footer></div>
</body></html>`,
  };
};

const LAYOUTS: [string, Layout][] = [
  ['portal-n', portalN],
  ['portal-d', portalD],
  ['newspaper-ld', newspaperLd],
  ['newspaper-table', oldTable],
  ['broadcast-k', broadcastK],
  ['broadcast-s', broadcastS],
  ['blog', blog],
  ['regional-cms', regionalCms],
];

const LEADS = ['[서울=누리통신] ', '(세종=누리통신) ', '[부산=누리통신] '];

export function generate(): { pages: GoldPage[]; html: Map<string, string> } {
  const pages: GoldPage[] = [];
  const html = new Map<string, string>();
  const rounds = 3;
  for (let i = 0; i < ARTICLES.length * rounds; i++) {
    const a = i % ARTICLES.length;
    const round = Math.floor(i / ARTICLES.length);
    const [layoutName, layout] = LAYOUTS[(a + round * 3) % LAYOUTS.length]!;
    const rnd = seeded(1000 + i);
    const day = 1 + ((i * 37) % 330);
    const base = Date.UTC(2026, 0, 1) + day * 86_400_000;
    const k = new Date(base);
    const when: When = { y: k.getUTCFullYear(), mo: k.getUTCMonth() + 1, d: k.getUTCDate(), h: 6 + Math.floor(rnd() * 17), mi: Math.floor(rnd() * 60), s: Math.floor(rnd() * 60) };
    const two = rnd() < 0.2;
    const first = pick(rnd, REPORTERS);
    const reporters = two ? [first, REPORTERS[(REPORTERS.indexOf(first) + 5) % REPORTERS.length]!] : [first];
    const wire = layoutName.startsWith('portal') || layoutName.startsWith('newspaper');
    const lead = wire && rnd() < 0.5 ? pick(rnd, LEADS) : '';
    const leadText = lead ? `${lead}${reporters.join('·')} 기자 = ` : '';
    const url = `https://news.example.kr/${layoutName}/article/${20260000 + i}`;
    const ctx: Ctx = { i, rnd, article: ARTICLES[a]!, when, reporters, url, lead: leadText };
    const built = layout(ctx);
    const file = `${String(i + 1).padStart(3, '0')}-${layoutName}.html`;
    html.set(file, built.html);
    pages.push({
      file,
      layout: layoutName,
      url,
      title: ctx.article.title,
      text: goldParagraphs(ctx).join('\n\n'),
      byline: built.byline ?? reporters.join(', '),
      publishedAt: iso(when, built.timeShown !== false, built.secondsShown === true),
    });
  }
  return { pages, html };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { pages, html } = generate();
  writeCorpus('korean-news', pages, html);
}
