// Script-aware measures. Latin letters carry less content per character than Hangul syllables,
// kana or Han characters, so every length threshold of the extractor counts "weighted characters":
// a Han character counts 3, a Hangul syllable or a kana 2, anything else 1. A 70-character Chinese
// paragraph (≈ 210) then weighs what a 200-character English one does, and a short Korean article
// is not taken for a menu.

/** The weight of one UTF-16 code unit of text (see the file comment). */
export function charWeight(ch: number): number {
  if (ch < 0x1100) return 1;
  if (ch >= 0xac00 && ch <= 0xd7a3) return 2; // Hangul syllables
  if (ch >= 0x4e00 && ch <= 0x9fff) return 3; // CJK unified ideographs
  if (ch >= 0x3040 && ch <= 0x30ff) return 2; // hiragana, katakana
  if (ch >= 0x3400 && ch <= 0x4dbf) return 3; // CJK extension A
  if (ch >= 0xf900 && ch <= 0xfaff) return 3; // CJK compatibility ideographs
  if ((ch >= 0x1100 && ch <= 0x11ff) || (ch >= 0x3130 && ch <= 0x318f)) return 2; // Hangul jamo
  return 1;
}

/** Weighted length of a string whose whitespace is already collapsed. */
export function weightedLength(text: string): number {
  let len = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    len += ch < 0x1100 ? 1 : charWeight(ch);
  }
  return len;
}

/**
 * True for characters of scripts written without spaces between words (Han, kana, and the CJK
 * punctuation around them). Hangul is written with spaces, so it is not one of them.
 */
export function isUnspacedScript(ch: string | undefined): boolean {
  if (!ch) return false;
  const code = ch.charCodeAt(0);
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x3000 && code <= 0x303f) ||
    (code >= 0xff00 && code <= 0xffef)
  );
}

/**
 * The separator for a boundary the HTML marks only by structure (two blocks joined on one line):
 * nothing between two characters of unspaced scripts ("国内" + "新闻"), a space otherwise.
 */
export function boundarySeparator(before: string | undefined, after: string | undefined): string {
  if (!before || !after) return '';
  if (/\s/.test(before) || /\s/.test(after)) return '';
  return isUnspacedScript(before) && isUnspacedScript(after) ? '' : ' ';
}

/** True when the text ends like a sentence in any of the scripts we meet. */
export const SENTENCE_END = /[.!?。！？．」』”"’)）]\s*$/;
