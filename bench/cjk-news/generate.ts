// Writes the Chinese/Japanese extraction benchmark: realistic pages of fictional outlets in thirteen
// layouts (Chinese portals, a state agency, a party newspaper, a broadcaster, a blog; Taiwanese
// newspaper and forum; Japanese portal, broadcaster, newspaper, wire service, blog) around the texts
// of articles.ts, with their furniture (channel menus, 相关新闻/関連記事 lists, comment threads,
// share bars, editor lines, copyright footers, photo captions, ruby readings, links that split
// words, `<br>`-separated text in bare `<div>`s), some in GBK, Big5, Shift_JIS or EUC-JP declared in
// a meta tag, and the gold title, text, byline and date of each page. Deterministic.
//
// The gold text is what a reader reads as the article: captions, furigana readings, editor lines,
// source lines and paywall notices are not part of it; a dateline or reporter lead printed inside
// the first paragraph ("新华社北京11月29日电（记者李明）", "〔記者王小明／台北報導〕") is.
//
//   npm run -s build && node dist/bench/cjk-news/generate.js     rewrites bench/cjk-news/{pages,gold.json}
import { fileURLToPath } from 'node:url';
import { esc, pad, writeCorpus } from '../news-corpus.js';
import iconv from 'iconv-lite';
import { ARTICLES, COMMENTS, RELATED, type CjkArticle, type Script } from './articles.js';

export interface CjkGoldPage {
  file: string;
  layout: string;
  /** zh or ja: the language the bench groups by. */
  lang: 'zh' | 'ja';
  script: Script;
  /** The charset the page's bytes are in (declared in its meta tag). */
  encoding: string;
  url: string;
  title: string;
  text: string;
  /** Names of the authors joined by ", "; empty when the page names none. */
  byline: string;
  /** ISO instant of publication, as precise as the page shows it. */
  publishedAt: string;
}


interface When {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  /** Offset from UTC in hours: 8 for China and Taiwan, 9 for Japan. */
  zone: number;
}

function iso(w: When, withSeconds: boolean): string {
  const z = `+${pad(w.zone)}:00`;
  return new Date(`${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${withSeconds ? pad(w.s) : '00'}${z}`).toISOString();
}

function later(w: When, minutes: number): When {
  const ms = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) + minutes * 60_000;
  const k = new Date(ms);
  return { y: k.getUTCFullYear(), mo: k.getUTCMonth() + 1, d: k.getUTCDate(), h: k.getUTCHours(), mi: k.getUTCMinutes(), s: k.getUTCSeconds(), zone: w.zone };
}

const dashed = (w: When): string => `${w.y}-${pad(w.mo)}-${pad(w.d)}`;
const hm = (w: When): string => `${pad(w.h)}:${pad(w.mi)}`;
const hms = (w: When): string => `${hm(w)}:${pad(w.s)}`;
const nian = (w: When): string => `${w.y}年${pad(w.mo)}月${pad(w.d)}日`;
const jpDate = (w: When): string => `${w.y}年${w.mo}月${w.d}日`;
const jpTime = (w: When): string => `${w.h}時${pad(w.mi)}分`;
const weekdayJa = (w: When): string => '日月火水木金土'[new Date(Date.UTC(w.y, w.mo - 1, w.d)).getUTCDay()]!;
const offsetIso = (w: When, seconds = true): string => `${dashed(w)}T${seconds ? hms(w) : `${hm(w)}:00`}+${pad(w.zone)}:00`;

interface Ctx {
  i: number;
  article: CjkArticle;
  when: When;
  url: string;
}

interface Built {
  html: string;
  encoding?: string;
  /** The gold text when the page prints more than the paragraphs (a dateline lead). */
  paragraphs?: string[];
  byline?: string;
  secondsShown?: boolean;
}

type Layout = (ctx: Ctx) => Built;

/**
 * The paragraph as HTML: words of `linked` wrapped in a keyword link (the whole word, or its second
 * half as portals' auto-linkers do), and Japanese words with furigana as `<ruby>`.
 */
function inline(ctx: Ctx, text: string, k: number, withRuby = false): string {
  let html = esc(text);
  for (const word of ctx.article.linked) {
    const at = html.indexOf(word);
    if (at < 0 || (k + ctx.i) % 2 === 1) continue;
    const cut = (ctx.i + k) % 3 === 0 ? 0 : Math.max(1, Math.floor(word.length / 2));
    const inner = word.slice(cut);
    const tag = (ctx.i + k) % 4 === 3 ? `<strong>${inner}</strong>` : `<a href="https://search.example.com/?q=${encodeURIComponent(word)}" target="_blank" class="keywords">${inner}</a>`;
    html = `${html.slice(0, at)}${word.slice(0, cut)}${tag}${html.slice(at + word.length)}`;
    break;
  }
  if (withRuby) {
    for (const [base, reading] of ctx.article.ruby ?? []) {
      html = html.replace(base, `<ruby>${base}<rp>（</rp><rt>${reading}</rt><rp>）</rp></ruby>`);
    }
  }
  return html;
}

function paragraphsHtml(ctx: Ctx, paragraphs: string[], withRuby = false): string[] {
  return paragraphs.map((p, k) => inline(ctx, p, k, withRuby));
}

function commentList(ctx: Ctx, n: number, item: (c: string, who: string, at: string, k: number) => string): string {
  const list = COMMENTS[ctx.article.script];
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const c = list[(ctx.i * 3 + k) % list.length]!;
    const at = later(ctx.when, 20 + k * 53);
    out.push(item(esc(c), `${'网友小李老王阿杰大熊'.slice((ctx.i + k) % 8, ((ctx.i + k) % 8) + 2)}${(ctx.i * 37 + k * 11) % 1000}`, `${dashed(at)} ${hm(at)}`, k));
  }
  return out.join('\n');
}

function relatedList(ctx: Ctx, n: number, withDates: boolean, path: string): string {
  const list = RELATED[ctx.article.script];
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const t = list[(ctx.i + k * 3) % list.length]!;
    const d = later(ctx.when, -(k + 1) * 1440);
    out.push(`<li><a href="${path}${7000 + ctx.i * 10 + k}.html">${esc(t)}</a>${withDates ? `<span class="time">${dashed(d)}</span>` : ''}</li>`);
  }
  return out.join('\n');
}

const zhReporters = (ctx: Ctx): string => ctx.article.reporters.join('、');

// ---- Chinese (simplified) --------------------------------------------------------------------

