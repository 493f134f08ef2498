// One pass over the freshly parsed tree that removes what is never article content (scripts,
// styles, forms controls, hidden elements, comments), unwraps <noscript> images, and flattens
// absurdly deep nesting so that later passes work on a bounded tree.
import { hasChildren, isElement, type AnyNode, type Element, type ParentNode } from './dom.js';

/** Deeper than any real page; below this depth a subtree is flattened to its text and media. */
export const MAX_DEPTH = 160;

const JUNK_TAGS = new Set([
  'script', 'style', 'template', 'svg', 'math', 'canvas', 'head', 'link', 'meta', 'base', 'title',
  'button', 'input', 'select', 'option', 'optgroup', 'textarea', 'datalist', 'output', 'progress', 'meter',
  'dialog', 'map', 'area', 'audio', 'track', 'param', 'frame', 'frameset', 'applet', 'noembed', 'noframes',
  // Furigana: the reading printed above a word (<rt>) and the parentheses shown without ruby
  // support (<rp>) are no part of the line's text.
  'rt', 'rp',
]);

const FLAT_KEEP = new Set(['br', 'img', 'iframe', 'video', 'embed', 'object']);

function isHidden(el: Element): boolean {
  const attribs = el.attribs;
  if (attribs['hidden'] !== undefined) return true;
  if (attribs['aria-hidden'] === 'true' && !/fallback-image/.test(attribs['class'] ?? '')) return true;
  const style = attribs['style'];
  if (style && /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style)) return true;
  return false;
}

export function setChildren(parent: ParentNode, kids: AnyNode[]): void {
  parent.children = kids;
  for (let i = 0; i < kids.length; i++) {
    const kid = kids[i]!;
    kid.parent = parent;
    kid.prev = kids[i - 1] ?? null;
    kid.next = kids[i + 1] ?? null;
  }
}

/** Images inside a <noscript>: the real ones on pages that lazy-load with JavaScript. */
function noscriptImages(el: Element): AnyNode[] {
  const found: AnyNode[] = [];
  const stack: AnyNode[] = [...el.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isElement(node)) continue;
    if (node.name === 'img') found.push(node);
    else stack.push(...node.children);
  }
  return found.reverse();
}

/** Text, line breaks and media below `el`, in document order, without the elements around them. */
function flatten(el: Element): AnyNode[] {
  const out: AnyNode[] = [];
  const stack: AnyNode[] = [];
  for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') out.push(node);
    else if (node.type === 'tag') {
      const tag = (node as Element).name;
      if (FLAT_KEEP.has(tag)) {
        setChildren(node as Element, []);
        out.push(node);
      } else if (!JUNK_TAGS.has(tag)) {
        const kids = (node as Element).children;
        for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
      }
    }
  }
  return out;
}

export function prepare(root: ParentNode): void {
  const stack: { node: ParentNode; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth >= MAX_DEPTH && isElement(node as AnyNode)) {
      setChildren(node, flatten(node as Element));
      continue;
    }
    let changed = false;
    const kept: AnyNode[] = [];
    for (const child of node.children) {
      if (child.type === 'text') {
        kept.push(child);
        continue;
      }
      if (!isElement(child) || child.type !== 'tag') {
        changed = true; // comments, directives, <script>, <style>
        continue;
      }
      const tag = child.name;
      if (JUNK_TAGS.has(tag) || (tag !== 'body' && tag !== 'html' && isHidden(child))) {
        changed = true;
        continue;
      }
      if (tag === 'noscript') {
        changed = true;
        kept.push(...noscriptImages(child));
        continue;
      }
      kept.push(child);
    }
    if (changed) setChildren(node, kept);
    for (let i = kept.length - 1; i >= 0; i--) {
      const child = kept[i]!;
      if (hasChildren(child) && child.children.length > 0) stack.push({ node: child, depth: depth + 1 });
    }
  }
}

export function findBody(root: ParentNode): Element | null {
  const stack: AnyNode[] = [...root.children];
  let guard = 0;
  while (stack.length > 0 && guard++ < 64) {
    const node = stack.shift()!;
    if (!isElement(node)) continue;
    if (node.name === 'body') return node;
    if (node.name === 'html') stack.push(...node.children);
  }
  return null;
}

