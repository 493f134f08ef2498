// Small helpers over the domhandler tree that cheerio builds. Every walk here is iterative, so a
// hostile page with thousands of nested elements cannot overflow the stack.
import type { AnyNode, Element, ParentNode } from 'domhandler';
import { boundarySeparator } from './script.js';

export type { AnyNode, Element, ParentNode };

export function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

export function isText(node: AnyNode): node is AnyNode & { data: string } {
  return node.type === 'text';
}

export function hasChildren(node: AnyNode): node is ParentNode {
  return Array.isArray((node as ParentNode).children);
}

export function attr(el: Element, name: string): string | undefined {
  const value = el.attribs[name];
  return value === undefined ? undefined : value;
}

/**
 * "class id" in lower case, the string the boilerplate rules match against; camelCase words are
 * split ("articleComments" → "article comments") so that the rules can match whole tokens.
 */
export function classAndId(el: Element): string {
  const cls = el.attribs['class'];
  const id = el.attribs['id'];
  if (!cls && !id) return '';
  return ruleText(`${cls ?? ''} ${id ?? ''}`);
}

/** A class or id value as the rules read it: camelCase split, lower case, `_` read as `-`. */
export function ruleText(value: string): string {
  return (value.length < 2000 ? value.replace(/([a-z])([A-Z])/g, '$1 $2') : value).toLowerCase().replaceAll('_', '-');
}

export function collapseSpaces(text: string): string {
  return text.replace(/[\s\u00a0\u200b\ufeff]+/g, ' ');
}

/** Visits every element below `root` in document order; return false from `visit` to skip a subtree. */
export function forEachElement(root: AnyNode, visit: (el: Element) => boolean | void): void {
  if (!hasChildren(root)) return;
  const stack: AnyNode[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) stack.push(root.children[i]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isElement(node)) continue;
    if (visit(node) === false) continue;
    const kids = node.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

/** Text of a subtree with whitespace collapsed (no layout: blocks are joined by a space). */
export function textOf(root: AnyNode, skip?: ReadonlySet<AnyNode>): string {
  if (isText(root)) return collapseSpaces(root.data);
  const parts: string[] = [];
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (skip?.has(node)) continue;
    if (isText(node)) {
      parts.push(node.data);
      continue;
    }
    if (node.type !== 'tag' && node.type !== 'root') continue;
    const kids = (node as ParentNode).children;
    if (node.type === 'tag' && BLOCK_TAGS.has((node as Element).name)) parts.push(BLOCK_EDGE);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  const joined = parts.join('');
  if (!joined.includes(BLOCK_EDGE)) return collapseSpaces(joined).trim();
  // A block edge separates words only where the scripts on both sides use spaces.
  return collapseSpaces(joined.replace(BLOCK_EDGES, (_, before: string, after: string) => before + boundarySeparator(before, after) + after))
    .replaceAll(BLOCK_EDGE, '')
    .trim();
}

const BLOCK_EDGE = '\u0001';
const BLOCK_EDGES = /([^\s\u0001]?)\u0001+([^\s\u0001]?)/gu;

/** Elements that start a new line/paragraph when rendered. */
export const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'dir',
  'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'frameset', 'h1', 'h2', 'h3',
  'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre',
  'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
