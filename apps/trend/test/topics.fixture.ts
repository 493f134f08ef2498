/** Small Korean and English topics for the stage tests: articles of one topic share most words. */
export const CAMPING = {
  keyword: '캠핑',
  title: (n: number) => `주말 캠핑 열풍, 20~30대가 캠핑장으로 몰린다 (${n})`,
  text: (n: number) =>
    `주말마다 캠핑장을 찾는 20~30대가 크게 늘었다. 캠핑 예약 플랫폼에 따르면 이번 달 캠핑장 예약이 지난해보다 38% 증가했다. ` +
    `캠핑 장비 대여 업체도 이용자가 두 배로 늘었다고 밝혔다. 업계는 캠핑 열풍이 여름까지 이어질 것으로 본다. 사례 ${n}.`,
};

export const RATES = {
  keyword: '금리',
  title: (n: number) => `한국은행 기준금리 동결, 물가와 가계부채 주시 (${n})`,
  text: (n: number) =>
    `한국은행 금융통화위원회가 기준금리를 연 3.5%로 동결했다. 물가 상승률이 둔화하고 있지만 가계부채와 환율 불안이 여전하다는 판단이다. ` +
    `시장에서는 하반기 금리 인하 가능성을 점치고 있다. 보고 ${n}.`,
};

export const ROBOTS = {
  keyword: 'robot',
  title: (n: number) => `Warehouse robots take over night shifts at logistics hubs (${n})`,
  text: (n: number) =>
    `Logistics companies are deploying warehouse robots for night shifts. The robots sort parcels and move pallets while ` +
    `human staff supervise. Operators say robot fleets doubled this year. Case ${n}.`,
};

export const HOUR = 3_600_000;
export const T0 = Date.parse('2026-05-01T00:00:00Z');

/** `count` times spread evenly inside hour `hour` after T0. */
export function hourTimes(hour: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(T0 + hour * HOUR + ((i + 0.5) * HOUR) / (count + 1)).toISOString());
}
