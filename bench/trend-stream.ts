/**
 * A synthetic article stream with planted bursts, for `npm run bench:trend`: background topics at
 * steady Poisson rates, planted bursts whose rate rises x3-x10 for 2-12 hours (some on a topic
 * that already existed, some on a new one), Korean and English texts built from each topic's own
 * words plus shared filler, so the stand-in text vectors group them the way real news would.
 */
import { prng } from '#testing';

interface Prng {
  next(): number;
}

const KO_NOUNS = (
  '캠핑 금리 폭염 반도체 아이돌 야구 전기차 부동산 미세먼지 독감 마라톤 편의점 배달앱 웹툰 드라마 환율 태풍 축제 청년주택 스타트업 ' +
  '한우 김장 수능 등산 자전거 커피 라면 치킨 반려견 고양이 전세 대출 주식 코인 항공권 호텔 관광 벚꽃 단풍 스키 서핑 골프 테니스 ' +
  '배구 농구 축구 올림픽 월드컵 선거 국회 예산 세금 연금 병원 의사 간호사 백신 감기 다이어트 요가 헬스 식단 채식 와인 맥주 소주 ' +
  '막걸리 빵집 카페 분식 떡볶이 김밥 냉면 삼겹살 갈비 비빔밥 한옥 박물관 전시회 뮤지컬 콘서트 영화관 넷플릭스 게임 이스포츠 로봇 ' +
  '인공지능 챗봇 스마트폰 태블릿 노트북 카메라 드론 위성 우주 로켓 지진 홍수 가뭄 산불 장마 한파 미술관 도서관 학원 유치원'
).split(' ');
const KO_FILLER = [
  '관계자는 앞으로도 상황을 지켜보겠다고 말했다.',
  '전문가들은 당분간 이런 흐름이 이어질 수 있다고 내다봤다.',
  '시민들의 반응은 엇갈렸다.',
  '정부는 관련 대책을 검토하고 있다고 밝혔다.',
  '업계는 이번 변화가 시장에 어떤 영향을 줄지 주목하고 있다.',
  '한편 온라인 커뮤니티에서도 관련 글이 이어졌다.',
  '지역 주민들은 불편을 호소하기도 했다.',
  '자세한 내용은 다음 주에 발표될 예정이다.',
];
const KO_PARTICLES = ['', '', '이', '가', '을', '를', '은', '는', '의', '에서', '으로', '도', '와'];
const KO_LINKS = ['소식', '현장', '분위기', '전망', '논란', '인기', '근황', '반응', '변화', '열기', '추세', '행렬'];
const EN_LINKS = ['near', 'with', 'amid', 'after', 'beside', 'versus', 'plus', 'over', 'despite', 'around', 'via', 'before'];
const EN_NOUNS = (
  'camping rates heatwave chips idol baseball battery housing smog flu marathon grocery delivery comics drama currency typhoon festival ' +
  'startup beef exam hiking cycling coffee noodles chicken puppy kitten rent loans stocks crypto flights hotels tourism blossom foliage ski ' +
  'surfing golf tennis volleyball basketball soccer olympics election parliament budget taxes pension hospital doctors nurses vaccine ' +
  'fitness yoga gym vegan wine beer bakery cafe sushi pizza museum gallery musical concert cinema streaming gaming esports robots chatbot ' +
  'smartphone tablet laptop camera drone satellite rocket earthquake flood drought wildfire monsoon library school kindergarten'
).split(' ');
const EN_FILLER = [
  'Officials said they would keep monitoring the situation.',
  'Experts expect the pattern to continue for now.',
  'Reactions from residents were mixed.',
  'The government said it is reviewing measures.',
  'The industry is watching how the change will affect the market.',
  'Posts about it also spread on online forums.',
  'Some locals complained about the inconvenience.',
  'More details are expected next week.',
];

export interface Topic {
  id: number;
  lang: 'ko' | 'en';
  keyword: string;
  words: string[];
  category: string;
}

export interface Burst {
  topic: number;
  startMs: number;
  endMs: number;
  factor: number;
  baseRate: number;
  burstRate: number;
  onExisting: boolean;
}

export interface StreamArticle {
  topic: number;
  at: number;
  title: string;
  text: string;
  lang: 'ko' | 'en';
  category: string;
}

export interface StreamOptions {
  seed: number;
  hours: number;
  warmupHours: number;
  backgroundTopics: number;
  bursts: number;
  startMs: number;
}

const CATEGORIES = ['life', 'economy', 'society', 'culture', 'sports', 'it-science', 'health', 'travel-food'];

function pick<T>(rng: Prng, list: readonly T[]): T {
  return list[Math.floor(rng.next() * list.length)]!;
}