/** Portal, GBK: photo gallery captions inside the body, keyword links, editor line, comments. */
const portalSina: Layout = (ctx) => {
  const { article, when } = ctx;
  const lead = article.reporters.length ? `新华社北京${when.mo}月${when.d}日电（记者${zhReporters(ctx)}）` : '';
  const gold = [lead + article.paragraphs[0]!, ...article.paragraphs.slice(1)];
  const paras = paragraphsHtml(ctx, gold).map((p) => `<p>　　${p}</p>`);
  const photos = [1, 2].map((n) => `<div class="img_wrapper"><img src="//n.sinaimg.example/news/${ctx.i}_${n}.jpg" alt="${esc(article.title)}"><span class="img_descr">图为${n === 1 ? '现场' : '资料'}画面。（图片来源：视觉中国）</span></div>`);
  paras.splice(1, 0, photos[0]!);
  if (paras.length > 4) paras.splice(4, 0, `<!-- 正文页画中画 --><div class="ad_pip"><ins class="sinaads" data-ad-pdps="PDPS000000056054"></ins></div>`, photos[1]!);
  return {
    encoding: 'gbk',
    paragraphs: gold,
    byline: article.reporters.join(', '),
    secondsShown: true,
    html: `<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-type" content="text/html; charset=gb2312" />
<title>${esc(article.title)}_新浪新闻</title>
<meta name="keywords" content="${esc(article.linked.join(','))}" />
<meta name="description" content="${esc(article.paragraphs[0]!.slice(0, 60))}" />
<meta property="og:type" content="news" />
<meta property="og:title" content="${esc(article.title)}" />
<meta property="article:published_time" content="${offsetIso(when)}" />
<meta property="article:author" content="新浪网" />
<meta name="mediaid" content="新华网" />
</head>
<body>
<div class="top-nav"><div class="tn-bg"><a href="https://www.sina.example/">新浪首页</a> <a href="/news/">新闻</a> <a href="/sports/">体育</a> <a href="/finance/">财经</a> <a href="/ent/">娱乐</a> <a href="/tech/">科技</a> <a href="/blog/">博客</a> <a href="/video/">视频</a> <span class="tn-login"><a href="/login">登录</a> <a href="/reg">注册</a></span></div></div>
<div class="secondary-nav"><a href="/china/">国内</a> | <a href="/world/">国际</a> | <a href="/society/">社会</a> | <a href="/mil/">军事</a> | <a href="/pic/">图片</a></div>
<div class="main-content w1240">
<h1 class="main-title">${esc(article.title)}</h1>
<div class="top-bar-wrap"><div class="date-source"><span class="date">${nian(when)} ${hm(when)}</span> <a href="http://www.news.cn.example/" class="source ent-source" target="_blank">新华社</a></div>
<div class="top-bar-inner"><a class="share-wb" href="#">微博</a><a class="share-wx" href="#">微信</a><a class="share-qz" href="#">QQ空间</a><span class="comment-count"><a href="#comment">${(ctx.i * 17) % 900 + 12}</a>条评论</span></div></div>
<div class="article-content clearfix" id="article_content"><div class="article-content-left">
<div class="article" id="artibody">
${paras.join('\n')}
<p class="article-editor">责任编辑：刘洋 </p>
</div>
<div class="keywords" id="keywords" data-wbkey="${esc(article.linked.join(','))}"><i>文章关键词：</i>${article.linked.map((w) => `<a href="//tags.news.sina.example/${encodeURIComponent(w)}" target="_blank">${esc(w)}</a>`).join(' ')}</div>
<div class="article-bottom"><div class="bottom-tool"><a href="#" class="share-wb">分享到微博</a> <a href="#" class="report">我要反馈</a> <a href="#" class="save">收藏</a></div></div>
<div class="appendQr_wrap"><p>新浪新闻客户端，每日热点尽在掌握</p><p>扫码下载 新浪新闻APP，看更多精彩内容，领取新人专享红包！小编精心挑选的资讯和独家报道，都在这里等你发现。</p></div>
<div class="blk-related"><h3>相关新闻</h3><ul>${relatedList(ctx, 6, true, '//news.sina.example/c/doc-')}</ul></div>
<div id="bottom_sina_comment" class="sina-comment-wrap"><div class="title">评论 <span class="count">共${(ctx.i * 17) % 900 + 12}人参与</span></div>
<div class="comment-list">
${commentList(ctx, 5, (c, who, at, k) => `<div class="item clearfix"><div class="head"><img src="//tvax.sinaimg.example/u${k}.jpg"></div><div class="txt"><div class="info"><a class="name">${who}</a> <span class="area">[${['北京', '广东', '四川', '浙江', '江苏'][k % 5]}]</span></div><div class="t_txt">${c}</div><div class="action"><span class="time">${at}</span> <a class="good">赞 ${(k * 7 + ctx.i) % 50}</a> <a class="reply">回复</a></div></div></div>`)}
</div><div class="more"><a href="#">查看更多评论</a></div></div>
</div>
<div class="article-content-right"><div class="side-hot"><h3>排行榜</h3><ol>${relatedList(ctx, 8, false, '//news.sina.example/r/')}</ol></div>
<div class="side-ad"><iframe src="//d1.sina.example/ad/300x250.html"></iframe></div></div></div>
</div>
<div class="footer"><p><a href="/about">新浪简介</a> | <a href="/about/en">About Sina</a> | <a href="/ad">广告服务</a> | <a href="/contact">联系我们</a> | <a href="/jobs">招聘信息</a> | <a href="/law">网站律师</a> | <a href="/help">通行证注册</a> | <a href="/service">产品答疑</a></p>
<p>Copyright © 1996-2026 SINA Corporation, All Rights Reserved</p><p>新浪公司 版权所有</p></div>
</body></html>`,
  };
};

