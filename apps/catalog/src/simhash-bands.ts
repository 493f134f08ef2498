/**
 * The pigeonhole index for 64-bit SimHashes: four exact 16-bit bands. Two hashes at most 3 bits
 * apart differ in at most 3 bands, so they agree exactly in at least one; looking rows up by any
 * equal band therefore finds every match within 3 bits, and the exact distance is checked after.
 */
export const BANDS = 4;
export const MAX_INDEXED_DISTANCE = BANDS - 1;

/** The four bands of a 16-hex-digit SimHash, most significant first, each 0..65535. */
export function bandsOf(simhash: string): [number, number, number, number] {
  if (!/^[0-9a-f]{16}$/.test(simhash)) throw new Error(`not a 16-hex-digit SimHash: ${JSON.stringify(simhash)}`);
  const band = (i: number): number => Number.parseInt(simhash.slice(i * 4, i * 4 + 4), 16);
  return [band(0), band(1), band(2), band(3)];
}

export function hammingHex(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (x) {
    x &= x - 1n;
    count++;
  }
  return count;
}
