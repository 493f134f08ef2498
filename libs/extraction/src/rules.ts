// The rule set: which tags, classes, ids and roles mark boilerplate or content. Matched against
// the lower-cased "class id" string of an element. Generic rules only; no site-specific entries.

/** Tags whose whole subtree is page furniture, not article text. */
export const BOILERPLATE_TAGS = new Set(['nav', 'footer', 'aside', 'header', 'menu', 'form']);

export const UNLIKELY_ROLES = new Set([
  'menu', 'menubar', 'complementary', 'navigation', 'alert', 'alertdialog', 'dialog', 'banner', 'contentinfo',
  'search', 'toolbar', 'tablist',
]);

/** Containers that are boilerplate unless their name also says "content" (see MAYBE_CANDIDATE). */
export const UNLIKELY_CANDIDATE =
  /-ad-|ai2html|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|newsletter|subscri|signup|sign-up|cookie|consent|outbrain|taboola|recirc|most-popular|mostpopular|trending|read-more|readmore|more-stories|recommend|promo|overlay|modal|share|sharing|toolbar|masthead|navbar|subnav|byline|author-info|author-bio|about-author|tags|tag-list|topics|keywords|rollover|tooltip|popover|hovercard|hover-card|notification|noscript|jump-link|skip-link|screen-reader|sr-only|visually-hidden|print-only/;

export const MAYBE_CANDIDATE = /and|article|body|column|content|main|shadow|embed|tweet/;

export const POSITIVE =
  /article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story/;

export const NEGATIVE =
  /-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|caption|credit|byline|newsletter|subscribe|recommend/;

/** Small blocks with these names are removed from inside the chosen content. */
export const SHARE_ELEMENTS =
  /(\b|_)(share|sharedaddy|sharing|social|follow|newsletter|subscribe|signup|related|recommended|read-?more|tags?|byline|author|dateline|timestamp|caption|credit|advert|ad-slot|adslot|ad-container|ad-wrapper|promo|print|toolbar)(\b|_|-)/;

/** Caption and credit blocks: their text belongs to the media item, not to the article text. */
export const CAPTION = /caption|credit|legend|photo-?info|image-?info|img-?info|wp-caption-text/;

export const BYLINE = /byline|author|dateline|writtenby|p-author/;

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
  /^(source|sources|fonte|fuente|quelle)\s*:/i,
  /^((image|photo|picture|video) )?(copyright\b|©|\(c\) \d{4}|credit:|source:)/i,
  /^follow\b.{0,40}\bon (twitter|facebook|instagram|linkedin|tiktok|youtube)\b/i,
  /\b(affiliate (links?|commission)|may earn a commission)\b/i,
  /^(reading time|tempo de leitura|tiempo de lectura|temps de lecture|lesezeit|tempo di lettura)\b/i,
  /^\d+\s*(min|mins|minutes?|minutos?|minuti)\s+(read|de leitura|de lectura|di lettura|lesezeit)\b/i,
  /^(image|photo|foto|picture)?\s*\d+\s+(of|de|di|von|\/)\s+\d+$/i,
];

/** A block whose whole text is one of these is a label of the page furniture. */
export const LABEL_TEXT =
  /^(\d+\s+)?(comments?|post (a )?comment.*|leave a (comment|reply)|share( this( article| story| post)?)?|tweet|print|email|e-mail|trending( news| now)?|related( articles| stories| posts| news| content| coverage)?|you may also like\W*|more stories|more from .{1,40}|most (read|popular|viewed)|popular on .{1,40}|highlights|iklan|advertisement|columnists|tags?|topics|filed under.*|(posted|published|updated|first published)( on| at)?\b.{0,60})$/i;