/** Poisson arrivals of one rate per hour between two times. */
function arrivals(rng: Prng, ratePerHour: number, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  if (ratePerHour <= 0) return out;
  let t = fromMs;
  for (;;) {
    t += (-Math.log(1 - rng.next()) / ratePerHour) * 3_600_000;
    if (t >= toMs) return out;
    out.push(t);
  }
}

function article(rng: Prng, topic: Topic, at: number, n: number): StreamArticle {
  const w = () => pick(rng, topic.words);
  const ko = topic.lang === 'ko';
  const title = ko
    ? `${topic.keyword}${pick(rng, KO_PARTICLES)} ${w()}, ${w()} ${pick(rng, ['관심 집중', '논란', '급증', '새 국면', '화제', '변화'])}`
    : `${topic.keyword[0]!.toUpperCase()}${topic.keyword.slice(1)} ${w()} ${pick(rng, ['draws attention', 'sparks debate', 'surges', 'shifts', 'makes headlines'])} as ${w()} grows`;
  const sentences: string[] = [];
  for (let i = 0; i < 4; i++) {
    const [a, b, c] = [w(), w(), w()];
    sentences.push(ko ? `${topic.keyword}${pick(rng, KO_PARTICLES)} ${a}${pick(rng, KO_PARTICLES)} ${b}, ${c} ${pick(rng, KO_LINKS)}.` : `${topic.keyword} ${a} ${b} ${pick(rng, EN_LINKS)} ${c}.`);
    if (rng.next() < 0.3) sentences.push(pick(rng, ko ? KO_FILLER : EN_FILLER));
  }
  return { topic: topic.id, at, title: `${title} #${n}`, text: sentences.join(' '), lang: topic.lang, category: topic.category };
}

export function generateStream(options: StreamOptions): { topics: Topic[]; bursts: Burst[]; articles: StreamArticle[] } {
  const next = prng(options.seed);
  const rng: Prng = { next };
  const endMs = options.startMs + options.hours * 3_600_000;
  const ko = [...KO_NOUNS];
  const en = [...EN_NOUNS];
  const topics: Topic[] = [];
  const total = options.backgroundTopics + Math.ceil(options.bursts / 2);
  for (let id = 0; id < total; id++) {
    const lang = id % 2 === 0 ? 'ko' : 'en';
    const pool = lang === 'ko' ? ko : en;
    // Each topic owns its keyword and four words: no two topics share them.
    // When a language runs out of nouns, made-up ones (still unique) take their place.
    const take = () => (pool.length > 0 ? pool.splice(Math.floor(rng.next() * pool.length), 1)[0]! : `${lang === 'ko' ? '신조어' : 'neo'}${id}x${Math.floor(rng.next() * 1e6)}`);
    topics.push({ id, lang, keyword: take(), words: [take(), take(), take(), take()], category: pick(rng, CATEGORIES) });
  }
  const baseRates = topics.map((_, i) => (i < options.backgroundTopics ? 1 + rng.next() * 5 : 0));
  const bursts: Burst[] = [];
  const burstStartMin = options.startMs + options.warmupHours * 3_600_000;
  for (let b = 0; b < options.bursts; b++) {
    const onExisting = b % 2 === 0;
    const topic = onExisting ? b % options.backgroundTopics : options.backgroundTopics + Math.floor(b / 2);
    const durationH = 2 + Math.floor(rng.next() * 11);
    const startMs = burstStartMin + Math.floor(rng.next() * (endMs - burstStartMin - durationH * 3_600_000 - 3_600_000) / 60_000) * 60_000;
    const factor = 3 + rng.next() * 7;
    const baseRate = onExisting ? baseRates[topic]! : 0.5 + rng.next() * 1.5;
    bursts.push({ topic, startMs, endMs: startMs + durationH * 3_600_000, factor, baseRate, burstRate: baseRate * factor, onExisting });
  }
  const times: { topic: number; at: number }[] = [];
  for (const topic of topics) {
    const mine = bursts.filter((b) => b.topic === topic.id).sort((a, b) => a.startMs - b.startMs);
    let t = options.startMs;
    for (const burst of mine) {
      // A new topic's bursts come from nothing: before its first burst it has no articles.
      if (baseRates[topic.id]! > 0) for (const at of arrivals(rng, baseRates[topic.id]!, t, burst.startMs)) times.push({ topic: topic.id, at });
      for (const at of arrivals(rng, burst.burstRate, burst.startMs, burst.endMs)) times.push({ topic: topic.id, at });
      t = burst.endMs;
    }
    const after = baseRates[topic.id]! > 0 ? baseRates[topic.id]! : 0;
    for (const at of arrivals(rng, after, t, endMs)) times.push({ topic: topic.id, at });
  }
  times.sort((a, b) => a.at - b.at);
  const articles = times.map((x, n) => article(rng, topics[x.topic]!, Math.round(x.at), n));
  return { topics, bursts, articles };
}