/** Portal: "post_body" with a centred photo-and-caption paragraph, author line, 跟贴 comments. */
const portalNetease: Layout = (ctx) => {
  const { article, when } = ctx;
  const paras = paragraphsHtml(ctx, article.paragraphs).map((p) => `<p>${p}</p>`);
  paras.splice(1, 0, `<p class="f_center"><img src="https://nimg.ws.example/${ctx.i}.jpg" alt=""><br>图片来源：IC photo</p>`);
  const author = article.reporters[0] ? `作者：${article.reporters[0]} ` : '';
  return {
    byline: article.reporters[0] ?? '',
    secondsShown: true,
    html: `<!DOCTYPE HTML>
<html id="ne_wrap"><head>
<meta charset="utf-8">
<title>${esc(article.title)}_网易新闻</title>
<meta name="keywords" content="${esc(article.linked.join(','))}">
<meta property="og:title" content="${esc(article.title)}">
<meta property="og:site_name" content="网易">
</head>
<body>
<div class="ns_area topbar"><div class="bar_wrap"><a href="https://www.163.example/">网易首页</a> <a href="#">应用</a> <a href="#">网易新闻</a> <a href="#">网易公开课</a> <a href="#">网易严选</a> <a href="#">邮箱大师</a> <a href="#">网易云课堂</a> <a href="#" class="login">登录</a></div></div>
<div class="N-nav-channel"><a href="/">新闻</a> <a href="/domestic/">国内</a> <a href="/world/">国际</a> <a href="/view/">独家</a> <a href="/photo/">图片</a> <a href="/special/">专题</a></div>
<div class="post_main">
<h1 class="post_title">${esc(article.title)}</h1>
<div class="post_info">${dashed(when)} ${hms(when)}　来源: <a href="https://www.thepaper.example/">澎湃新闻</a>&nbsp;<a href="#post_comment_area" class="post_jubao">举报</a></div>
<div class="post_top_share"><span>分享至</span><a class="share_weixin">微信</a><a class="share_qzone">QQ空间</a><a class="share_weibo">微博</a></div>
<div class="post_content" id="content"><div class="post_body">
${paras.join('\n')}
</div>
<div class="post_statement">特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。</div>
<div class="post_author">本文来源：澎湃新闻 ${author}责任编辑：王晓_NBJ${11000 + ctx.i}</div></div>
<div class="post_recommends"><h3>相关推荐</h3><ul>${relatedList(ctx, 6, true, 'https://www.163.example/dy/article/')}</ul></div>
<div class="tie-area" id="post_comment_area"><div class="tie-titlebar"><span class="tie-title">热门跟贴</span> <span class="tie-info">${(ctx.i * 13) % 3000 + 5}跟贴 ${(ctx.i * 97) % 90000 + 300}人参与</span></div>
<div class="tie-hot">
${commentList(ctx, 6, (c, who, at) => `<div class="bdy-inner"><div class="tie-author"><a class="from-logo">${who}</a> <span class="from">网易${['北京市', '上海市', '广东省广州市', '浙江省杭州市'][ctx.i % 4]}网友</span></div><div class="tie-cnt">${c}</div><div class="tie-footer"><span class="postTime">${at}</span> <a class="vote">顶</a> <a class="against">踩</a> <a class="reply">回复</a></div></div>`)}
</div></div>
</div>
<div class="post_side"><div class="side_hot"><h2>热点新闻</h2><ul>${relatedList(ctx, 6, false, 'https://www.163.example/news/article/')}</ul></div></div>
<div class="N-footer"><p>网易公司版权所有 ©1997-2026</p><p><a href="#">About NetEase</a> | <a href="#">公司简介</a> | <a href="#">联系方法</a> | <a href="#">招聘信息</a> | <a href="#">客户服务</a> | <a href="#">隐私政策</a></p></div>
</body></html>`,
  };
};

/** State news agency: a date split over spans, the dateline lead in the text, 【纠错】 line. */
const agencyXinhua: Layout = (ctx) => {
  const { article, when } = ctx;
  const lead = `新华社北京${when.mo}月${when.d}日电${article.reporters.length ? `（记者${zhReporters(ctx)}）` : ''}　`;
  // The ideographic space after the dateline is the page's own: the gold keeps it.
  const gold = [lead + article.paragraphs[0]!, ...article.paragraphs.slice(1)];
  const paras = paragraphsHtml(ctx, gold).map((p) => `<p>　　${p}</p>`);
  return {
    paragraphs: gold,
    byline: article.reporters.join(', '),
    secondsShown: true,
    html: `<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(article.title)} - 新华网</title>
<meta name="keywords" content="${esc(article.linked.join(','))}" />
<meta name="description" content="${esc(article.title)}---${esc(article.paragraphs[0]!.slice(0, 40))}" />
<meta name="source" content="新华网" />
</head>
<body>
<div class="header"><div class="logo"><a href="http://www.news.cn.example/"><img src="/static/logo.png" alt="新华网"></a></div><div class="nav"><a href="/politics/">时政</a><a href="/local/">地方</a><a href="/legal/">法治</a><a href="/world/">国际</a><a href="/mil/">军事</a><a href="/fortune/">财经</a><a href="/tech/">科技</a><a href="/culture/">文化</a></div></div>
<div class="header-cont clearfix"><div class="header-time left"><span class="year"><em> ${when.y}</em></span><span class="day"><em> ${pad(when.mo)}</em>/<em>${pad(when.d)}</em></span><span class="time"> ${hms(when)}</span></div>
<div class="source">来源：新华网</div><div class="head-line clearfix"><h1><span class="title">${esc(article.title)}</span></h1></div>
<div class="pageShare"><div class="setFont">字体：<span class="bigger">大</span><span class="smaller">小</span></div><div class="share"><a class="wx"></a><a class="wb"></a></div></div></div>
<div class="main clearfix"><div class="main-left left">
<div id="detail"><span id="detailContent">
${paras.join('\n')}
</span></div>
<div class="editor">【纠错】 【责任编辑:刘洋】</div>
<div class="bookList"><div class="tit">相关阅读</div><ul>${relatedList(ctx, 5, false, 'http://www.news.cn.example/politics/2026-11/')}</ul></div>
</div>
<div class="main-right right"><div class="columBox"><div class="col-tit">新华网推荐</div><ul>${relatedList(ctx, 6, true, 'http://www.news.cn.example/rec/')}</ul></div>
<div class="columBox"><div class="col-tit">扫一扫，关注新华网</div><p>新华社客户端下载</p></div></div></div>
<div class="foot"><p>Copyright © 2000-2026 XINHUANET.com All Rights Reserved.</p><p>制作单位：新华网股份有限公司 版权所有 新华网股份有限公司</p></div>
</body></html>`,
  };
};

/** Party newspaper: full-width indented paragraphs, 本报 lead, 责编 line, "--国内频道" suffix. */
const newspaperPeople: Layout = (ctx) => {
  const { article, when } = ctx;
  const lead = article.reporters.length ? `本报北京${when.mo}月${when.d}日电　（记者${zhReporters(ctx)}）` : '';
  const gold = [lead + article.paragraphs[0]!, ...article.paragraphs.slice(1)];
  const paras = paragraphsHtml(ctx, gold).map((p) => `<p style="text-indent: 2em;">${p}</p>`);
  return {
    paragraphs: gold,
    byline: article.reporters.join(', '),
    html: `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="content-type" content="text/html;charset=UTF-8"/>
<title>${esc(article.title)}--国内频道--人民网</title>
<meta name="keywords" content="${esc(article.linked.join(' '))}" />
<meta name="description" content="${esc(article.paragraphs[0]!.slice(0, 50))}" />
<meta name="publishdate" content="${dashed(when)}" />
</head>
<body>
<div class="w1000 pd_top"><div class="fl"><a href="http://www.people.example/">人民网</a> &gt;&gt; <a href="http://society.people.example/">国内频道</a></div><div class="fr"><a href="#">人民日报</a> | <a href="#">网站无障碍</a></div></div>
<div class="main"><div class="layout rm_txt cf"><div class="col col-1 fl">
<div class="rm_txt_con_title"><h3 class="pre"></h3><h1>${esc(article.title)}</h1><h4 class="sub"></h4>
<div class="col-1-1 fl">${nian(when)}${hm(when)} | 来源：<a href="http://paper.people.example/" target="_blank">人民网－人民日报</a></div>
<div class="col-1-1 fr"><span>小字号</span><div class="share">分享到：<a class="wx"></a><a class="wb"></a></div></div></div>
<div class="rm_txt_con cf">
${paras.join('\n')}
<p style="text-indent: 2em;"><strong>　　《 人民日报 》（ ${nian(when).replace(/^\d+年/, '')} 04 版）</strong></p>
<div class="edit cf">(责编：张三、李四)</div>
</div>
<div class="rm_relevant cf"><div class="title">相关新闻</div><ul>${relatedList(ctx, 5, true, 'http://society.people.example/n1/2026/')}</ul></div>
<div class="rm_share"><p>分享让更多人看到</p></div>
<div class="box_ph"><h2>推荐阅读</h2><ul>${relatedList(ctx, 4, false, 'http://www.people.example/rec/')}</ul></div>
</div>
<div class="col col-2 fr"><div class="rm_box"><h2>热门排行</h2><ol>${relatedList(ctx, 10, false, 'http://www.people.example/hot/')}</ol></div></div></div></div>
<div class="foot"><p>人 民 网 股 份 有 限 公 司 版 权 所 有 ，未 经 书 面 授 权 禁 止 使 用</p><p>Copyright © 1997-2026 by www.people.example. all rights reserved</p></div>
</body></html>`,
  };
};

