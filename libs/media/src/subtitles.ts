/**
 * Burned-in subtitles as an ASS script for libass. We wrap lines ourselves (libass only breaks at
 * spaces, and its width is in script pixels we control), with a conservative estimate of each
 * character's advance, so a line never runs off the frame; libass still wraps (WrapStyle 0) if an
 * estimate was short. Long narration is split into cues of at most `maxLines` lines, timed by
 * their share of the characters.
 */

export interface Cue {
  startS: number;
  endS: number;
  text: string;
  style: 'Sub' | 'Title' | 'Card';
}

export interface SubtitleLayout {
  width: number;
  height: number;
  /** Subtitle font size in pixels of the output frame. */
  fontSize: number;
  /** Left/right margin in pixels. */
  marginX: number;
  maxLines: number;
}

export function defaultLayout(width: number, height: number): SubtitleLayout {
  return {
    width,
    height,
    fontSize: Math.max(12, Math.round(height * 0.038)),
    marginX: Math.round(width * 0.08),
    maxLines: 3,
  };
}

/** Advance of one character in ems: generous, so the estimate errs on the side of shorter lines. */
export function charEms(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (char === ' ') return 0.3;
  if (
    (code >= 0x1100 && code <= 0x11ff) || // Hangul Jamo
    (code >= 0x2e80 && code <= 0x9fff) || // CJK, kana, punctuation
    (code >= 0xa960 && code <= 0xa97f) ||
    (code >= 0xac00 && code <= 0xd7ff) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xffef) || // full-width forms
    code >= 0x1f000 // emoji and beyond
  ) {
    return 1.0;
  }
  if (/[MWmw@%]/.test(char)) return 0.9;
  if (/[A-Z0-9#&]/.test(char)) return 0.68;
  if (/[il.,:;'!|`]/.test(char)) return 0.3;
  return 0.58;
}

export function textEms(text: string): number {
  let sum = 0;
  for (const char of text) sum += charEms(char);
  return sum;
}

/** Greedy wrap at spaces; a word longer than a line is broken between characters. */
export function wrapText(text: string, maxEms: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (textEms(candidate) <= maxEms) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    if (textEms(word) <= maxEms) {
      line = word;
      continue;
    }
    let piece = '';
    for (const char of word) {
      if (textEms(piece + char) > maxEms && piece) {
        lines.push(piece);
        piece = '';
      }
      piece += char;
    }
    line = piece;
  }
  if (line) lines.push(line);
  return lines;
}

/** A scene's narration as cues of at most `layout.maxLines` lines over [startS, endS). */
export function narrationCues(text: string, startS: number, endS: number, layout: SubtitleLayout): Cue[] {
  const maxEms = (layout.width - 2 * layout.marginX) / layout.fontSize;
  const lines = wrapText(text, maxEms);
  if (lines.length === 0) return [];
  const groups: string[][] = [];
  for (let i = 0; i < lines.length; i += layout.maxLines) groups.push(lines.slice(i, i + layout.maxLines));
  const weights = groups.map((group) => group.reduce((sum, l) => sum + [...l].length, 0));
  const total = weights.reduce((a, b) => a + b, 0);
  const cues: Cue[] = [];
  let at = startS;
  groups.forEach((group, i) => {
    const end = i === groups.length - 1 ? endS : at + ((endS - startS) * weights[i]!) / total;
    cues.push({ startS: at, endS: end, text: group.join('\n'), style: 'Sub' });
    at = end;
  });
  return cues;
}

/** A centred block (title card or title) wrapped to the frame at the given font size. */
export function blockCue(text: string, startS: number, endS: number, layout: SubtitleLayout, style: 'Title' | 'Card'): Cue {
  const size = style === 'Card' ? layout.fontSize * 1.6 : layout.fontSize * 1.25;
  const lines = wrapText(text, (layout.width - 2 * layout.marginX) / size).slice(0, 6);
  return { startS, endS, text: lines.join('\n'), style };
}

function assTime(seconds: number): string {
  const cs = Math.max(0, Math.round(seconds * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

/** Text as ASS dialogue: braces and backslashes cannot become override tags; newlines become \N. */
export function assEscape(text: string): string {
  return text
    .replace(/\\/g, '\u29f5')
    .replace(/\{/g, '(')
    .replace(/\}/g, ')')
    .replace(/\r?\n/g, '\\N');
}

/** The whole ASS script; `fontName` must be a family fontconfig or `fontsdir` can find. */
export function assScript(cues: Cue[], layout: SubtitleLayout, fontName: string): string {
  const { width, height, fontSize, marginX } = layout;
  const outline = Math.max(1, Math.round(fontSize * 0.08));
  const bottom = Math.round(height * 0.12);
  const style = (name: string, size: number, align: number, marginV: number, bold: number, borderStyle: number, back: string) =>
    `Style: ${name},${fontName},${Math.round(size)},&H00FFFFFF,&H00FFFFFF,&H00000000,${back},${bold},0,0,0,100,100,0,0,${borderStyle},${outline},0,${align},${marginX},${marginX},${marginV},1`;
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    style('Sub', fontSize, 2, bottom, -1, 1, '&H80000000'),
    style('Title', fontSize * 1.25, 8, Math.round(height * 0.1), -1, 1, '&H80000000'),
    style('Card', fontSize * 1.6, 5, 0, -1, 1, '&H00000000'),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...cues.map((cue) => `Dialogue: 0,${assTime(cue.startS)},${assTime(cue.endS)},${cue.style},,0,0,0,,${assEscape(cue.text)}`),
    '',
  ].join('\n');
}
