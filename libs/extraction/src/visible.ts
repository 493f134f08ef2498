// Publication date and byline read from the visible text, for pages whose metadata says nothing
// (or names the site as the author): "입력 2026.11.29 14:05", "2026년 11월 29일 오후 2:05",
// "发布时间：2026-11-29 14:05", "홍길동 기자", "[서울=연합뉴스] 김철수·이영희 기자 =".
import { attr, classAndId, isElement, type AnyNode, type Element } from './dom.js';
import { ALWAYS_UNLIKELY } from './rules.js';

const DATE =
  /(?<![\d.])((?:19|20)\d{2})\s*[.\-/년年]\s*(\d{1,2})\s*[.\-/월月]\s*(\d{1,2})(?![\d])\s*[일日]?\.?(?:\s*[(（][^)）\d]{1,3}[)）])?(?:\s*(오전|오후|上午|下午|午前|午後|AM|PM|am|pm))?\s*[(（]?\s*(?:(\d{1,2})\s*[:시時]\s*(\d{2})(?:\s*[:분分]\s*(\d{2}))?)?(?:\s*(AM|PM|am|pm))?/g;
const PUBLISHED_LABEL = /(입력|등록|작성|게재|발행|송고|승인|기사입력|최초\s*입력|published|posted|发布|發布|发表|發表|公開|配信|掲載)\s*(일시|일자|일|시간|时间|時間|日時)?\s*[:：]?\s*$/i;
const UPDATED_LABEL = /(수정|업데이트|최종\s*수정|updated|modified|更新|修改|編集)\s*(일시|일자|일|시간|时间|時間|日時)?\s*[:：]?\s*$/i;
const DATE_CLASS = /(^|[^a-z])(date|time|info|byline|article|view|meta|writer|reporter|publish|regist|input)/;

/** UTC offset for a date read off the page, by the page's language (zone-less dates are local). */
export function offsetFor(lang: string | null): string {
  if (lang === 'ko' || lang === 'ja') return '+09:00';
  if (lang === 'zh') return '+08:00';
  return 'Z';
}

interface Found {
  score: number;
  order: number;
  iso: string;
}

/** Walks text nodes in document order with their element ancestors. */
function* textNodes(root: Element): Generator<{ text: string; parent: Element; previous: string }> {
  const stack: AnyNode[] = [root];
  let previous = '';
  let visited = 0;
  while (stack.length > 0 && visited++ < 200_000) {
    const node = stack.pop()!;
    if (node.type === 'text') {
      const text = (node as unknown as { data: string }).data;
      if (text.trim()) {
        yield { text, parent: node.parent as Element, previous };
        previous = text.slice(-40);
      }
      continue;
    }
    if (!isElement(node) || node.name === 'script' || node.name === 'style') continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}

/** How an element's surroundings weigh a date or byline found in it (a byline may be a link). */
function placeWeight(el: Element, byline = false): number {
  let weight = 0;
  let node: Element | null = el;
  for (let depth = 0; node && isElement(node as AnyNode) && depth < 10; depth++) {
    const tag = node.name;
    if (!byline && (tag === 'li' || tag === 'a')) weight -= depth < 4 ? 3 : 0; // lists of other articles
    if (tag === 'time') weight += 1;
    if (tag === 'footer' || tag === 'aside' || tag === 'nav') weight -= 4;
    const match = classAndId(node);
    if (match) {
      if (ALWAYS_UNLIKELY.test(match)) weight -= 5;
      else if (depth < 3 && DATE_CLASS.test(match)) weight += 1;
    }
    node = node.parent as Element | null;
  }
  return weight;
}

function toIso(m: RegExpExecArray, offset: string): string | null {
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  let hour = m[5] !== undefined ? Number(m[5]) : 0;
  const minute = m[6] !== undefined ? Number(m[6]) : 0;
  const second = m[7] !== undefined ? Number(m[7]) : 0;
  const meridiem = (m[4] ?? m[8] ?? '').toLowerCase();
  if (m[5] !== undefined && meridiem) {
    const pm = meridiem === '오후' || meridiem === '下午' || meridiem === '午後' || meridiem === 'pm';
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  if (hour > 23 || minute > 59 || second > 59) return null;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const ms = Date.parse(`${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${offset}`);
  if (!Number.isFinite(ms)) return null;
  if (year < 1990 || year > new Date().getUTCFullYear() + 1) return null;
  return new Date(ms).toISOString();
}

/**
 * A date whose parts sit in elements of their own, "<em>2026</em> <em>03</em>/<em>15</em>
 * <span>12:26:53</span>", read as the short text of their common element (year, then month/day,
 * then a time: without the time a year beside two numbers is too common to be a date).
 */
const SPLIT_DATE = /(?<!\d)((?:19|20)\d{2})\s+(\d{1,2})\s*\/\s*(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)/;
const SPLIT_MAX_CHARS = 40;

/** Elements of at most a few short pieces of text that together hold a split date. */
function* splitDates(root: Element): Generator<{ text: string; parent: Element }> {
  const stack: Element[] = [root];
  let visited = 0;
  while (stack.length > 0 && visited++ < 50_000) {
    const el = stack.pop()!;
    const pieces: string[] = [];
    let tooLong = false;
    let elements = 0;
    const inner: AnyNode[] = [...el.children];
    while (inner.length > 0 && !tooLong) {
      const node = inner.pop()!;
      if (node.type === 'text') pieces.push((node as unknown as { data: string }).data);
      else if (isElement(node)) {
        elements++;
        inner.push(...node.children);
      }
      tooLong = pieces.join('').length > SPLIT_MAX_CHARS || elements > 12;
    }
    if (!tooLong && elements >= 2 && pieces.length >= 3) {
      // pieces were collected last child first
      const text = pieces.reverse().join(' ').replace(/\s+/g, ' ');
      if (SPLIT_DATE.test(text)) yield { text, parent: el };
      continue;
    }
    for (const child of el.children) if (isElement(child) && child.name !== 'script' && child.name !== 'style') stack.push(child);
  }
}

/** The publication date shown on the page, or null. `lang` decides the zone of a zone-less date. */
export function visibleDate(body: Element, lang: string | null): string | null {
  const offset = offsetFor(lang);
  let best: Found | null = null;
  let order = 0;
  for (const { text, parent } of splitDates(body)) {
    const m = SPLIT_DATE.exec(text)!;
    // The same groups as DATE: year, month, day, (meridiem), hour, minute, second.
    const groups = [m[0], m[1], m[2], m[3], undefined, m[4], m[5], m[6]] as unknown as RegExpExecArray;
    const iso = toIso(groups, offset);
    if (!iso) continue;
    const found = { score: placeWeight(parent) + 1, order: order++, iso };
    if (!best || found.score > best.score) best = found;
  }
  for (const { text, parent, previous } of textNodes(body)) {
    if (!/\d{4}/.test(text)) continue;
    DATE.lastIndex = 0;
    let m: RegExpExecArray | null;
    let place: number | null = null;
    while ((m = DATE.exec(text))) {
      const iso = toIso(m, offset);
      if (!iso) continue;
      place ??= placeWeight(parent);
      const before = (previous + text.slice(0, m.index)).slice(-24);
      let score = place;
      if (PUBLISHED_LABEL.test(before)) score += 4;
      else if (UPDATED_LABEL.test(before)) score -= 2;
      if (m[5] !== undefined) score += 1; // a time of day: a timestamp rather than a date in the text
      const found = { score, order: order++, iso };
      if (!best || found.score > best.score) best = found;
    }
  }
  return best && best.score >= -2 ? best.iso : null;
}

const TITLES = '기자|특파원|선임기자|전문기자|객원기자|인턴기자|수습기자|논설위원|편집위원|앵커|리포터';
const KOREAN_BYLINE = new RegExp(
  `(?<![가-힣])([가-힣]{2,4}(?:\\s*[·,ㆍ]\\s*[가-힣]{2,4})*)\\s*(?:${TITLES})(?![가-힣])(\\s*(?:=|[(<]?[\\w.+-]+@[\\w.-]+))?`,
  'g',
);
const NOT_NAMES = /^(관계자|취재|사진|영상|그래픽|편집|담당|기사|뉴스|전|현|소속|일보|신문|방송)$/;

/** Names of Korean reporters shown on the page ("홍길동 기자"), or null. */
export function visibleByline(body: Element): string | null {
  const found: { score: number; names: string[] }[] = [];
  for (const { text, parent } of textNodes(body)) {
    if (!text.includes('기자') && !/특파원|위원|앵커|리포터/.test(text)) continue;
    KOREAN_BYLINE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = KOREAN_BYLINE.exec(text))) {
      const trimmed = text.trim();
      const short = trimmed.length <= 60;
      const marked = m[2] !== undefined;
      if (!short && !marked) continue;
      const names = m[1]!.split(/\s*[·,ㆍ]\s*/).filter((name) => !NOT_NAMES.test(name));
      if (names.length === 0) continue;
      let score = placeWeight(parent, true) + (marked ? 2 : 0) + (short ? 1 : 0);
      if (/byline|reporter|writer|journalist|author/.test(classAndId(parent)) || attr(parent, 'rel') === 'author') score += 2;
      found.push({ score, names });
    }
    if (found.length >= 20) break;
  }
  let best: { score: number; names: string[] } | null = null;
  for (const item of found) if (!best || item.score > best.score) best = item;
  if (!best || best.score < -1) return null;
  // The same reporters named again with a colleague ("김민준 기자" under "김민준·이서연 기자"): all of them.
  for (const item of found) {
    if (item.names.length > best.names.length && item.score >= Math.min(best.score - 3, 0) && best.names.every((name) => item.names.includes(name))) best = item;
  }
  return best.names.join(', ');
}

/** A Korean byline value cleaned of its title and address: "홍길동 기자 hong@x.kr" → "홍길동". */
export function cleanKoreanByline(value: string): string {
  const m = new RegExp(`^([가-힣]{2,4}(?:\\s*[·,ㆍ]\\s*[가-힣]{2,4})*)\\s*(?:${TITLES})(?![가-힣])`).exec(value.trim());
  return m ? m[1]!.split(/\s*[·,ㆍ]\s*/).join(', ') : value;
}

const HAN_NAME = '[\\u4e00-\\u9fff]{2,4}';
/** "（记者李明、王芳）", "〔記者王小明／台北報導〕", "（本报记者 赵雪）" inside a lead or a trailer. */
const CJK_REPORTER_LEAD = new RegExp(
  `[（(〔［\\[【]\\s*(?:本报|本報|新华社|新華社)?\\s*(?:记者|記者)\\s*(${HAN_NAME}(?:\\s*[、，, ]\\s*${HAN_NAME})*)\\s*(?:[／/][^）)〕］\\]】]{0,12})?[）)〕］\\]】]`,
);
/** "作者：吴婷", "投稿者：ひだまり", "記者：山田太郎". */
const CJK_AUTHOR_LABEL = /(?:^|[\s|｜　])(?:作者|记者|記者|撰文|执笔|執筆|投稿者|文)\s*[:：]\s*([^\s:：，,。|｜　]{2,16})/;
const CJK_LABEL_ENDING = /(?:作者|记者|記者|撰文|执笔|執筆|投稿者)\s*[:：]\s*$/;
const CJK_NAMES_SPLIT = /\s*[、，,・]\s*|\s+/;
const AUTHOR_CLASS = /(^|[^a-z])(byline|author|writer|reporter|journalist)/;
/** What a site, a desk or a source calls itself, not a person. */
export const SITE_WORDS = /뉴스|일보|신문|방송|미디어|편집국|닷컴|news|media|\||:|[网網]$|新闻|新聞|日报|日報|时报|時報|晚报|晚報|ニュース|通信|放送|テレビ|电视|電視|电台|電台|报社|報社|编辑部|編輯部|編集部/i;

/**
 * Names of the authors of a Chinese or Japanese page shown in its text, or null: a reporter lead
 * ("（记者李明、王芳）", "〔記者王小明／台北報導〕"), a label ("作者：吴婷", "投稿者：ひだまり"), or
 * the short text of an element named byline/author.
 */
export function visibleCjkByline(body: Element): string | null {
  let best: { score: number; names: string[] } | null = null;
  let seen = 0;
  for (const { text, parent, previous } of textNodes(body)) {
    if (++seen > 5000) break;
    let names: string[] | null = null;
    let bonus = 0;
    const lead = CJK_REPORTER_LEAD.exec(text);
    const label = CJK_AUTHOR_LABEL.exec(text);
    const trimmed = text.trim();
    if (lead) {
      names = lead[1]!.split(CJK_NAMES_SPLIT);
      bonus = 1;
    } else if (label) {
      names = [label[1]!];
      bonus = 4;
    } else if (CJK_LABEL_ENDING.test(previous) && trimmed.length >= 2 && trimmed.length <= 16 && !/\s/.test(trimmed)) {
      // A labelled name is worth reading even in an article's footer ("投稿者：ひだまり").
      names = [trimmed];
      bonus = 4;
    } else if (trimmed.length >= 2 && trimmed.length <= 24 && authorClass(parent)) {
      names = trimmed.split(CJK_NAMES_SPLIT);
      bonus = 1;
    }
    if (!names) continue;
    // A time or a date under an "author…" name ("發表於 2026-11-29") is no name.
    if (names.some((name) => /\d{2}|[:：]/.test(name))) continue;
    names = names.filter((name) => name.length >= 2 && !SITE_WORDS.test(name));
    if (names.length === 0) continue;
    // A label says what the name is wherever it sits (a post's footer); unlabelled names must not
    // come from comments or footers. Ties go to the first in reading order.
    const score = (bonus === 4 ? Math.max(placeWeight(parent, true), -5) : placeWeight(parent, true)) + bonus;
    if (score < -1) continue;
    if (!best || score > best.score) best = { score, names };
  }
  return best ? best.names.join(', ') : null;
}

function authorClass(el: Element): boolean {
  let node: Element | null = el;
  for (let depth = 0; node && isElement(node as AnyNode) && depth < 2; depth++) {
    if (AUTHOR_CLASS.test(classAndId(node)) || attr(node, 'rel') === 'author') return true;
    node = node.parent as Element | null;
  }
  return false;
}