/** Broadcaster: 央视网消息 lead, video player, centred captions as paragraphs, 编辑 line. */
const broadcastCctv: Layout = (ctx) => {
  const { article, when } = ctx;
  const gold = [`央视网消息：${article.paragraphs[0]!}`, ...article.paragraphs.slice(1)];
  const paras = paragraphsHtml(ctx, gold).map((p) => `<p>　　${p}</p>`);
  paras.splice(2, 0, `<p style="text-align: center;"><img src="https://p1.img.cctv.example/photo/${ctx.i}.jpg" alt="" /></p>`, `<p style="text-align: center;" class="photo_desc">（资料图）</p>`);
  return {
    paragraphs: gold,
    byline: '',
    html: `<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>${esc(article.title)}_新闻频道_央视网(cctv.com)</title>
<meta name="keywords" content="${esc(article.linked.join(' '))}">
<meta name="description" content="${esc(article.paragraphs[0]!.slice(0, 70))}">
<meta name="spm-id" content="C94212.P4YnMod9m2uD.ENPMkWvfnaiV">
</head>
<body>
<div class="header_nav"><div class="logo"><a href="https://www.cctv.example/">央视网</a></div><ul class="nav"><li><a href="https://news.cctv.example/">新闻</a></li><li><a href="https://sports.cctv.example/">体育</a></li><li><a href="https://tv.cctv.example/">直播</a></li><li><a href="https://tv.cctv.example/lm/">栏目</a></li><li><a href="https://tv.cctv.example/yxg/">片库</a></li></ul></div>
<div class="column_wrapper"><div class="col_w660">
<div class="title_area"><h1>${esc(article.title)}</h1><div class="info1">来源：央视新闻客户端 | ${nian(when)} ${hm(when)}</div>
<div class="info2"><a class="share_wx">微信</a><a class="share_wb">微博</a><a class="share_qq">QQ</a></div></div>
<div id="video_player" class="video_area"><div class="player_box" data-guid="${(ctx.i * 7919).toString(16)}a0b1c2d3"><p class="player_tip">您的浏览器版本过低，请升级浏览器后观看视频</p></div></div>
<div class="content_area" id="content_area">
${paras.join('\n')}
</div>
<div class="zebian"><span>编辑：马静</span> <span>责任编辑：王军</span></div>
<div class="xgxw"><h3>相关新闻</h3><ul>${relatedList(ctx, 5, true, 'https://news.cctv.example/2026/11/')}</ul></div>
<div class="tuijian"><h3>精彩推荐</h3><ul>${relatedList(ctx, 4, false, 'https://news.cctv.example/tj/')}</ul></div>
</div>
<div class="col_w300"><div class="rmtj"><h3>热点新闻</h3><ul>${relatedList(ctx, 8, false, 'https://news.cctv.example/hot/')}</ul></div></div></div>
<div class="footer"><p>违法和不良信息举报电话：010-00000000 举报邮箱：jubao@cctv.example</p><p>Copyright 1996-2026 CCTV.com, All Rights Reserved 中央广播电视总台 版权所有</p></div>
</body></html>`,
  };
};

/** Personal blog: text in bare `<div>`s broken by `<br>`, the author's nickname, long comments. */
const blogZh: Layout = (ctx) => {
  const { article, when } = ctx;
  const nick = ['拾光笔记', '城南旧事', '老周说事'][ctx.i % 3]!;
  const body = paragraphsHtml(ctx, article.paragraphs)
    .map((p, k) => (k % 2 === 0 ? `<div>${p}</div>\n<div><br></div>` : `${p}<br><br>`))
    .join('\n');
  return {
    byline: nick,
    secondsShown: true,
    html: `<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<title>${esc(article.title)} - ${nick} - 简记</title>
<meta name="author" content="${nick}">
<meta property="og:title" content="${esc(article.title)}">
<meta property="og:site_name" content="简记">
</head>
<body>
<nav class="navbar"><a class="logo" href="/">简记</a><a href="/">首页</a><a href="/apps">下载App</a><a href="/vip">会员</a><input type="text" placeholder="搜索"><a href="/sign_in">登录</a><a href="/sign_up">注册</a><a href="/writer" class="btn write-btn">写文章</a></nav>
<div class="note"><div class="post"><div class="article">
<h1 class="title">${esc(article.title)}</h1>
<div class="author"><a class="avatar" href="/u/${ctx.i}"><img src="/avatar/${ctx.i}.jpg"></a><div class="info"><span class="name"><a href="/u/${ctx.i}">${nick}</a></span> <a class="btn btn-success follow">关注</a>
<div class="meta"><span class="publish-time">${when.y}.${pad(when.mo)}.${pad(when.d)} ${hms(when)}</span> <span class="wordage">字数 ${article.paragraphs.join('').length}</span> <span class="views-count">阅读 ${(ctx.i * 131) % 5000 + 40}</span></div></div></div>
<div class="show-content"><div class="show-content-free">
${body}
</div></div>
</div>
<div class="support-author"><p>小礼物走一走，来简记关注我</p><a class="btn btn-pay">赞赏支持</a></div>
<div class="show-foot"><a class="notebook" href="/nb/${ctx.i}">随笔</a> <div class="copyright">© 著作权归作者所有,转载或内容合作请联系作者</div></div>
<div class="meta-bottom"><div class="like"><a class="btn like-group">喜欢 ${ctx.i + 2}</a></div><div class="share-group"><a class="share-circle">微信</a><a class="share-circle">微博</a><a class="share-circle">更多分享</a></div></div>
<div id="comment-list" class="comment-list"><div class="normal-comment-list"><div class="top-title"><span>${6}条评论</span> <a class="author-only">只看作者</a> <a class="order">按时间倒序</a></div>
${commentList(ctx, 6, (c, who, at, k) => `<div class="comment"><div class="author"><a class="avatar"><img src="/a/${k}.jpg"></a><div class="info"><a class="name">${who}</a><div class="meta"><span>${k + 2}楼 · ${at}</span></div></div></div><div class="comment-wrap"><p>${c}${k % 2 === 0 ? ` ${c}` : ''}</p><div class="tool-group"><a>赞</a> <a>回复</a></div></div></div>`)}
</div></div>
</div>
<div class="note-bottom"><div class="seo-recommended-notes"><h3>推荐阅读</h3>${relatedList(ctx, 5, false, '/p/')}</div></div></div>
<footer class="footer"><p>关于简记 · 联系我们 · 加入我们 · 帮助中心 · 合作伙伴</p><p>©2012-2026 简记 / 沪ICP备00000000号</p></footer>
</body></html>`,
  };
};

