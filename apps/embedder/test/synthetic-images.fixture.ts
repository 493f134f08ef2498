import sharp from 'sharp';

/**
 * Six distinct pictures drawn as SVG and rendered by sharp (no downloads). Pairs of them share a
 * palette on purpose (1 and 2 warm, 4 and 5 red and white) so a match cannot be won by colour alone.
 */
const SCENES: readonly string[] = [
  // 1: sunset, vertical warm gradient, sun disc, dark ground
  `<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5b2a86"/><stop offset="0.6" stop-color="#f08a24"/><stop offset="1" stop-color="#ffd166"/></linearGradient></defs>
   <rect width="480" height="320" fill="url(#g)"/><circle cx="240" cy="210" r="60" fill="#ffe08a"/><rect y="240" width="480" height="80" fill="#1d1a2f"/>`,
  // 2: the same warm palette, horizontal gradient and tall blocks
  `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#ffd166"/><stop offset="0.5" stop-color="#f08a24"/><stop offset="1" stop-color="#5b2a86"/></linearGradient></defs>
   <rect width="480" height="320" fill="url(#g)"/><rect x="40" y="60" width="70" height="260" fill="#1d1a2f"/><rect x="150" y="120" width="50" height="200" fill="#1d1a2f"/><rect x="360" y="30" width="80" height="290" fill="#1d1a2f"/>`,
  // 3: blue sky, clouds, green hills
  `<rect width="480" height="320" fill="#6ec6ff"/><ellipse cx="120" cy="80" rx="70" ry="28" fill="#ffffff"/><ellipse cx="330" cy="60" rx="90" ry="30" fill="#f4f8ff"/>
   <ellipse cx="140" cy="330" rx="260" ry="120" fill="#4caf50"/><ellipse cx="400" cy="340" rx="220" ry="110" fill="#388e3c"/>`,
  // 4: red and white checkerboard
  `<rect width="480" height="320" fill="#ffffff"/>${Array.from({ length: 12 * 8 }, (_, i) => {
    const x = i % 12;
    const y = Math.floor(i / 12);
    return (x + y) % 2 === 0 ? `<rect x="${x * 40}" y="${y * 40}" width="40" height="40" fill="#d62828"/>` : '';
  }).join('')}`,
  // 5: red and white diagonal stripes
  `<rect width="480" height="320" fill="#ffffff"/><g transform="rotate(35 240 160)">${Array.from({ length: 14 }, (_, i) =>
    `<rect x="${i * 60 - 180}" y="-200" width="30" height="720" fill="#d62828"/>`).join('')}</g>`,
  // 6: night, moon and stars
  `<rect width="480" height="320" fill="#0b1d3a"/><circle cx="370" cy="80" r="40" fill="#f5f3ce"/><circle cx="385" cy="70" r="36" fill="#0b1d3a"/>
   ${Array.from({ length: 30 }, (_, i) => `<circle cx="${(i * 97) % 470 + 5}" cy="${(i * 53) % 200 + 10}" r="${1 + (i % 3)}" fill="#fff7b0"/>`).join('')}
   <rect y="260" width="480" height="60" fill="#05101f"/>`,
];

export async function renderScene(index: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320">${SCENES[index]}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export const SCENE_COUNT = SCENES.length;

/** Edits that keep the picture the same to a person; each must still find its original. */
export const NEAR_DUPLICATE_EDITS: ReadonlyArray<{ name: string; apply: (png: Buffer) => Promise<Buffer> }> = [
  { name: 'resized to 50% as JPEG', apply: (png) => sharp(png).resize(240).jpeg({ quality: 75 }).toBuffer() },
  { name: 're-encoded as JPEG quality 35', apply: (png) => sharp(png).jpeg({ quality: 35 }).toBuffer() },
  { name: 'brightened by 10%', apply: (png) => sharp(png).modulate({ brightness: 1.1 }).png().toBuffer() },
  {
    name: 'resized 75%, brightened 6%, WebP',
    apply: (png) => sharp(png).resize(360).modulate({ brightness: 1.06 }).webp({ quality: 60 }).toBuffer(),
  },
];
