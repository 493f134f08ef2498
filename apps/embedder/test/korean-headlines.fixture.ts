/**
 * Twelve Korean headlines, each with a paraphrase written for this test: word order, particles,
 * endings and some words change, the named things stay. Several pairs share a theme on purpose
 * (prices, housing, money amounts) so that a nearest neighbour is not won by topic alone.
 */
export const KOREAN_HEADLINE_PAIRS: ReadonlyArray<{ original: string; paraphrase: string }> = [
  {
    original: '한국은행, 기준금리 연 3.5%로 동결…물가 불안 여전',
    paraphrase: '물가 불안 계속되자 한은 기준금리 3.5% 유지 결정',
  },
  {
    original: '서울 아파트값 5주 연속 상승…강남권 오름폭 확대',
    paraphrase: '강남 중심으로 서울 아파트 가격 다섯 주째 올라',
  },
  {
    original: '올여름 첫 폭염특보…낮 최고기온 35도 안팎',
    paraphrase: '낮 기온 35도 안팎까지 치솟아 올해 첫 폭염특보 발령',
  },
  {
    original: '20~30대 사이에서 러닝 크루 열풍…주말 한강 공원 북적',
    paraphrase: '주말마다 한강 공원에 모이는 러닝 크루, 2030세대에 인기',
  },
  {
    original: '삼성전자 2분기 영업이익 10조 원 돌파…반도체 회복세',
    paraphrase: '반도체 업황 회복에 힘입어 삼성전자 2분기 영업익 10조 넘어',
  },
  {
    original: '인기 아이돌 그룹 새 앨범 발매 첫날 100만 장 판매',
    paraphrase: '새 앨범 나오자마자 하루 만에 100만 장 팔린 아이돌 그룹',
  },
  {
    original: '편의점 도시락 매출 급증…고물가에 점심값 아끼는 직장인',
    paraphrase: '점심 물가 부담에 직장인들 편의점 도시락으로 몰려 매출 껑충',
  },
  {
    original: '제주 관광객 감소세…해외여행 수요에 밀려',
    paraphrase: '해외여행으로 수요 옮겨가며 제주 찾는 관광객 줄어',
  },
  {
    original: '전기차 화재 잇따라…지하주차장 충전 제한 검토',
    paraphrase: '잇단 전기차 불에 지하 주차장 충전 금지 방안 검토 중',
  },
  {
    original: '프로야구 개막전 전 경기 매진…역대 최다 관중 기록',
    paraphrase: '개막전 모든 구장 표 매진, 프로야구 관중 역대 최다',
  },
  {
    original: '정부, 청년 월세 지원 1년 연장…최대 월 20만 원',
    paraphrase: '청년층 월세 최대 20만 원 지원 정책 1년 더 이어간다',
  },
  {
    original: '카페 일회용 컵 보증금제 전국 확대 무산',
    paraphrase: '일회용 컵 보증금 제도, 전국 확대 계획 결국 없던 일로',
  },
];
