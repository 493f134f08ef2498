/**
 * A tokenizer-free estimate of how many tokens a text costs. Rates per character class come from
 * common BPE vocabularies (English ~4 characters a token; Hangul and CJK ~1-2 characters a token;
 * digits and punctuation close to one each). It errs on the high side, so trimming by it keeps a
 * prompt inside the context; the truncation check compares against half of it, so a tokenizer that
 * packs text tighter is not mistaken for a cut prompt.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      if (/[A-Za-z]/.test(char)) tokens += 0.27;
      else if (char === ' ' || char === '\n' || char === '\t') tokens += 0.08;
      else tokens += 0.6;
    } else if (isHangul(code) || isCjk(code)) tokens += 0.8;
    else tokens += 0.5;
  }
  return Math.ceil(tokens);
}

/** About how many characters of `text` make `tokens` tokens, at its own average rate. */
export function charsForTokens(text: string, tokens: number): number {
  const total = estimateTokens(text);
  if (total === 0) return tokens * 4;
  return Math.ceil((Array.from(text).length / total) * tokens);
}

/**
 * The longest prefix of `text` within `maxTokens`, cut at a sentence or word end where one is
 * near, with whether it was cut.
 */
export function trimToTokens(text: string, maxTokens: number): { text: string; trimmed: boolean; tokens: number } {
  const tokens = estimateTokens(text);
  if (tokens <= maxTokens) return { text, trimmed: false, tokens };
  const chars = Array.from(text);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (estimateTokens(chars.slice(0, mid).join('')) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  let cut = chars.slice(0, low).join('');
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'), cut.lastIndexOf('다. '), cut.lastIndexOf('\n'));
  if (sentenceEnd > cut.length * 0.7) cut = cut.slice(0, sentenceEnd + 1);
  else {
    const space = cut.lastIndexOf(' ');
    if (space > cut.length * 0.8) cut = cut.slice(0, space);
  }
  cut = cut.trimEnd();
  return { text: cut, trimmed: true, tokens: estimateTokens(cut) };
}

function isHangul(code: number): boolean {
  return (code >= 0xac00 && code <= 0xd7a3) || (code >= 0x1100 && code <= 0x11ff) || (code >= 0x3130 && code <= 0x318f);
}

function isCjk(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3040 && code <= 0x30ff) || (code >= 0x3400 && code <= 0x4dbf);
}