// ---- Chinese (traditional) -------------------------------------------------------------------

/** Taiwanese newspaper: 〔記者…報導〕 lead, photo with caption in the text, "｜" suffix. */
const newspaperTw: Layout = (ctx) => {
  const { article, when } = ctx;
  const lead = article.reporters.length ? `〔記者${article.reporters[0]}／台北報導〕` : '';
  const gold = [lead + article.paragraphs[0]!, ...article.paragraphs.slice(1)];
  const paras = paragraphsHtml(ctx, gold).map((p) => `<p>${p}</p>`);
  paras.splice(1, 0, `<div class="photo boxTitle"><a href="#" class="image-popup"><img src="https://img.ltn.example/${ctx.i}.jpg" alt=""></a><p>${esc(article.title.slice(0, 10))}。（記者${article.reporters[0] ?? '林志明'}攝）</p></div>`);
  paras.splice(3, 0, `<p class="appE1121"><a href="https://ltn.example/app" target="_blank">不用抽 不用搶 現在用APP看新聞 保證天天中獎</a></p><p><a href="https://ltn.example/app" target="_blank">點我下載APP</a> <a href="https://ltn.example/event" target="_blank">按我看活動辦法</a></p>`);
  return {
    paragraphs: gold,
    byline: article.reporters[0] ?? '',
    html: `<!DOCTYPE html>
<html lang="zh-Hant-TW"><head>
<meta charset="utf-8">
<title>${esc(article.title)} - 生活 - 自由時報電子報</title>
<meta property="og:title" content="${esc(article.title)} - 自由時報電子報">
<meta property="og:site_name" content="自由時報電子報">
<meta property="article:published_time" content="${offsetIso(when, false)}">
<meta name="author" content="自由時報">
</head>
<body>
<div class="header"><a href="/" class="logo">自由時報</a><ul class="channel"><li><a href="/list/breakingnews">即時</a></li><li><a href="/list/politics">政治</a></li><li><a href="/list/society">社會</a></li><li><a href="/list/life">生活</a></li><li><a href="/list/world">國際</a></li><li><a href="/list/sports">體育</a></li></ul></div>
<div class="content"><div class="whitecon articlebody">
<h1>${esc(article.title)}</h1>
<div class="function boxTitle"><span class="time">${when.y}/${pad(when.mo)}/${pad(when.d)} ${hm(when)}</span><div class="share"><a class="fb">分享</a><a class="line">LINE</a><a class="print">列印</a></div></div>
<div class="text boxTitle boxText" data-desc="內容頁">
${paras.join('\n')}
<p class="before_ir">不用抽 不用搶 現在用APP看新聞 保證天天中獎</p>
</div>
<div class="related"><h3>相關新聞</h3><ul>${relatedList(ctx, 4, true, '/article/life/breakingnews/')}</ul></div>
<div class="fb-comments"><h3>留言</h3>${commentList(ctx, 3, (c, who, at) => `<div class="cmt"><b>${who}</b> <span>${at}</span><p>${c}</p></div>`)}</div>
</div>
<div class="rank"><h3>熱門新聞</h3><ol>${relatedList(ctx, 8, false, '/article/hot/')}</ol></div></div>
<div class="footer"><p>自由時報版權所有不得轉載 © 2026 The Liberty Times. All Rights Reserved.</p></div>
</body></html>`,
  };
};

/** Forum thread (Discuz-like), Big5: the first post reposts the news, replies follow in tables. */
const forumTw: Layout = (ctx) => {
  const { article, when } = ctx;
  const poster = ['小熊愛吃糖', '阿德', 'kevin0912'][ctx.i % 3]!;
  const body = paragraphsHtml(ctx, article.paragraphs).join('<br />\r\n<br />\r\n');
  const replies = commentList(ctx, 5, (c, who, at, k) => `<table class="plhin" id="pid${900 + k}"><tr><td class="pls"><div class="authi"><a class="xw1">${who}</a></div></td><td class="plc"><div class="pi"><strong><a>${k + 2}<sup>#</sup></a></strong><div class="authi">發表於 ${at}</div></div><div class="t_fsz"><table><tr><td class="t_f" id="postmessage_${900 + k}">${c}</td></tr></table></div></td></tr></table>`);
  return {
    encoding: 'big5',
    byline: poster,
    html: `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=big5" />
<title>${esc(article.title)} - 時事討論區 -  鄉民論壇 -  Powered by Discuz!</title>
<meta name="keywords" content="${esc(article.title)}" />
<meta name="generator" content="Discuz! X3.4" />
</head>
<body id="nv_forum" class="pg_viewthread">
<div id="toptb" class="cl"><div class="z"><a href="/">鄉民論壇</a> <a href="/forum.php">論壇</a> <a href="/home.php">家園</a></div><div class="y"><a href="/member.php?mod=logging">登錄</a> <a href="/member.php?mod=register">立即註冊</a></div></div>
<div id="pt" class="bm cl"><div class="z"><a href="/" class="nvhm">鄉民論壇</a> <em>›</em> <a href="/forum-12-1.html">時事討論區</a> <em>›</em> <a href="/thread-${ctx.i}-1-1.html">${esc(article.title)}</a></div></div>
<div id="ct" class="wp cl"><div id="postlist" class="pl bm">
<table cellspacing="0" cellpadding="0"><tr><td class="pls ptn pbn"><div class="hm ptn"><span class="xg1">查看:</span> <span class="xi1">${(ctx.i * 311) % 9000 + 100}</span><span class="pipe">|</span><span class="xg1">回復:</span> <span class="xi1">5</span></div></td>
<td class="plc ptm pbn vwthd"><h1 class="ts"><span id="thread_subject">${esc(article.title)}</span></h1></td></tr></table>
<div id="post_${800 + ctx.i}"><table class="plhin" id="pid${800 + ctx.i}"><tr><td class="pls" rowspan="2"><div class="pi"><div class="authi"><a href="/space-uid-${ctx.i}.html" class="xw1">${poster}</a></div></div><div class="tns"><p>帖子 ${ctx.i * 23 + 5}</p><p>積分 ${ctx.i * 97 + 10}</p></div></td>
<td class="plc"><div class="pi"><strong><a>樓主</a></strong><div class="pti"><div class="authi"><em id="authorposton${800 + ctx.i}">發表於 ${dashed(when)} ${hm(when)}</em> <span class="pipe">|</span> <a>只看該作者</a></div></div></div>
<div class="pct"><div class="pcb"><div class="t_fsz"><table cellspacing="0" cellpadding="0"><tr><td class="t_f" id="postmessage_${800 + ctx.i}">
${body}<br />
</td></tr></table></div></div></div></td></tr>
<tr><td class="plc plm"><div class="sign">新聞來源：網路轉載，如有侵權請告知刪除。簽名檔：每天都要開開心心的～</div></td></tr></table></div>
${replies}
</div>
<div class="pgs mtm mbm cl"><div class="pg"><strong>1</strong><a href="/thread-${ctx.i}-2-1.html">2</a><a class="nxt">下一頁</a></div></div>
<div id="f_pst" class="pl bm bmw"><form><textarea name="message" placeholder="您需要登錄後才可以回帖"></textarea></form></div></div>
<div id="ft" class="wp cl"><p>Powered by Discuz! X3.4 © 2001-2026 Tencent Cloud.</p><p>鄉民論壇 版權所有</p></div>
</body></html>`,
  };
};

