// Language: normalise declared tags, else guess from the script and, for Latin text, stop words.

export function normalizeLang(value: string | null | undefined): string | null {
  if (!value) return null;
  const primary = value.trim().split(/[-_\s,;]/)[0]!.toLowerCase();
  if (!/^[a-z]{2,3}$/.test(primary)) return null;
  if (primary === 'x' || primary === 'und' || primary === 'mul' || primary === 'zxx') return null;
  return primary;
}

const STOP_WORDS: Record<string, string> = {
  en: 'the and of to is in that it was for with on are as this be by have from at not but they his her which you',
  es: 'el la de que y en los las del se por un una con para es al como pero más su sus fue este esta',
  pt: 'o a de que e do da em um uma para com não os as dos das no na por mais se foi ao pelo pela também',
  fr: 'le la les de des et est un une du en que qui pour dans pas sur au avec ce il elle sont aux ne plus',
  de: 'der die und das ist nicht den mit sich des auf ein eine dem zu für von im auch es sie wird werden',
  it: 'il di che la e un una per non del della è sono con gli le in da si anche dei alla nel',
  nl: 'de het een van en dat is niet op te zijn voor met die er ook maar aan bij wordt',
  id: 'yang dan di ini itu dengan untuk dari tidak dalam akan pada ke juga ada adalah oleh atau bisa',
  tr: 've bir bu da de için ile çok olarak daha gibi olan ama kadar sonra',
  pl: 'i w nie na się z do to że jest jak po od za ale czy przez',
  sv: 'och att det som en på är av för med till den inte har om var',
};

const STOP_SETS: Record<string, Set<string>> = Object.fromEntries(
  Object.entries(STOP_WORDS).map(([lang, words]) => [lang, new Set(words.split(' '))]),
);

interface ScriptCounts {
  hangul: number;
  kana: number;
  han: number;
  cyrillic: number;
  ukrainian: number;
  arabic: number;
  hebrew: number;
  greek: number;
  thai: number;
  devanagari: number;
  latin: number;
}

function countScripts(text: string): ScriptCounts {
  const c: ScriptCounts = { hangul: 0, kana: 0, han: 0, cyrillic: 0, ukrainian: 0, arabic: 0, hebrew: 0, greek: 0, thai: 0, devanagari: 0, latin: 0 };
  const end = Math.min(text.length, 20000);
  for (let i = 0; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 0x41) continue;
    if (ch < 0x250) {
      if ((ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a) || ch >= 0xc0) c.latin++;
    } else if ((ch >= 0xac00 && ch <= 0xd7af) || (ch >= 0x1100 && ch <= 0x11ff) || (ch >= 0x3130 && ch <= 0x318f)) c.hangul++;
    else if (ch >= 0x3040 && ch <= 0x30ff) c.kana++;
    else if (ch >= 0x4e00 && ch <= 0x9fff) c.han++;
    else if (ch >= 0x400 && ch <= 0x4ff) {
      c.cyrillic++;
      if (ch === 0x456 || ch === 0x457 || ch === 0x454 || ch === 0x491) c.ukrainian++;
    } else if (ch >= 0x600 && ch <= 0x6ff) c.arabic++;
    else if (ch >= 0x590 && ch <= 0x5ff) c.hebrew++;
    else if (ch >= 0x370 && ch <= 0x3ff) c.greek++;
    else if (ch >= 0xe00 && ch <= 0xe7f) c.thai++;
    else if (ch >= 0x900 && ch <= 0x97f) c.devanagari++;
  }
  return c;
}

function latinLanguage(text: string): string | null {
  const words = text.slice(0, 20000).toLowerCase().match(/[\p{L}]+/gu) ?? [];
  if (words.length < 3) return null;
  let best: string | null = null;
  let bestHits = 0;
  for (const [lang, set] of Object.entries(STOP_SETS)) {
    let hits = 0;
    for (const word of words) if (set.has(word)) hits++;
    if (hits > bestHits) {
      best = lang;
      bestHits = hits;
    }
  }
  return bestHits >= Math.max(2, words.length * 0.05) ? best : null;
}

/** Guess the language of a text; null when there is too little to tell. */
export function detectLanguage(text: string): string | null {
  const c = countScripts(text);
  const total = c.hangul + c.kana + c.han + c.cyrillic + c.arabic + c.hebrew + c.greek + c.thai + c.devanagari + c.latin;
  if (total < 10) return null;
  // Korean text mixes in Latin words and Han characters; a fifth of Hangul is already a clear sign.
  if (c.hangul / total > 0.2) return 'ko';
  if (c.kana > 0 && (c.kana + c.han) / total > 0.3) return 'ja';
  if (c.han / total > 0.3) return 'zh';
  const others: [string, number][] = [
    [c.ukrainian > c.cyrillic * 0.02 ? 'uk' : 'ru', c.cyrillic],
    ['ar', c.arabic],
    ['he', c.hebrew],
    ['el', c.greek],
    ['th', c.thai],
    ['hi', c.devanagari],
  ];
  for (const [lang, count] of others) if (count / total > 0.4) return lang;
  if (c.latin / total > 0.5) return latinLanguage(text);
  return null;
}
