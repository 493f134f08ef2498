// Renders the chosen content as paragraphs of plain text and collects its images and players in
// reading order, each tied to the paragraph it follows.
import { attr, BLOCK_TAGS, isElement, textOf, type AnyNode, type Element } from './dom.js';
import { VIDEO_EMBED } from './rules.js';
import { isUnspacedScript } from './script.js';
import type { ExtractedMedia } from './types.js';
import { absoluteUrl } from './url.js';

export interface Rendered {
  paragraphs: string[];
  media: ExtractedMedia[];
}

const LAZY_SRC_ATTRIBUTES = [
  'data-src', 'data-lazy-src', 'data-original', 'data-lazy', 'data-url', 'data-hi-res-src', 'data-full-src',
  'data-original-src', 'data-echo', 'data-img-src', 'data-image', 'data-orig-src', 'data-large-src',
];
const LAZY_SRCSET_ATTRIBUTES = ['data-srcset', 'data-lazy-srcset', 'srcset'];
const PLACEHOLDER = /(^data:)|blank\.(gif|png)|spacer\.gif|pixel\.(gif|png)|placeholder|transparent\.(gif|png)|1x1\.(gif|png)|lazy[-_]?load/i;

/** The largest candidate of a srcset ("url 640w, url 2x"). */
export function bestFromSrcset(srcset: string | undefined): string | null {
  if (!srcset) return null;
  let best: string | null = null;
  let bestSize = -1;
  for (const part of srcset.split(/,\s+|,(?=\S+\s+\d)/)) {
    const [url, descriptor] = part.trim().split(/\s+/, 2);
    if (!url || url.startsWith('data:')) continue;
    const size = descriptor ? parseFloat(descriptor) * (descriptor.endsWith('x') ? 1000 : 1) : 1;
    if (Number.isFinite(size) && size > bestSize) {
      best = url;
      bestSize = size;
    }
  }
  return best;
}

function imageSource(img: Element, base: string | null): string | null {
  for (const name of LAZY_SRC_ATTRIBUTES) {
    const url = absoluteUrl(attr(img, name), base);
    if (url && !PLACEHOLDER.test(url)) return url;
  }
  for (const name of LAZY_SRCSET_ATTRIBUTES) {
    const url = absoluteUrl(bestFromSrcset(attr(img, name)), base);
    if (url && !PLACEHOLDER.test(url)) return url;
  }
  const src = absoluteUrl(attr(img, 'src'), base);
  if (src && !PLACEHOLDER.test(src)) return src;
  // <picture><source srcset> without a usable <img src>
  const picture = img.parent;
  if (picture && isElement(picture as AnyNode) && (picture as Element).name === 'picture') {
    for (const source of (picture as Element).children) {
      if (isElement(source) && source.name === 'source') {
        const url = absoluteUrl(bestFromSrcset(attr(source, 'srcset') ?? attr(source, 'data-srcset')), base);
        if (url) return url;
      }
    }
  }
  return null;
}

function isTrackingPixel(img: Element): boolean {
  const width = Number(attr(img, 'width'));
  const height = Number(attr(img, 'height'));
  return (Number.isFinite(width) && width > 0 && width <= 2) || (Number.isFinite(height) && height > 0 && height <= 2);
}

function videoSource(video: Element, base: string | null): string | null {
  const direct = absoluteUrl(attr(video, 'src') ?? attr(video, 'data-src'), base);
  if (direct) return direct;
  for (const child of video.children) {
    if (isElement(child) && child.name === 'source') {
      const url = absoluteUrl(attr(child, 'src') ?? attr(child, 'data-src'), base);
      if (url) return url;
    }
  }
  return null;
}

function figureCaption(el: Element): string | null {
  let node = el.parent;
  for (let depth = 0; node && depth < 6 && isElement(node as AnyNode); depth++) {
    const parent = node as Element;
    if (parent.name === 'figure') {
      for (const child of walkElements(parent)) {
        if (child.name === 'figcaption') {
          const text = textOf(child);
          return text || null;
        }
      }
      // No figcaption: the figure's own text, when short, is its caption.
      const text = textOf(parent);
      return text && text.length <= 300 ? text : null;
    }
    node = parent.parent;
  }
  return null;
}

function* walkElements(root: Element): Generator<Element> {
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isElement(node)) continue;
    yield node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}

function caption(el: Element): string | null {
  const fromFigure = figureCaption(el);
  if (fromFigure) return fromFigure;
  const alt = (attr(el, 'alt') ?? attr(el, 'title') ?? attr(el, 'aria-label') ?? '').replace(/\s+/g, ' ').trim();
  return alt || null;
}

/** Where an inline element opens (ENTER) or closes (EXIT), until the paragraph is written. */
const ENTER = '\u0001';
const EXIT = '\u0002';
// Looks around rather than consuming the neighbours, so that both edges of a one-character element count.
const INLINE_EDGES = /(?<=([^\s\u0001\u0002]?))([\u0001\u0002]+)(?=([^\s\u0001\u0002]?))/gu;
const EDGE_MARKS = /[\u0001\u0002]/g;
const HAS_EDGE = /[\u0001\u0002]/;
const LATIN_OR_DIGIT = /^[\p{Script=Latin}\p{Nd}]$/u;
const CJK_PUNCTUATION = /[\u3000-\u303f\uff00-\uffef]/;

