// The rule set: which tags, classes, ids and roles mark boilerplate or content. Matched against
// the lower-cased "class id" string of an element. Generic rules only; no site-specific entries.

/**
 * A rule over the "class id" string that matches its words at the start of a token only (tokens
 * are split on anything but letters and digits, and on camelCase): `comment` matches
 * "comment-list" and "commentsWrap" but `banner` does not match "_reachbanner_". Words in `whole`
 * must also end the token ("ad" matches "ad-slot" but not "address"); `*` makes all of them so. A
 * word after a state prefix ("has-comments", "no-sidebar") does not count.
 */
export function tokenRule(words: string, whole = ''): RegExp {
  const exact = new Set(whole.split('|').filter(Boolean));
  const parts = words.split('|').map((word) => (exact.has(word) || whole === '*' ? `(?:${word})(?![a-z])` : word));
  // State flags of a wrapper ("has-comments", "no-sidebar", "with-related") name what is beside it.
  return new RegExp(`(?:^|[^a-z0-9])(?<!(?:^|[^a-z0-9])(?:has|no|with|without|show|hide|enable|disable|allow)[-_])(?:${parts.join('|')})`);
}

/** Tags whose whole subtree is page furniture, not article text. */
export const BOILERPLATE_TAGS = new Set(['nav', 'footer', 'aside', 'header', 'menu', 'form']);

export const UNLIKELY_ROLES = new Set([
  'menu', 'menubar', 'complementary', 'navigation', 'alert', 'alertdialog', 'dialog', 'banner', 'contentinfo',
  'search', 'toolbar', 'tablist',
]);

/** Containers that are boilerplate unless their name also says "content" (see MAYBE_CANDIDATE). */
export const UNLIKELY_CANDIDATE = tokenRule(
  'ad|ads|advert|ai2html|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|relate|remark|replies|reply|cmt|rss|shoutbox|sidebar|skyscraper|social|sns|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|newsletter|subscri|signup|sign-up|cookie|consent|outbrain|taboola|recirc|most-popular|mostpopular|popular|ranking|trending|read-more|readmore|more-stories|recommend|promo|overlay|modal|share|sharing|toolbar|masthead|navbar|subnav|byline|author-info|author-bio|about-author|reporter|journalist|tags|tag-list|topics|keywords|rollover|tooltip|popover|hovercard|hover-card|notification|noscript|jump-link|skip-link|screen-reader|sr-only|visually-hidden|print-only|copyright',
  'ad|ads|tags|reply|cmt|sns|extra|rss',
);

/**
 * Containers left out in every pass, the retries with fewer filters included: comment threads,
 * sidebars, pop-ups and dialogs, copyright footers, related-article lists, share bars.
 */
export const ALWAYS_UNLIKELY = tokenRule(
  'comment|disqus|replies|reply|cmt|sidebar|side-bar|footer|popup|pop-up|modal|overlay|lightbox|copyright|newsletter|related|relate|recommend|outbrain|taboola|share|sharing|sns|email-this|mail-this|send-mail|recirc|most-popular|ranking|trending',
  'reply|cmt|sns',
);

/** Tags and ARIA roles left out in every pass (see ALWAYS_UNLIKELY). */
export const ALWAYS_UNLIKELY_TAGS = new Set(['nav', 'footer', 'aside', 'form', 'menu']);
export const ALWAYS_UNLIKELY_ROLES = new Set(['navigation', 'complementary', 'dialog', 'alertdialog', 'contentinfo', 'menu', 'menubar']);

export const MAYBE_CANDIDATE = /and|article|body|column|content|main|shadow|embed|tweet/;

export const POSITIVE =
  /article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story/;

export const NEGATIVE = tokenRule(
  'ad|ads|hidden|hid|banner|combx|comment|cmt|reply|com|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|relate|scroll|share|sns|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|caption|credit|byline|reporter|newsletter|subscribe|recommend|copyright|ranking',
  'ad|ads|hid|com|tags|reply|cmt|sns|meta',
);

