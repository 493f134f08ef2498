// Finding the main content: drop boilerplate containers, score paragraphs into their ancestors
// (Readability's scheme), take the best candidate plus the siblings that look like it, then clean
// link lists, share bars and other small furniture from inside it.
import { attr, classAndId, forEachElement, isElement, ruleText, textOf, type AnyNode, type Element, type ParentNode } from './dom.js';
import {
  AD_WORDS,
  ALWAYS_UNLIKELY,
  ALWAYS_UNLIKELY_ROLES,
  ALWAYS_UNLIKELY_TAGS,
  BOILERPLATE_TAGS,
  BOILERPLATE_TEXT,
  BYLINE,
  CAPTION,
  COMMA,
  DIV_TO_P,
  HEADINGS,
  LABEL_TEXT,
  LOADING_WORDS,
  MAYBE_CANDIDATE,
  NEGATIVE,
  POSITIVE,
  SHARE_ELEMENTS,
  UNLIKELY_CANDIDATE,
  UNLIKELY_ROLES,
  VIDEO_EMBED,
} from './rules.js';
import { charWeight, SENTENCE_END, weightedLength } from './script.js';

export interface Flags {
  stripUnlikely: boolean;
  weightClasses: boolean;
  cleanConditionally: boolean;
}

export interface ContentSelection {
  /** The chosen nodes, in document order. */
  nodes: Element[];
  /** Nodes below `nodes` that are not part of the article text. */
  dropped: Set<AnyNode>;
  /** Figures with an image or video: their text is a caption, kept with the media only. */
  mediaOnly: Set<Element>;
  /** Boilerplate containers left out before scoring. */
  removed: Set<AnyNode>;
  /** The best-scored candidates, for diagnostics. */
  top: { el: Element; score: number }[];
}

interface Info {
  text: number;
  link: number;
  links: number;
  commas: number;
  blocks: number;
  p: number;
  img: number;
  li: number;
  embeds: number;
  videos: number;
  headingText: number;
  listText: number;
  score: number;
  candidate: boolean;
}

/** A link with this much text (weighted, links inside it aside) wraps content rather than naming a page. */
const LONG_LINK = 400;
/** Block-less lists of definitions are paragraphs too (articles wrapped in "<dl><a>…</a></dl>"). */
const PARAGRAPH_LISTS = new Set(['dl']);
const SCORE_TAGS = new Set(['p', 'pre', 'td', 'h2', 'h3', 'h4', 'h5', 'h6']);
const DIV_LIKE = new Set(['div', 'section', 'article', 'main', 'center']);
const CLEAN_TAGS = new Set(['table', 'ul', 'ol', 'dl', 'div', 'section', 'fieldset', 'form', 'figure', 'header', 'footer']);
const KEEP_ALWAYS = new Set(['html', 'body', 'article', 'main']);

/** Weighted length (see script.ts) and commas of a text node, whitespace runs counted once. */
function measure(data: string): { len: number; commas: number } {
  let len = 0;
  let commas = 0;
  let space = true;
  for (let i = 0; i < data.length; i++) {
    const ch = data.charCodeAt(i);
    const isSpace = ch === 32 || ch === 10 || ch === 9 || ch === 13 || ch === 12 || ch === 160;
    if (isSpace) {
      if (!space) len++;
      space = true;
      continue;
    }
    space = false;
    if (ch < 0x1100) {
      len++;
      if (ch === 44 || (ch > 127 && COMMA.test(data[i]!))) commas++;
    } else {
      len += charWeight(ch);
      if (ch >= 0x3000 && COMMA.test(data[i]!)) commas++;
    }
  }
  return { len, commas };
}

function newInfo(): Info {
  return { text: 0, link: 0, links: 0, commas: 0, blocks: 0, p: 0, img: 0, li: 0, embeds: 0, videos: 0, headingText: 0, listText: 0, score: 0, candidate: false };
}

function isVideoEmbed(el: Element): boolean {
  const src = attr(el, 'src') ?? attr(el, 'data-src') ?? attr(el, 'data') ?? '';
  return VIDEO_EMBED.test(src);
}