/**
 * "ソフト<a>KeePass</a>の" reads "ソフト KeePass の": a Latin word or number that an element wraps
 * is set off from the Han or kana around it. Every other edge joins as written: a Han word in a link
 * before a number ("国家<a>统计局</a>11月") or a link inside a word stays one run.
 */
function inlineEdge(_: string, before: string, marks: string, after: string): string {
  const hanBefore = isUnspacedScript(before) && !CJK_PUNCTUATION.test(before);
  const hanAfter = isUnspacedScript(after) && !CJK_PUNCTUATION.test(after);
  // The character after an opening edge, or before a closing one, is inside the element.
  const space = (hanBefore && LATIN_OR_DIGIT.test(after) && marks.includes(ENTER)) || (LATIN_OR_DIGIT.test(before) && hanAfter && marks.includes(EXIT));
  return space ? ' ' : '';
}

class Renderer {
  readonly paragraphs: string[] = [];
  readonly media: ExtractedMedia[] = [];
  private readonly seen = new Set<string>();
  private buffer = '';
  private preDepth = 0;
  private mediaOnlyDepth = 0;

  constructor(
    private readonly base: string | null,
    private readonly dropped: ReadonlySet<AnyNode>,
    private readonly mediaOnly: ReadonlySet<Element>,
  ) {}

  flush(): void {
    // Inline elements add nothing: the HTML's own whitespace is all there is between words
    // ("삼성<a>전자</a>", "据美国<a>科技</a>博客" and "Micro<a>soft</a>" stay one word), except
    // where an element wrapping a Latin word or number meets a Han/kana run.
    const text = (HAS_EDGE.test(this.buffer) ? this.buffer.replace(INLINE_EDGES, inlineEdge).replace(EDGE_MARKS, '') : this.buffer)
      .split('\n')
      .map((line) => (this.preDepth > 0 ? line.replace(/\s+$/, '') : line.replace(/[ \t\u00a0]+/g, ' ').trim()))
      .filter((line) => line !== '')
      .join('\n');
    this.buffer = '';
    if (text) this.paragraphs.push(text);
  }

  private addMedia(kind: ExtractedMedia['kind'], src: string | null, el: Element): void {
    if (!src || this.seen.has(src)) return;
    this.seen.add(src);
    // Position: the paragraph being built, if any text is waiting, else the last one written.
    const position = this.buffer.replace(EDGE_MARKS, '').trim() ? this.paragraphs.length : this.paragraphs.length - 1;
    this.media.push({ kind, src, caption: caption(el), position });
  }

  private onMedia(el: Element): boolean {
    switch (el.name) {
      case 'img':
        if (!isTrackingPixel(el)) this.addMedia('image', imageSource(el, this.base), el);
        return true;
      case 'video':
        this.addMedia('video', videoSource(el, this.base), el);
        return true;
      case 'iframe':
      case 'embed':
      case 'object': {
        const src = absoluteUrl(attr(el, 'src') ?? attr(el, 'data-src') ?? attr(el, 'data'), this.base);
        if (src && VIDEO_EMBED.test(src)) this.addMedia('embed', src, el);
        return true;
      }
      default:
        return false;
    }
  }

  render(nodes: Element[]): void {
    type Step = { node: AnyNode; exit: boolean };
    const stack: Step[] = [];
    for (let i = nodes.length - 1; i >= 0; i--) stack.push({ node: nodes[i]!, exit: false });
    while (stack.length > 0) {
      const { node, exit } = stack.pop()!;
      if (node.type === 'text') {
        if (this.mediaOnlyDepth > 0) continue;
        this.buffer += this.preDepth > 0 ? node.data : node.data.replace(/[\s\u00a0]+/g, ' ');
        continue;
      }
      if (!isElement(node) || this.dropped.has(node)) continue;
      const tag = node.name;
      if (exit) {
        if (tag === 'pre') this.preDepth--;
        if (this.mediaOnly.has(node)) this.mediaOnlyDepth--;
        if (BLOCK_TAGS.has(tag)) this.flush();
        else this.buffer += EXIT;
        continue;
      }
      if (tag === 'br') {
        if (/\n[ \t]*$/.test(this.buffer)) this.flush();
        else this.buffer += '\n';
        continue;
      }
      if (this.onMedia(node)) continue;
      if (BLOCK_TAGS.has(tag)) this.flush();
      else this.buffer += ENTER;
      if (tag === 'pre') this.preDepth++;
      if (this.mediaOnly.has(node)) this.mediaOnlyDepth++;
      stack.push({ node, exit: true });
      for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, exit: false });
    }
    this.flush();
  }
}

export function render(
  nodes: Element[],
  dropped: ReadonlySet<AnyNode>,
  base: string | null,
  mediaOnly: ReadonlySet<Element> = new Set(),
): Rendered {
  const renderer = new Renderer(base, dropped, mediaOnly);
  renderer.render(nodes);
  return { paragraphs: renderer.paragraphs, media: renderer.media };
}