/** Small blocks with these names are removed from inside the chosen content. */
export const SHARE_ELEMENTS = tokenRule(
  'share|sharedaddy|sharing|social|sns|follow|newsletter|subscribe|signup|related|relate|recommended|read-?more|tags?|byline|author|reporter|journalist|dateline|timestamp|caption|credit|advert|ad-slot|adslot|ad-container|ad-wrapper|promo|print|toolbar|copyright',
  '*',
);

/** Caption and credit blocks: their text belongs to the media item, not to the article text. */
export const CAPTION = tokenRule('caption|credit|legend|photo-?info|image-?info|img-?info|wp-caption-text|img-?desc|photo-?desc');

export const BYLINE = tokenRule('byline|author|dateline|writtenby|p-author|reporter|journalist');

/** Blocks whose entire text is one of these are labels, not content. */
export const AD_WORDS =
  /^(ad(vert|vertising|vertisement|s)?|pub(licité)?|werb(ung)?|广告|Реклама|Anuncio|광고|sponsored( content)?|story continues below( advertisement)?|continue reading( below)?|article continues below( advertisement)?)$/iu;

export const LOADING_WORDS = /^((loading|正在加载|Загрузка|chargement|cargando)(…|\.\.\.)?)$/iu;

/** Players that count as embedded video. */
export const VIDEO_EMBED =
  /\/\/(www\.)?((dailymotion|youtube|youtube-nocookie|player\.vimeo|vimeo|v\.qq|facebook|tiktok|streamable|wistia|jwplayer|brightcove|vidyard|loom|ted|twitch|rumble|bitchute|kakao|tv\.naver|naver|tv\.kakao|play-tv\.kakao)\.(com|net|tv|fast)|(archive|upload\.wikimedia)\.org|player\.twitch\.tv|players\.brightcove\.net|fast\.wistia\.net|youtu\.be|cdn\.jwplayer\.com|content\.jwplatform\.com)/i;

