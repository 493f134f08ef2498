import { join } from 'node:path';
import sharp from 'sharp';
import type { StoryScriptV1 } from '#contracts';
import type { SceneMedia } from '../render.js';

const NARRATION = [
  '요즘 이십대와 삼십대가 주말마다 성수동의 작은 카페로 몰려들고 있습니다. 오픈 전부터 줄이 길게 늘어섭니다.',
  '이 카페는 직접 볶은 원두와 매주 바뀌는 한정판 디저트로 입소문을 탔습니다.',
  '사진을 찍으려는 사람들로 가게 안은 하루 종일 붐비고, 인증 사진이 쏟아집니다.',
  '전문가들은 물건보다 경험을 소비하는 새로운 흐름이라고 분석합니다.',
  '하지만 인근 주민들은 소음과 주차 문제를 호소하며 불편을 이야기합니다.',
  '여러분은 이런 핫플레이스, 직접 가보고 싶으신가요? 댓글로 알려주세요.',
];

/**
 * The reference story of the render benchmark: 6 Korean scenes of 10 s (60 s), five with an
 * article image (media ids 1..5) and a closing title card.
 */
export function koreanSampleStory(): StoryScriptV1 {
  return {
    title: '성수동 카페 열풍',
    hook: '왜 모두 성수동으로 갈까?',
    language: 'ko',
    hashtags: ['성수동', '카페', '트렌드'],
    sourceUrl: 'https://news.example.kr/article/1',
    scenes: NARRATION.map((narration, i) => ({
      narration,
      onScreen: i === 5 ? '여러분의 생각은?' : `장면 ${i + 1}`,
      mediaId: i === 5 ? null : i + 1,
      startS: null,
      endS: null,
      durationS: 10,
    })),
  };
}

/** Five synthetic photos (1600×1200 JPEG, colour fields and shapes) as media 1..5 of the sample story. */
export async function writeSampleImages(dir: string): Promise<Map<number, SceneMedia>> {
  const media = new Map<number, SceneMedia>();
  for (let i = 1; i <= 5; i++) {
    const circles = Array.from({ length: 30 }, (_, k) => `<circle cx="${(k * 137 + i * 50) % 1600}" cy="${(k * 251) % 1200}" r="${20 + k * 3}" fill="hsl(${k * 40 + i * 20},60%,50%)"/>`).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"><defs><linearGradient id="g"><stop offset="0" stop-color="hsl(${i * 70},70%,35%)"/><stop offset="1" stop-color="hsl(${i * 70 + 60},70%,60%)"/></linearGradient></defs><rect width="1600" height="1200" fill="url(#g)"/>${circles}</svg>`;
    const path = join(dir, `sample-${i}.jpg`);
    await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(path);
    media.set(i, { kind: 'image', path });
  }
  return media;
}