// ---- Japanese ---------------------------------------------------------------------------------

const OUTLETS_JA = ['共同通信', '時事通信', 'テレビ東和', '東和新聞'];

/** Portal: one `<p>` with `<br>` lines, JSON-LD date only, comment count and 関連記事. */
const portalYahoo: Layout = (ctx) => {
  const { article, when } = ctx;
  const outlet = OUTLETS_JA[ctx.i % OUTLETS_JA.length]!;
  const text = paragraphsHtml(ctx, article.paragraphs).join('<br><br>');
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: `${article.title}（${outlet}）`,
    datePublished: offsetIso(when),
    publisher: { '@type': 'Organization', name: `${outlet}` },
  };
  return {
    byline: '',
    secondsShown: true,
    html: `<!DOCTYPE html>
<html lang="ja"><head>
<meta charset="utf-8">
<title>${esc(article.title)}（${outlet}） - Yahoo!ニュース</title>
<meta property="og:title" content="${esc(article.title)}（${outlet}） - Yahoo!ニュース">
<meta property="og:site_name" content="Yahoo!ニュース">
<meta name="description" content="${esc(article.paragraphs[0]!.slice(0, 80))}">
<script type="application/ld+json">${JSON.stringify(ld)}</script>
</head>
<body>
<div id="wrapper"><header class="sc-header"><a href="https://www.yahoo.example/">Yahoo! JAPAN</a> <a href="https://news.yahoo.example/">ヘルプ</a><nav><ul><li><a href="/">トップ</a></li><li><a href="/categories/domestic">国内</a></li><li><a href="/categories/world">国際</a></li><li><a href="/categories/business">経済</a></li><li><a href="/categories/entertainment">エンタメ</a></li><li><a href="/categories/sports">スポーツ</a></li><li><a href="/categories/it">IT</a></li></ul></nav></header>
<div id="contentsWrap"><article id="uamods" class="article_body_wrap">
<header><h1 class="sc-uzx6gd-1">${esc(article.title)}</h1></header>
<div class="sc-bbhvtn-0"><p class="sc-1wsbmrn-0"><time>${when.mo}/${when.d}(${weekdayJa(when)}) ${hm(when)}配信</time></p><div class="sc-comment"><a href="/articles/${(ctx.i * 7793).toString(16)}/comments"><span>コメント</span><span>${(ctx.i * 41) % 800 + 3}件</span></a></div></div>
<div class="article_body highLightSearchTarget"><div class="sc-54nboa-0">
<p class="sc-54nboa-0 yjSlinkDirectlink highLightSearchTarget">${text}</p>
</div></div>
<p class="source">【${outlet}】</p>
<footer><a href="https://${outlet === '共同通信' ? 'kyodo' : 'media'}.example/">${outlet}</a><p>最終更新:${when.mo}/${when.d}(${weekdayJa(when)}) ${hm(later(when, 12))}</p></footer>
<div class="share"><a>X</a><a>Facebook</a><a>LINE</a><a>ブックマーク</a></div>
</article>
<section class="relatedArticles"><h2>関連記事</h2><ul>${relatedList(ctx, 5, false, 'https://news.yahoo.example/articles/')}</ul></section>
<section class="comment"><h2>コメント<span>${(ctx.i * 41) % 800 + 3}件</span></h2><p>※Yahoo!ニュースのコメント欄に寄せられたコメントです</p><ul>
${commentList(ctx, 5, (c, who, at, k) => `<li class="comment-item"><article><h3><a>${who}</a></h3><time>${at}</time><p class="comment-text">${c}</p><div><button>共感した ${(k * 31 + ctx.i) % 300}</button><button>なるほど ${k * 3}</button><button>うーん ${k}</button></div></article></li>`)}
</ul></section>
<aside class="ranking"><h2>アクセスランキング</h2><ol>${relatedList(ctx, 8, false, 'https://news.yahoo.example/ranking/')}</ol></aside>
</div>
<footer id="footer"><p>© LY Corporation</p><p>Yahoo!ニュースに掲載している記事の著作権は、各配信元に帰属します。</p></footer></div>
</body></html>`,
  };
};

/** Broadcaster: summary block, body paragraphs with ruby, "｜NHKニュース" suffix, no byline. */
const broadcastNhk: Layout = (ctx) => {
  const { article, when } = ctx;
  const [first, ...rest] = paragraphsHtml(ctx, article.paragraphs, true);
  return {
    byline: '',
    html: `<!DOCTYPE html>
<html lang="ja"><head>
<meta charset="UTF-8">
<title>${esc(article.title)}｜NHKニュース</title>
<meta property="og:title" content="${esc(article.title)} | NHK">
<meta property="og:site_name" content="NHKニュース">
<meta name="description" content="${esc(article.paragraphs[0]!)}">
</head>
<body>
<div id="header"><div class="header-inner"><a href="/news/" class="logo">NHK NEWS WEB</a><ul class="g-nav"><li><a href="/news/">トップ</a></li><li><a href="/news/cat01.html">社会</a></li><li><a href="/news/cat03.html">科学・文化</a></li><li><a href="/news/cat04.html">政治</a></li><li><a href="/news/cat05.html">経済</a></li><li><a href="/news/cat06.html">国際</a></li><li><a href="/news/weather/">天気</a></li></ul></div></div>
<div id="main"><main class="content--detail"><section class="module--detail">
<header class="content--header"><h1 class="content--title"><span>${esc(article.title)}</span></h1>
<p class="content--date"><time datetime="${dashed(when)}T${hm(when)}">${jpDate(when)} ${jpTime(when)}</time></p>
<ul class="content--tags"><li><a href="/news/cat01.html">${esc(article.section)}</a></li></ul></header>
<div class="content--detail-share"><a class="share-x">ポスト</a><a class="share-fb">シェア</a><a class="share-line">LINEで送る</a><a class="share-copy">リンクをコピー</a></div>
<div class="content--detail-body"><div class="content--summary">${first}</div>
<div class="content--detail-more">${rest.map((p) => `<div class="body-text"><p>${p}</p></div>`).join('\n')}</div></div>
<div class="content--detail-links"><h3>関連ニュース</h3><ul>${relatedList(ctx, 4, true, '/news/html/2026/')}</ul></div>
</section></main>
<aside class="side"><div class="module--ranking"><h2>アクセスランキング</h2><ol>${relatedList(ctx, 10, false, '/news/html/rank/')}</ol></div>
<div class="module--banner"><p>NHKプラスで番組を見る</p><p>放送中の番組や見逃した番組を、スマートフォンやパソコンでご覧いただけます。</p></div></aside></div>
<footer id="footer"><p>NHKについて | 受信料の窓口 | 番組表 | ご意見・お問い合わせ</p><p>Copyright NHK (Japan Broadcasting Corporation) All rights reserved. 許可なく転載することを禁じます。このページは受信料で制作しています。</p></footer>
</body></html>`,
  };
};

