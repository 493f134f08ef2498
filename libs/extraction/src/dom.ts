// Small helpers over the domhandler tree that cheerio builds. Every walk here is iterative, so a
// hostile page with thousands of nested elements cannot overflow the stack.
import type { AnyNode, Element, ParentNode } from 'domhandler';

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

/** "class id" in lower case, the string the boilerplate rules match against. */
export function classAndId(el: Element): string {
  const cls = el.attribs['class'];
  const id = el.attribs['id'];
  if (!cls && !id) return '';
  return `${cls ?? ''} ${id ?? ''}`.toLowerCase();
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
    if (node.type === 'tag' && BLOCK_TAGS.has((node as Element).name)) parts.push(' ');
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return collapseSpaces(parts.join('')).trim();
}

/** Elements that start a new line/paragraph when rendered. */
export const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'dir',
  'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'frameset', 'h1', 'h2', 'h3',
  'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre',
  'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