/** Elements whose text counts toward "this is a list of links/headings", not prose. */
export const DIV_TO_P = new Set(['blockquote', 'dl', 'div', 'img', 'ol', 'p', 'pre', 'table', 'ul', 'section', 'article', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

export const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

export const COMMA = /[\u002C\u060C\uFE50\uFE10\uFE11\u2E41\u2E34\u2E32\uFF0C\u3001]/;

/**
 * Short blocks (under ~300 characters) with these phrases are calls to action, not article text:
 * newsletter and subscription prompts, "follow us" trailers, "read more" teasers.
 */
export const BOILERPLATE_TEXT = [
  /\b(sign(ing)? up|subscribe)\b.{0,80}\b(newsletters?|inbox)\b/i,
  /\bnewsletters?\b.{0,60}\b(sign(ing)? up|subscribe|inbox|delivered)\b/i,
  /^subscribe\b/i,
  /\bfollow (us|him|her|me|them)\b.{0,40}\b(on )?(twitter|facebook|instagram|linkedin|tiktok|youtube)\b/i,
  /^(read more|related|see more|see also|also read|read also|more|recommended|watch|listen|don'?t miss|leia (mais|também)|veja (mais|também)|leggi anche|lire aussi|lesen sie auch|관련 ?기사|더 보기)\s*[:：»>|-]/i,
  /^(advertisement|sponsored content|story continues below|continue reading)\b/i,
  /^\(?(reporting|writing|editing|additional reporting) by\b/i,
  /\bcontributed (reporting|to this (report|story|article))\b/i,
  /^(source|sources|fonte|fuente|quelle|来源|來源|출처)\s*[:：]/i,
  /(무단\s*(전재|복제|배포)|재배포\s*금지|저작권자\s*[ⓒ©(]|版权所有|未经授权|禁止转载|無断(転載|複製)|all rights reserved)/i,
  // Chinese desk trailers: "【纠错】 【责任编辑:刘洋】", "(责编：张三、李四)", "编辑：马静"
  /^(【[^】]{1,8}】\s*)*[【〔［[（(]?\s*(责任编辑|責任編輯|责编|責編|编辑|編輯|编审|編審|校对|校對)\s*[:：]/,
  // Disclaimers, picture sources and photo credits: "特别声明：…", "图片来源：IC photo", "…（記者林美惠攝）"
  /^(特别声明|特別聲明|免责声明|免責聲明|版权声明|版權聲明)\s*[:：]/,
  /^(图片来源|圖片來源|图源|圖源|资料图|資料圖|写真|画像)\s*[:：／/]/,
  /[（(][^（）()]{0,40}(摄|攝|撮影)\s*[)）]$/,
  // A newspaper's edition line: "《 人民日报 》（ 04月20日 04 版）"
  /^《[^》]{1,20}》\s*[（(][^（）()]{0,24}版\s*[)）]$/,
  // App promotions: "扫码下载新闻APP", "現在用APP看新聞", "アプリをダウンロード"
  /扫码|掃碼|扫一扫|掃一掃|扫描二维码|掃描二維碼/,
  /(下载|下載|安装|安裝|打开|打開|用)\s*[^，。,！!]{0,12}(APP|App|客户端|客戶端)|(APP|App|客户端|客戶端)\s*(下载|下載)/,
  /アプリ(を|で)?(ダウンロード|インストール)/,
  /^[ⓒ©]/,
  // Korean reporter trailers: "홍길동 기자 gildong@example.com", "김철수·이영희 기자", a lone e-mail address
  /^(\[[^\]]{1,30}\]\s*)?[가-힣]{2,4}(\s*[·,]\s*[가-힣]{2,4})*\s*(기자|특파원|선임기자|객원기자|인턴기자|논설위원|앵커|리포터)(\s*[=:]?\s*[\w.+-]+@[\w.-]+)?\s*$/,
  /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/,
  /^((image|photo|picture|video) )?(copyright\b|©|\(c\) \d{4}|credit:|source:)/i,
  /^follow\b.{0,40}\bon (twitter|facebook|instagram|linkedin|tiktok|youtube)\b/i,
  /\b(affiliate (links?|commission)|may earn a commission)\b/i,
  /^(reading time|tempo de leitura|tiempo de lectura|temps de lecture|lesezeit|tempo di lettura)\b/i,
  /^\d+\s*(min|mins|minutes?|minutos?|minuti)\s+(read|de leitura|de lectura|di lettura|lesezeit)\b/i,
  /^(image|photo|foto|picture)?\s*\d+\s+(of|de|di|von|\/)\s+\d+$/i,
];

/** A block whose whole text is one of these is a label of the page furniture. */
export const LABEL_TEXT =
  /^(\d+\s+)?(comments?|post (a )?comment.*|leave a (comment|reply)|share( this( article| story| post)?)?|tweet|print|email|e-mail|trending( news| now)?|related( articles| stories| posts| news| content| coverage)?|you may also like\W*|more stories|more from .{1,40}|most (read|popular|viewed)|popular on .{1,40}|highlights|iklan|advertisement|columnists|tags?|topics|filed under.*|(posted|published|updated|first published)( on| at)?\b.{0,60}|댓글\s*\d*(개)?|댓글 ?(쓰기|달기|보기)|관련 ?(기사|뉴스)|(가장 )?많이 본 (뉴스|기사)|주요 ?뉴스|추천 ?기사|기사 ?공유(하기)?|공유(하기)?|인쇄(하기)?|스크랩|글자 ?크기|구독(하기)?|좋아요|目次|関連記事|相关(新闻|阅读|文章|报道)|热门(新闻|文章)|评论|分享到.{0,20})$/iu;
