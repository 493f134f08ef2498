/**
 * Windows of about `size` characters with `overlap` characters shared by neighbours, cut at a
 * whitespace near the end of a window when there is one, so no word is split in two.
 */
export function chunkText(text: string, size: number, overlap: number): string[] {
  const chars = Array.from(text);
  if (chars.length <= size) return [text];
  const chunks: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = Math.min(chars.length, start + size);
    if (end < chars.length) {
      const floor = start + Math.floor(size * 0.8);
      for (let i = end; i > floor; i--) {
        if (/\s/.test(chars[i]!)) {
          end = i;
          break;
        }
      }
    }
    chunks.push(chars.slice(start, end).join('').trim());
    if (end >= chars.length) break;
    start = Math.max(start + 1, end - overlap);
  }
  return chunks.filter((chunk) => chunk.length > 0);
}