export function classWeight(el: Element): number {
  const match = classAndId(el);
  if (!match) return 0;
  let weight = 0;
  const cls = ruleText(attr(el, 'class') ?? '');
  const id = ruleText(attr(el, 'id') ?? '');
  if (cls) {
    if (NEGATIVE.test(cls)) weight -= 25;
    if (POSITIVE.test(cls)) weight += 25;
  }
  if (id) {
    if (NEGATIVE.test(id)) weight -= 25;
    if (POSITIVE.test(id)) weight += 25;
  }
  return weight;
}

function insideTag(el: Element, tags: ReadonlySet<string>, maxDepth = 12): boolean {
  let node = el.parent;
  for (let depth = 0; node && depth < maxDepth; depth++) {
    if (isElement(node as AnyNode) && tags.has((node as Element).name)) return true;
    node = node.parent;
  }
  return false;
}

const TABLE_OR_CODE = new Set(['table', 'code', 'pre']);
const TABLE = new Set(['table']);
const CODE = new Set(['code', 'pre']);
const FIGURE = new Set(['figure']);
/** Embedded posts (tweets, Instagram) quoted in the article are part of its text. */
const EMBEDDED_POST = /embed|tweet|instagram-media/;

/** Boilerplate containers to leave out before scoring. */
function unlikelyNodes(body: Element, flags: Flags, keep: ReadonlySet<AnyNode>): Set<AnyNode> {
  const removed = new Set<AnyNode>();
  forEachElement(body, (el) => {
    const tag = el.name;
    if (tag === 'a' || tag === 'body' || tag === 'html') return undefined;
    const match = classAndId(el);
    const itemprop = (attr(el, 'itemprop') ?? '').toLowerCase();
    if (
      (attr(el, 'rel') === 'author' || itemprop.includes('author') || (match && BYLINE.test(match))) &&
      measure(textOf(el)).len < 100 &&
      !itemprop.includes('articlebody')
    ) {
      removed.add(el);
      return false;
    }
    // A thread or a list of other stories known only by its visible label ("网友评论", "コメント",
    // "댓글 12", "推荐阅读", "関連記事"), in every pass.
    if (!keep.has(el) && LABELLED_CONTAINERS.has(tag) && labelledAsComments(el) && !wrapsArticle(el)) {
      removed.add(el);
      return false;
    }
    if (!flags.stripUnlikely) {
      // The retries keep the guards against comments, sidebars, pop-ups and footers.
      if (!keep.has(el) && alwaysUnlikely(el, tag, match, itemprop)) {
        removed.add(el);
        return false;
      }
      return undefined;
    }
    if (BOILERPLATE_TAGS.has(tag)) {
      removed.add(el);
      return false;
    }
    const role = attr(el, 'role');
    if (role && UNLIKELY_ROLES.has(role.toLowerCase())) {
      removed.add(el);
      return false;
    }
    if (
      match &&
      UNLIKELY_CANDIDATE.test(match) &&
      !MAYBE_CANDIDATE.test(match) &&
      !KEEP_ALWAYS.has(tag) &&
      !itemprop.includes('articlebody') &&
      !insideCell(el) &&
      !wrapsArticle(el)
    ) {
      removed.add(el);
      return false;
    }
    return undefined;
  });
  return removed;
}