/** Newspaper, EUC-JP: byline in the header, a photo caption, a paywall note, "：朝日新聞デジタル". */
const newspaperAsahi: Layout = (ctx) => {
  const { article, when } = ctx;
  const paras = paragraphsHtml(ctx, article.paragraphs, ctx.i % 2 === 0).map((p) => `<p>${p}</p>`);
  paras.splice(1, 0, `<div class="photo"><img src="https://image.asahi.example/${ctx.i}.jpg" alt=""><p class="caption">${esc(article.title.split('　')[0]!)}＝${when.d}日午前、${esc(article.reporters[0] ?? '本社')}撮影</p></div>`);
  return {
    encoding: 'euc-jp',
    byline: article.reporters.join(', '),
    secondsShown: true,
    html: `<!DOCTYPE html>
<html lang="ja"><head>
<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">
<title>${esc(article.title)}：朝日新聞デジタル</title>
<meta property="og:title" content="${esc(article.title)}：朝日新聞デジタル">
<meta property="og:site_name" content="朝日新聞デジタル">
<meta property="article:published_time" content="${offsetIso(when)}">
<meta name="cXenseParse:author" content="${esc(article.reporters.join(','))}">
</head>
<body>
<div id="Header"><a href="/" class="logo">朝日新聞デジタル</a><nav class="GlobalNav"><a href="/news/">ニュース</a> <a href="/politics/">政治</a> <a href="/business/">経済</a> <a href="/national/">社会</a> <a href="/international/">国際</a> <a href="/culture/">文化</a> <a href="/sports/">スポーツ</a></nav><a href="/login" class="login">ログイン</a> <a href="/subscribe" class="subscribe">有料会員に登録する</a></div>
<main id="MainInner"><div class="y_Ko0"><h1>${esc(article.title)}</h1>
<div class="byline"><a href="/reporter/${ctx.i}">${esc(article.reporters.join('、'))}</a></div>
<div class="date"><time datetime="${offsetIso(when)}">${jpDate(when)} ${pad(when.h)}時${pad(when.mi)}分</time></div>
<div class="share"><a>X</a><a>Facebook</a><a>はてなブックマーク</a><a>メール</a><a>リンク</a><a>印刷</a></div></div>
<div class="nfyQp">
${paras.join('\n')}
</div>
<div class="paywall"><p>この記事は有料記事です。残り${(ctx.i * 97) % 1500 + 400}文字</p><p>有料会員になると続きをお読みいただけます。</p><a href="/subscribe">今すぐ登録（初月無料）</a> <a href="/login">ログインする</a></div>
<div class="Relation"><h2>関連ニュース</h2><ul>${relatedList(ctx, 5, true, '/articles/ASR')}</ul></div>
<div class="Comment"><h2>コメントプラス</h2><p>${esc(COMMENTS.ja[ctx.i % COMMENTS.ja.length]!)}</p><p class="commenter">（大学教授・経済学）</p></div>
</main>
<aside class="Sub"><h2>ランキング</h2><ol>${relatedList(ctx, 10, false, '/articles/rank/')}</ol></aside>
<footer id="Footer"><p>朝日新聞社の公式SNS | 会社案内 | 個人情報 | 著作権 | リンク | 広告掲載</p><p>Copyright © The Asahi Shimbun Company. All rights reserved. No reproduction or republication without written permission.</p></footer>
</body></html>`,
  };
};

/** Wire service, Shift_JIS: short item in `<div class="ArticleText">`, 【時事ドットコム】 tail. */
const wireJiji: Layout = (ctx) => {
  const { article, when } = ctx;
  const paras = paragraphsHtml(ctx, article.paragraphs).map((p) => `<p>　${p}</p>`);
  return {
    encoding: 'shift_jis',
    byline: '',
    html: `<!DOCTYPE html>
<html lang="ja"><head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>${esc(article.title)}：時事ドットコム</title>
<meta property="og:title" content="${esc(article.title)}：時事ドットコム">
<meta property="og:site_name" content="時事ドットコム">
</head>
<body>
<div class="HeaderArea"><a href="/" class="logo">時事ドットコム</a><ul class="HeaderNav"><li><a href="/jc/list?g=pol">政治</a></li><li><a href="/jc/list?g=eco">経済</a></li><li><a href="/jc/list?g=soc">社会</a></li><li><a href="/jc/list?g=int">国際</a></li><li><a href="/jc/list?g=spo">スポーツ</a></li></ul></div>
<div class="MainInner"><article class="ArticleArea">
<h1 class="ArticleTitle">${esc(article.title)}</h1>
<p class="ArticleDate">${jpDate(when)}${pad(when.h)}時${pad(when.mi)}分</p>
<ul class="ArticleShare"><li>X</li><li>Facebook</li><li>LINE</li><li>はてな</li></ul>
<div class="ArticleText">
${paras.join('\n')}
</div>
<p class="ArticleSource">【時事通信社】</p>
<div class="ArticleRelated"><h2>関連記事</h2><ul>${relatedList(ctx, 4, false, '/jc/article?k=2026112')}</ul></div>
<div class="ArticleCategory"><h2>${esc(article.section)}用語</h2><p>キャプションやニュースの背景をわかりやすく解説する用語集です。</p></div>
<div class="ArticlePickup"><h2>写真特集</h2><ul><li><a href="/jc/d4">【写真特集】昭和の名車たち</a></li><li><a href="/jc/d5">【写真特集】世界の絶景</a></li></ul></div>
</article>
<aside class="SideArea"><h2>アクセスランキング</h2><ol>${relatedList(ctx, 10, false, '/jc/rank/')}</ol></aside></div>
<footer class="FooterArea"><p>時事通信社 会社案内 | 個人情報保護方針 | 著作権について | お問い合わせ</p><p>Copyright © JIJI PRESS LTD. All rights reserved. 掲載情報の無断転載を禁止します。</p></footer>
</body></html>`,
  };
};