const LABELLED_CONTAINERS = new Set(['div', 'section', 'ul', 'ol', 'dl', 'table']);
const LABEL_TAGS = new Set(['h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'span', 'p', 'div', 'em', 'header']);

/**
 * The labels of comment threads. A bare 评论 is not one: it also heads commentaries (opinion
 * pieces) on Chinese sites; with a qualifier, a count or 区 it is.
 */
const COMMENT_LABEL = new RegExp(
  [
    '^(?:\\d+\\s*[条條]\\s*)?(?:网友|網友|读者|讀者|热门|熱門|最新|全部|精彩|发表|發表)(?:评论|評論)(?:区|區)?(?:\\s*[（(]?\\s*\\d+\\s*[)）]?)?$',
    '^(?:评论|評論)(?:区|區|\\s*[（(]?\\s*\\d+\\s*[)）]?)$',
    '^\\d+\\s*[条條](?:评论|評論)$',
    '^(?:网友|網友|读者|讀者|热门|熱門)?(?:跟帖|跟贴|留言)(?:区|區|板)?(?:\\s*[（(]?\\s*\\d+\\s*[)）]?)?$',
    '^(?:読者の?)?コメント(?:欄|一覧)?(?:\\s*[（(]?\\s*\\d+\\s*件?\\s*[)）]?)?$',
    '^\\d+\\s*件の?コメント$',
    '^댓글(?:\\s*\\d+\\s*개?)?$',
    '^(?:\\d+\\s+)?(?:comments?|reader comments)$',
  ].join('|'),
  'i',
);

/** The labels of lists of other stories ("推荐阅读" above teasers with their summaries). */
const RELATED_LABEL = new RegExp(
  [
    '^(?:相关|相關|推荐|推薦|延伸|热点|熱點|热门|熱門|精彩|更多|最新|今日)(?:新闻|新聞|阅读|閱讀|文章|报道|報導|资讯|資訊|推荐|推薦)$',
    '^(?:猜你喜欢|猜你喜歡|你可能感兴趣|你可能感興趣|编辑推荐|編輯推薦|相关阅读|相关链接|相關連結)$',
    '^(?:関連|おすすめの?|注目の?|人気の?|最新の?)(?:記事|ニュース)$|^あわせて読みたい$',
    '^(?:관련|추천|많이 본|인기|주요)\\s*(?:기사|뉴스)$',
    '^(?:related|recommended|more|popular|trending)(?: (?:articles|stories|news|posts|reading|coverage))?$|^(?:you may also like|read more|more stories|most (?:read|popular|viewed))$',
  ].join('|'),
  'i',
);

/**
 * A container whose first element labels it a comment thread or a list of other stories: that
 * thread or list, whatever its class.
 */
function labelledAsComments(el: Element): boolean {
  const first = el.children.find((child): child is Element => isElement(child));
  if (!first || !LABEL_TAGS.has(first.name)) return false;
  // Only text before the label counts against it: a container that starts with prose is no thread.
  for (const child of el.children) {
    if (child === first) break;
    if (child.type === 'text' && child.data.trim()) return false;
  }
  const text = shortText(first, 40)?.replace(/\s+/g, ' ').trim();
  return !!text && text.length <= 20 && (COMMENT_LABEL.test(text) || RELATED_LABEL.test(text));
}

/** The text of `el` when it has at most `max` characters (a label), else null, without reading more. */
function shortText(el: Element, max: number): string | null {
  let text = '';
  const stack: AnyNode[] = [...el.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') {
      text += (node as unknown as { data: string }).data;
      if (text.length > max * 4 && text.trim().length > max) return null;
    } else if (isElement(node)) {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
    if (stack.length > 200) return null;
  }
  return text.trim().length > max ? null : text;
}

function alwaysUnlikely(el: Element, tag: string, match: string, itemprop: string): boolean {
  const role = attr(el, 'role');
  const hit =
    ALWAYS_UNLIKELY_TAGS.has(tag) ||
    (role !== undefined && ALWAYS_UNLIKELY_ROLES.has(role.toLowerCase())) ||
    (match !== '' && ALWAYS_UNLIKELY.test(match));
  return hit && !KEEP_ALWAYS.has(tag) && !itemprop.includes('articlebody') && !insideCell(el) && !wrapsArticle(el);
}

/**
 * Inside code, or a cell's part inside a table: the table's own class words say nothing of it.
 * Containers (a comment table, a list) inside a layout table are judged like anywhere else.
 */
function insideCell(el: Element): boolean {
  if (insideTag(el, CODE)) return true;
  return !TABLE_CONTAINERS.has(el.name) && insideTag(el, TABLE);
}
const TABLE_CONTAINERS = new Set(['table', 'div', 'ul', 'ol', 'dl', 'section']);

/** A page wrapper with an unlucky class name ("header-style-2") still holds the article. */
function wrapsArticle(el: Element): boolean {
  let found = false;
  let visited = 0;
  forEachElement(el, (child) => {
    if (found || ++visited > 20000) return false;
    const tag = child.name;
    const itemprop = (attr(child, 'itemprop') ?? '').toLowerCase();
    if (tag === 'article' || tag === 'main' || itemprop.includes('articlebody')) {
      const match = classAndId(child);
      if (!match || !UNLIKELY_CANDIDATE.test(match)) found = true;
    }
    return found ? false : undefined;
  });
  return found;
}

class Scorer {
  readonly info = new Map<Element, Info>();
  readonly order: Element[] = [];

  constructor(
    private readonly body: Element,
    private readonly removed: ReadonlySet<AnyNode>,
  ) {
    this.collect();
  }

  get(el: Element): Info {
    let info = this.info.get(el);
    if (!info) {
      info = newInfo();
      this.info.set(el, info);
    }
    return info;
  }

  /** Bottom-up text statistics for every kept element. */
  private collect(): void {
    const removed = this.removed;
    this.order.push(this.body);
    this.info.set(this.body, newInfo());
    forEachElement(this.body, (el) => {
      if (removed.has(el)) return false;
      this.order.push(el);
      this.info.set(el, newInfo());
      return undefined;
    });
    for (let i = this.order.length - 1; i >= 0; i--) {
      const el = this.order[i]!;
      const info = this.info.get(el)!;
      for (const child of el.children) {
        if (child.type !== 'text') continue;
        const m = measure(child.data);
        info.text += m.len;
        info.commas += m.commas;
      }
      const tag = el.name;
      if (tag === 'a') {
        const href = attr(el, 'href') ?? '';
        // A link around a whole article (a "<dl><a>…</a></dl>" list page) is text, not a link.
        if (info.text >= LONG_LINK && info.link < info.text * 0.5) info.link = 0;
        else info.link = href.length > 1 && href.startsWith('#') ? info.text * 0.3 : info.text;
        info.links++;
      }
      if (tag === 'p') info.p++;
      else if (tag === 'img') info.img++;
      else if (tag === 'li') info.li++;
      else if (tag === 'iframe' || tag === 'embed' || tag === 'object') {
        if (isVideoEmbed(el)) info.videos++;
        else info.embeds++;
      } else if (tag === 'video') info.videos++;
      else if (HEADINGS.has(tag)) info.headingText = info.text;
      else if (tag === 'ul' || tag === 'ol') info.listText = info.text;
      const parent = el.parent;
      if (!parent || !isElement(parent as AnyNode) || el === this.body) continue;
      const up = this.info.get(parent as Element);
      if (!up) continue;
      up.text += info.text;
      up.link += info.link;
      up.links += info.links;
      up.commas += info.commas;
      up.blocks += info.blocks + (DIV_TO_P.has(tag) ? 1 : 0);
      up.p += info.p;
      up.img += info.img;
      up.li += info.li;
      up.embeds += info.embeds;
      up.videos += info.videos;
      up.headingText += info.headingText;
      up.listText += info.listText;
    }
  }

  linkDensity(el: Element): number {
    const info = this.info.get(el);
    if (!info || info.text === 0) return 0;
    return info.link / info.text;
  }

  private initialize(el: Element, flags: Flags): Info {
    const info = this.get(el);
    if (info.candidate) return info;
    info.candidate = true;
    let score = 0;
    switch (el.name) {
      case 'div':
      case 'article':
      case 'main':
        score += 5;
        break;
      case 'pre':
      case 'td':
      case 'blockquote':
        score += 3;
        break;
      case 'address':
      case 'ol':
      case 'ul':
      case 'dl':
      case 'dd':
      case 'dt':
      case 'li':
      case 'form':
        score -= 3;
        break;
      case 'h1':
      case 'h2':
      case 'h3':
      case 'h4':
      case 'h5':
      case 'h6':
      case 'th':
        score -= 5;
        break;
    }
    if (flags.weightClasses) score += classWeight(el);
    if (((attr(el, 'itemprop') ?? '').toLowerCase()).includes('articlebody')) score += 25;
    info.score += score;
    return info;
  }

  /** Credits a paragraph of `len` characters to `first` and its ancestors. */
  private credit(first: ParentNode | null, len: number, commas: number, flags: Flags): void {
    if (len < 25) return;
    const score = 1 + commas + Math.min(Math.floor(len / 100), 3);
    let node = first;
    for (let level = 0; level < 5 && node; level++) {
      if (!isElement(node as AnyNode)) return;
      const el = node as Element;
      if (!el.parent || !isElement(el.parent as AnyNode)) return; // never <html>
      const divider = level === 0 ? 1 : level === 1 ? 2 : level * 3;
      this.initialize(el, flags).score += score / divider;
      node = el.parent;
    }
  }

  score(flags: Flags): Element[] {
    for (const el of this.order) {
      const tag = el.name;
      const info = this.info.get(el)!;
      // A table cell whose text is split by <br><br> holds paragraphs, as such a div does (a forum
      // post, an old table-layout article): it is their container, not one paragraph of its row.
      const cellOfParagraphs = tag === 'td' && info.blocks === 0 && hasDoubleBreak(el);
      if ((SCORE_TAGS.has(tag) && !cellOfParagraphs) || (PARAGRAPH_LISTS.has(tag) && info.blocks === 0)) {
        this.credit(el.parent, info.text, info.commas, flags);
        continue;
      }
      if (!(DIV_LIKE.has(tag) || cellOfParagraphs) || info.text === 0) continue;
      if (info.blocks === 0 && !hasDoubleBreak(el)) {
        // A div that holds only phrasing content is a paragraph (several, split by <br><br>: an article).
        this.credit(el.parent, info.text, info.commas, flags);
        continue;
      }
      // Runs of text and inline elements between block children are paragraphs of `el`.
      let len = 0;
      let commas = 0;
      const flush = (): void => {
        this.credit(el, len, commas, flags);
        len = 0;
        commas = 0;
      };
      for (const child of el.children) {
        if (child.type === 'text') {
          const m = measure(child.data);
          len += m.len;
          commas += m.commas;
        } else if (isElement(child) && !this.removed.has(child)) {
          const childInfo = this.info.get(child);
          if (!childInfo) continue;
          if (DIV_TO_P.has(child.name) || childInfo.blocks > 0 || child.name === 'br' && len > 0 && isDoubleBreak(child)) flush();
          else {
            len += childInfo.text;
            commas += childInfo.commas;
          }
        }
      }
      flush();
    }
    const candidates: Element[] = [];
    for (const [el, info] of this.info) {
      if (!info.candidate) continue;
      info.score *= 1 - this.linkDensity(el);
      candidates.push(el);
    }
    candidates.sort((a, b) => this.info.get(b)!.score - this.info.get(a)!.score);
    return candidates;
  }
}

function hasDoubleBreak(el: Element): boolean {
  for (const child of el.children) if (isElement(child) && child.name === 'br' && isDoubleBreak(child)) return true;
  return false;
}

function isDoubleBreak(br: Element): boolean {
  let next = br.next;
  while (next && next.type === 'text' && !next.data.trim()) next = next.next;
  return !!next && isElement(next) && next.name === 'br';
}

function elementChildren(node: ParentNode): Element[] {
  return node.children.filter((c): c is Element => c.type === 'tag');
}

function ancestors(el: Element, stop: Element): Element[] {
  const out: Element[] = [];
  let node = el.parent;
  while (node && node !== stop && isElement(node as AnyNode)) {
    out.push(node as Element);
    node = node.parent;
  }
  return out;
}

/** Picks the article nodes: Readability's top candidate, promoted and merged with siblings. */
function pick(body: Element, scorer: Scorer, candidates: Element[]): Element[] {
  const N_TOP = 5;
  const top = candidates.slice(0, N_TOP);
  let best = top[0];
  if (!best || best === body) return [body];
  const scoreOf = (el: Element): number => scorer.info.get(el)?.score ?? 0;

  // Several near-equal candidates under one ancestor: the ancestor is the article.
  const alternatives: Element[][] = [];
  for (let i = 1; i < top.length; i++) {
    if (scoreOf(top[i]!) / scoreOf(best) >= 0.75) alternatives.push(ancestors(top[i]!, body));
  }
  if (alternatives.length >= 3) {
    let parent = best.parent as Element | null;
    while (parent && parent !== body && isElement(parent as AnyNode)) {
      let lists = 0;
      for (const list of alternatives) if (list.includes(parent)) lists++;
      if (lists >= 3) {
        best = parent;
        break;
      }
      parent = parent.parent as Element | null;
    }
  }

  // A parent that scores higher than the candidate holds more of the article.
  let parent = best.parent as Element | null;
  let lastScore = scoreOf(best);
  const threshold = lastScore / 3;
  while (parent && parent !== body && isElement(parent as AnyNode)) {
    const info = scorer.info.get(parent);
    if (!info?.candidate) {
      parent = parent.parent as Element | null;
      continue;
    }
    if (info.score < threshold) break;
    if (info.score > lastScore) {
      best = parent;
      break;
    }
    lastScore = info.score;
    parent = parent.parent as Element | null;
  }

  // An only child says nothing; its parent is the container.
  parent = best.parent as Element | null;
  while (parent && parent !== body && isElement(parent as AnyNode) && elementChildren(parent).length === 1) {
    best = parent;
    parent = best.parent as Element | null;
  }
  if (!parent || !isElement(parent as AnyNode)) return [best];

  const bestScore = scoreOf(best);
  const siblingThreshold = Math.max(10, bestScore * 0.2);
  const bestClass = attr(best, 'class') ?? '';
  const siblings = elementChildren(parent);
  const inner = bestInside(parent, siblings, candidates, scorer);
  const nodes: Element[] = [];
  for (const sibling of siblings) {
    if (sibling === best) {
      nodes.push(sibling);
      continue;
    }
    const info = scorer.info.get(sibling);
    if (!info) continue; // removed as boilerplate
    const bonus = bestClass !== '' && (attr(sibling, 'class') ?? '') === bestClass ? bestScore * 0.2 : 0;
    if (info.candidate && info.score + bonus >= siblingThreshold) {
      nodes.push(sibling);
      continue;
    }
    // A sibling whose score sits deeper down (the article split into several wrappers).
    const deep = inner.get(sibling) ?? 0;
    if (deep + bonus >= siblingThreshold && scorer.linkDensity(sibling) < 0.2) {
      nodes.push(sibling);
      continue;
    }
    if (sibling.name === 'p' || (DIV_LIKE.has(sibling.name) && info.blocks === 0)) {
      const density = scorer.linkDensity(sibling);
      const text = textOf(sibling);
      if (info.text > 80 && density < 0.25) nodes.push(sibling);
      else if (info.text < 80 && info.text > 0 && density === 0 && (/\.( |$)/.test(text) || SENTENCE_END.test(text)) && !isDateLine(text) && !isBoilerplateText(text)) nodes.push(sibling);
    }
  }
  return nodes;
}

/** For each sibling, the best candidate score found inside it. */
function bestInside(parent: ParentNode, siblings: Element[], candidates: Element[], scorer: Scorer): Map<Element, number> {
  const set = new Set(siblings);
  const out = new Map<Element, number>();
  for (const candidate of candidates) {
    const score = scorer.info.get(candidate)?.score ?? 0;
    if (score <= 0) break; // sorted, best first
    let node: ParentNode | null = candidate;
    for (let depth = 0; node && depth < 40; depth++) {
      if (node.parent === parent) {
        if (set.has(node as Element) && node !== candidate) out.set(node as Element, Math.max(out.get(node as Element) ?? 0, score));
        break;
      }
      node = node.parent;
    }
  }
  return out;
}

function hasDataTable(el: Element): boolean {
  if (el.name !== 'table') return false;
  const role = attr(el, 'role');
  if (role === 'presentation') return false;
  if ((attr(el, 'datatable') ?? '') === '0') return false;
  if (attr(el, 'summary')) return true;
  let rows = 0;
  let columns = 0;
  let dataHint = false;
  forEachElement(el, (child) => {
    if (child.name === 'table') return false;
    if (child.name === 'caption' || child.name === 'th' || child.name === 'thead' || child.name === 'tfoot') dataHint = true;
    if (child.name === 'tr') {
      rows++;
      columns = Math.max(columns, child.children.filter((c) => c.type === 'tag').length);
    }
    return undefined;
  });
  if (dataHint) return true;
  return rows >= 10 || columns > 4 || rows * columns > 10;
}

/** Readability's conditional cleaning: drop blocks that look like link lists, forms, galleries. */
function shouldDrop(el: Element, scorer: Scorer, flags: Flags): boolean {
  const info = scorer.info.get(el);
  if (!info) return false;
  if (info.videos > 0 && info.text < 200) return false; // a player block
  if (EMBEDDED_POST.test(classAndId(el))) return false;
  const tag = el.name;
  if (tag === 'table' && hasDataTable(el)) return false;
  if (insideTag(el, CODE, 20)) return false;
  const weight = flags.weightClasses ? classWeight(el) : 0;
  // A negative name ("media", "meta") loses, unless the block is plainly a prose paragraph.
  if (weight < 0 && !(info.p > 0 && info.text > 100 && scorer.linkDensity(el) < 0.25 && info.videos + info.img === 0)) return true;
  if (info.commas >= 10) return false;
  const isList = tag === 'ul' || tag === 'ol' || (info.text > 0 && info.listText / info.text > 0.9);
  const text = textOf(el);
  if (AD_WORDS.test(text) || LOADING_WORDS.test(text)) return true;
  const length = weightedLength(text);
  const linkDensity = scorer.linkDensity(el);
  const headingDensity = info.text > 0 ? info.headingText / info.text : 0;
  const inFigure = tag === 'figure' || insideTag(el, FIGURE, 6);
  const li = info.li - 100;
  if (!inFigure && info.img > 1 && info.p / info.img < 0.5) return true;
  if (!isList && li > info.p) return true;
  if (!isList && !inFigure && headingDensity < 0.9 && length < 25 && (info.img === 0 || info.img > 2) && linkDensity > 0) return true;
  // Prose that ends like a sentence may carry a few more links than a block of furniture.
  const prose = info.p > 0 && info.text >= 80 && SENTENCE_END.test(text);
  if (!isList && weight < 25 && linkDensity > (prose ? 0.5 : 0.2)) return true;
  // A list of links (related stories, more from the site) rather than a list in the text, also
  // when each item adds a date or a count to its link.
  if (isList && linkDensity > 0.65 && info.li >= 2) return true;
  if (isList && info.li >= 3 && info.links >= info.li && (info.text - info.link) / info.li < 30) return true;
  if (weight >= 25 && linkDensity > 0.5) return true;
  if ((info.embeds === 1 && length < 75) || info.embeds > 1) return true;
  return false;
}

const DATE_WORDS =
  /^(on|at|by|am|pm|a\.m|p\.m|est|edt|pst|pdt|gmt|utc|cet|kst|ist|updated|published|posted|first|last|modified|de|às|le|à|el|del|am|um|the|th|st|nd|rd|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|입력|수정|기사입력|최종수정|기사|작성일|입력일|수정일|등록일|게재일|발행일|승인일|등록|승인|발행|게재|송고|업데이트|작성|오전|오후|년|월|일|시|분|发布|發布|时间|時間|发布时间|發佈時間|发表时间|更新时间|更新|公開|配信|年|月|日|時|分)$/i;

/** "Nov. 20, 2019 5:52 AM EST", "Published 10:02 GMT" — a timestamp line, not a sentence. */
export function isDateLine(text: string): boolean {
  if (text.length > 80) return false;
  if (!/\b(19|20)\d{2}\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b/.test(text)) return false;
  const words = text.match(/[\p{L}]+/gu) ?? [];
  const reporter = /(기자|특파원)/.test(text);
  let names = 0;
  let other = 0;
  for (const word of words) {
    // Labels glued to their neighbours when the HTML puts no space between spans: "기자입력".
    const bare = word.replace(/^(기자|특파원)/, '').replace(/(입력|수정|등록|승인|작성|송고|업데이트)$/, '');
    if (bare === '' || DATE_WORDS.test(word) || DATE_WORDS.test(bare)) continue;
    if (reporter && /^[가-힣]{2,4}$/.test(bare) && names < 3) names++;
    else other++;
  }
  return other <= (names > 0 ? 0 : 1);
}

/** A link inside a paragraph is a word of it, whatever its class says ("textTag"). */
function inProse(el: Element): boolean {
  const parent = el.parent;
  return !!parent && isElement(parent as AnyNode) && PROSE_TAGS.has((parent as Element).name);
}
const PROSE_TAGS = new Set(['p', 'li', 'td', 'dd', 'blockquote', 'em', 'strong', 'b', 'i']);

export function isBoilerplateText(text: string): boolean {
  return BOILERPLATE_TEXT.some((pattern) => pattern.test(text));
}

function cleanInside(
  nodes: Element[],
  scorer: Scorer,
  removed: ReadonlySet<AnyNode>,
  flags: Flags,
  title: string | null,
  mediaOnly: Set<Element>,
  protectedNodes: ReadonlySet<Element> = new Set(),
): Set<AnyNode> {
  const dropped = new Set<AnyNode>(removed);
  const normalizedTitle = title ? title.replace(/\s+/g, ' ').trim().toLowerCase() : '';
  const candidatesForConditional: Element[] = [];
  for (const root of nodes) {
    forEachElement(root, (el) => {
      if (dropped.has(el)) return false;
      const tag = el.name;
      const match = classAndId(el);
      if (match && !(tag === 'a' && inProse(el)) && SHARE_ELEMENTS.test(match) && !EMBEDDED_POST.test(match) && !KEEP_ALWAYS.has(tag) && (scorer.info.get(el)?.text ?? 0) < 500 && !(attr(el, 'itemprop') ?? '').toLowerCase().includes('articlebody')) {
        dropped.add(el);
        return false;
      }
      const info = scorer.info.get(el);
      if (tag === 'figcaption' || (tag === 'caption' && !insideTag(el, TABLE, 1))) {
        dropped.add(el);
        return false;
      }
      if (match && CAPTION.test(match) && info && info.img === 0 && info.videos === 0 && info.text < 400 && !KEEP_ALWAYS.has(tag)) {
        dropped.add(el);
        return false;
      }
      const textBlock = tag === 'p' || tag === 'li' || HEADINGS.has(tag) || ((tag === 'div' || tag === 'section' || tag === 'td') && info !== undefined && info.blocks === 0);
      if (info && textBlock && info.text > 0 && info.img === 0 && info.videos === 0) {
        // The headline repeated above the text.
        if (normalizedTitle && info.text < 400 && textOf(el).toLowerCase() === normalizedTitle) {
          dropped.add(el);
          return false;
        }
        // A short block that is mostly one link: "related story" teasers between paragraphs.
        if (tag !== 'li' && tag !== 'td' && (info.text < 200 || info.links >= 3) && info.link / info.text > 0.75) {
          dropped.add(el);
          return false;
        }
        if (tag !== 'li' && info.text < 300) {
          const text = textOf(el);
          if (isBoilerplateText(text) || LABEL_TEXT.test(text) || isDateLine(text)) {
            dropped.add(el);
            return false;
          }
        }
      }
      if (tag === 'h1' || tag === 'h2') {
        const text = textOf(el).toLowerCase();
        if (tag === 'h1' || (flags.weightClasses && classWeight(el) < 0) || (normalizedTitle && text === normalizedTitle)) {
          dropped.add(el);
          return false;
        }
      }
      if (flags.stripUnlikely && (tag === 'aside' || tag === 'footer' || tag === 'nav')) {
        dropped.add(el);
        return false;
      }
      if (tag === 'figure' && info && info.img + info.videos > 0) mediaOnly.add(el);
      if (CLEAN_TAGS.has(tag)) candidatesForConditional.push(el);
      return undefined;
    });
  }
  if (flags.cleanConditionally) {
    // Inner blocks first, as Readability does, so an outer block is judged after its parts.
    for (let i = candidatesForConditional.length - 1; i >= 0; i--) {
      const el = candidatesForConditional[i]!;
      if (nodes.includes(el) || protectedNodes.has(el)) continue;
      if (shouldDrop(el, scorer, flags)) dropped.add(el);
    }
  }
  return dropped;
}

/**
 * `keep`: elements the retries must not leave out as boilerplate (the wrappers of what the strict
 * pass found: "post has-comments", "content has-sidebar").
 */
export function selectContent(body: Element, flags: Flags, title: string | null, keep: ReadonlySet<AnyNode> = new Set()): ContentSelection {
  const removed = unlikelyNodes(body, flags, keep);
  const scorer = new Scorer(body, removed);
  const candidates = scorer.score(flags);
  const nodes = pick(body, scorer, candidates);
  const mediaOnly = new Set<Element>();
  // The best-scored block and its wrappers are the article: conditional cleaning never drops them
  // (a short text beside a long list of links would otherwise make its own wrapper look like a link list).
  const protectedNodes = new Set<Element>();
  for (let node: ParentNode | null = candidates[0] ?? null; node && isElement(node as AnyNode) && node !== body; node = node.parent) protectedNodes.add(node as Element);
  const dropped = cleanInside(nodes, scorer, removed, flags, title, mediaOnly, protectedNodes);
  const top = candidates.slice(0, 5).map((el) => ({ el, score: scorer.info.get(el)!.score }));
  return { nodes, dropped, removed, mediaOnly, top };
}