/** Personal blog: `<br>` lines in one div, date-only text with a full `<time datetime>`, comments. */
const blogJa: Layout = (ctx) => {
  const { article, when } = ctx;
  const nick = ['ひだまり', 'くまのすけ', 'ゆるっと日記'][ctx.i % 3]!;
  const body = paragraphsHtml(ctx, article.paragraphs, true).join('<br />\n<br />\n');
  return {
    byline: nick,
    secondsShown: true,
    html: `<!DOCTYPE html>
<html lang="ja"><head>
<meta charset="utf-8">
<title>${esc(article.title)} : ${nick}のゆるブログ</title>
<meta property="og:title" content="${esc(article.title)}">
<meta property="og:site_name" content="${nick}のゆるブログ">
<meta property="og:type" content="article">
</head>
<body>
<div id="container"><div id="blog-header"><h1 class="blog-title"><a href="/">${nick}のゆるブログ</a></h1><p class="blog-description">毎日のちょっとしたことを書いています</p></div>
<div id="content"><div id="main"><div class="article-outer hentry"><div class="article">
<div class="article-header"><p class="article-date"><time datetime="${offsetIso(when)}" pubdate>${when.y}年${pad(when.mo)}月${pad(when.d)}日</time></p>
<h2 class="article-title entry-title"><a href="/archives/${3000 + ctx.i}.html">${esc(article.title)}</a></h2></div>
<div class="article-body entry-content"><div class="article-body-inner">
${body}
</div></div>
<div class="article-footer"><ul class="article-footer-category"><li>カテゴリ：<a href="/archives/cat_1.html">日記</a></li></ul>
<div class="article-footer-author">投稿者：<span class="author vcard">${nick}</span></div>
<div class="blogmura"><a href="https://blogmura.example/"><img src="/banner.gif" alt="にほんブログ村"></a> <a href="https://blogmura.example/">にほんブログ村</a> ランキングに参加しています。よかったらクリックお願いします！</div>
<div class="sns-share"><a>ツイート</a><a>シェア</a><a>はてブ</a><a>LINEで送る</a></div></div>
</div>
<div id="comments"><h3>コメント</h3><ol class="comments-list">
${commentList(ctx, 4, (c, who, at, k) => `<li class="comment"><div class="comment-body">${c}</div><div class="comment-author">${k + 1}. <span>${who}</span> <span class="comment-date">${at}</span></div></li>`)}
</ol><form class="comment-form"><p>コメントする</p><p>名前</p><input type="text"><textarea></textarea><button>投稿する</button></form></div>
</div></div>
<div id="sub"><div class="plugin-profile"><h3>プロフィール</h3><p>${nick}</p><p>東京在住。パンとコーヒーと自転車が好きです。</p></div>
<div class="plugin-recent"><h3>最新記事</h3><ul>${relatedList(ctx, 5, true, '/archives/')}</ul></div>
<div class="plugin-archives"><h3>アーカイブ</h3><ul><li>2026年11月</li><li>2026年10月</li><li>2026年09月</li></ul></div></div></div>
<div id="footer">Powered by ライブドアブログ</div></div>
</body></html>`,
  };
};

const LAYOUTS: Record<Script, [string, Layout][]> = {
  'zh-hans': [
    ['portal-sina', portalSina],
    ['portal-netease', portalNetease],
    ['agency-xinhua', agencyXinhua],
    ['newspaper-people', newspaperPeople],
    ['broadcast-cctv', broadcastCctv],
    ['blog-zh', blogZh],
  ],
  'zh-hant': [
    ['newspaper-tw', newspaperTw],
    ['forum-tw', forumTw],
  ],
  ja: [
    ['portal-yahoo', portalYahoo],
    ['broadcast-nhk', broadcastNhk],
    ['newspaper-asahi', newspaperAsahi],
    ['wire-jiji', wireJiji],
    ['blog-ja', blogJa],
  ],
};

/**
 * Encodes the page in its declared charset. A character the charset cannot carry (© in GBK) is
 * written as a numeric reference, as the CMSs of such sites do.
 */
function encode(html: string, encoding: string, file: string): Buffer {
  if (encoding === 'utf-8') return Buffer.from(html, 'utf8');
  let safe = '';
  for (const ch of html) {
    safe += iconv.decode(iconv.encode(ch, encoding), encoding) === ch ? ch : `&#${ch.codePointAt(0)};`;
  }
  const bytes = iconv.encode(safe, encoding);
  if (iconv.decode(bytes, encoding) !== safe) throw new Error(`${file}: page not representable in ${encoding}`);
  return bytes;
}

export function generate(): { pages: CjkGoldPage[]; bytes: Map<string, Buffer> } {
  const pages: CjkGoldPage[] = [];
  const bytes = new Map<string, Buffer>();
  let n = 0;
  for (let round = 0; round < 3; round++) {
    ARTICLES.forEach((article, a) => {
      const layouts = LAYOUTS[article.script];
      // Traditional Chinese has two layouts: each article appears in both, not three times.
      if (round >= layouts.length) return;
      // The article's place among those of its script, moved on by a step that gives each of its
      // rounds a different layout.
      const k = ARTICLES.filter((other) => other.script === article.script).indexOf(article);
      const step = layouts.length === 2 ? 1 : 2;
      const [layoutName, layout] = layouts[(k + round * step) % layouts.length]!;
      const i = n++;
      const zone = article.script === 'ja' ? 9 : 8;
      const day = 1 + ((i * 29 + a * 7) % 330);
      const k0 = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
      const when: When = { y: k0.getUTCFullYear(), mo: k0.getUTCMonth() + 1, d: k0.getUTCDate(), h: 6 + ((i * 7) % 16), mi: (i * 13) % 60, s: (i * 23 + 7) % 60, zone };
      const url = `https://news.example.${zone === 9 ? 'jp' : article.script === 'zh-hant' ? 'tw' : 'cn'}/${layoutName}/${20261000 + i}.html`;
      const ctx: Ctx = { i, article, when, url };
      const built = layout(ctx);
      const file = `${String(i + 1).padStart(3, '0')}-${layoutName}.html`;
      const encoding = built.encoding ?? 'utf-8';
      bytes.set(file, encode(built.html, encoding, file));
      pages.push({
        file,
        layout: layoutName,
        lang: article.script === 'ja' ? 'ja' : 'zh',
        script: article.script,
        encoding,
        url,
        title: article.title,
        text: (built.paragraphs ?? article.paragraphs).join('\n\n'),
        byline: built.byline ?? article.reporters.join(', '),
        publishedAt: iso(when, built.secondsShown === true),
      });
    });
  }
  return { pages, bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { pages, bytes } = generate();
  writeCorpus('cjk-news', pages, bytes);
}
