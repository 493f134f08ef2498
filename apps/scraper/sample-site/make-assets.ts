// Generates the binary and EUC-KR files of the sample site once; their output is committed.
//
//   npx tsc -p tsconfig.json && node dist/apps/scraper/sample-site/make-assets.js
//
// Images are drawn from SVG shapes (no fonts needed) so that each is visibly different; one carries
// EXIF (camera, GPS, orientation 6) so a newcomer can see the scraper strip it and turn the picture.
// The clip is 3 s of ffmpeg's test pattern with a sine tone: a real H.264/AAC MP4 with audio.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import sharp from 'sharp';

const here = resolve(import.meta.dirname, '../../../../apps/scraper/sample-site');
const publicDir = join(here, 'public');

interface Picture {
  name: string;
  width: number;
  height: number;
  svg: string;
}

const pictures: Picture[] = [
  {
    name: 'chart.jpg',
    width: 480,
    height: 320,
    svg: `<rect width="480" height="320" fill="#f4f1ea"/>
      ${[120, 150, 170, 190, 160, 130, 110].map((h, i) => `<rect x="${40 + i * 60}" y="${300 - h}" width="40" height="${h}" fill="#1f5fa8"/>`).join('')}
      <polyline points="60,90 120,70 180,60 240,85 300,120 360,150 420,170" fill="none" stroke="#d1495b" stroke-width="6"/>`,
  },
  {
    name: 'tent.jpg',
    width: 480,
    height: 320,
    svg: `<rect width="480" height="320" fill="#22313f"/><circle cx="400" cy="60" r="30" fill="#f7e7a1"/>
      <rect y="240" width="480" height="80" fill="#2e5e3a"/>
      <polygon points="140,250 240,110 340,250" fill="#e0813a"/><polygon points="220,250 240,180 260,250" fill="#5a2d0c"/>
      ${[30, 70, 420, 455].map((x) => `<polygon points="${x - 18},250 ${x},170 ${x + 18},250" fill="#1b3d26"/>`).join('')}`,
  },
  {
    // Stored landscape with EXIF orientation 6: shown (and stored by the scraper) as 320x480 portrait.
    name: 'gear.jpg',
    width: 480,
    height: 320,
    svg: `<rect width="480" height="320" fill="#d9d4c7"/>
      <rect x="40" y="60" width="120" height="200" fill="#3c6e71"/><rect x="190" y="120" width="100" height="140" fill="#b5651d"/>
      <circle cx="370" cy="190" r="70" fill="#284b63"/><rect x="360" y="40" width="20" height="90" fill="#ffd166"/>`,
  },
  {
    name: 'stage.jpg',
    width: 480,
    height: 320,
    svg: `<rect width="480" height="320" fill="#0b0b1a"/>
      <polygon points="80,0 20,320 140,320" fill="#ff4fa3" opacity="0.55"/><polygon points="240,0 170,320 310,320" fill="#7b61ff" opacity="0.55"/>
      <polygon points="400,0 340,320 460,320" fill="#3fd0ff" opacity="0.55"/><rect y="270" width="480" height="50" fill="#2a2a3a"/>
      ${[120, 180, 240, 300, 360].map((x) => `<circle cx="${x}" cy="240" r="14" fill="#f0f0f0"/><rect x="${x - 10}" y="252" width="20" height="30" fill="#f0f0f0"/>`).join('')}`,
  },
  {
    name: 'field.jpg',
    width: 480,
    height: 320,
    svg: `<rect width="480" height="320" fill="#1e7b34"/><polygon points="240,110 340,200 240,290 140,200" fill="#c49a6c"/>
      <polygon points="240,150 295,200 240,250 185,200" fill="#2a9142"/><circle cx="240" cy="200" r="10" fill="#ffffff"/>
      <rect width="480" height="60" fill="#8ecae6"/>`,
  },
  {
    name: 'pillow.jpg',
    width: 480,
    height: 320,
    svg: `<rect width="480" height="320" fill="#a8dadc"/><rect x="30" y="160" width="420" height="140" rx="30" fill="#457b9d"/>
      <ellipse cx="170" cy="150" rx="110" ry="55" fill="#f1faee"/><ellipse cx="330" cy="170" rx="90" ry="45" fill="#e63946"/>`,
  },
  {
    name: 'robot.jpg',
    width: 320,
    height: 240,
    svg: `<rect width="320" height="240" fill="#edf2f4"/><rect x="60" y="150" width="200" height="20" fill="#8d99ae"/>
      <polyline points="80,150 110,80 170,60" fill="none" stroke="#2b2d42" stroke-width="12"/>
      <polyline points="240,150 210,80 150,60" fill="none" stroke="#2b2d42" stroke-width="12"/><rect x="120" y="130" width="80" height="20" fill="#ef233c"/>`,
  },
];

async function makePicture(picture: Picture): Promise<void> {
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${picture.width}" height="${picture.height}">${picture.svg}</svg>`);
  let image = sharp(svg).jpeg({ quality: 72, mozjpeg: true });
  if (picture.name === 'gear.jpg') {
    image = image.withExif({
      IFD0: { Make: 'SampleCam', Model: 'SC-1', Software: 'make-assets' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '126/1 58/1 0/1' },
    }).withMetadata({ orientation: 6 });
  }
  await image.toFile(join(publicDir, 'images', picture.name));
}

function makeClip(): void {
  const out = join(publicDir, 'media', 'clip.mp4');
  execFileSync('ffmpeg', [
    '-y', '-v', 'error',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=3',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050:duration=3',
    '-c:v', 'libx264', '-preset', 'veryslow', '-crf', '32', '-pix_fmt', 'yuv420p', '-g', '15',
    '-c:a', 'aac', '-b:a', '32k', '-ac', '1',
    '-movflags', '+faststart', '-shortest', out,
  ]);
}

function makeEucKrPage(): void {
  const source = readFileSync(join(here, 'src-euc-kr', 'baseball-final.html'), 'utf8');
  const bytes = iconv.encode(source, 'euc-kr');
  if (iconv.decode(bytes, 'euc-kr') !== source) throw new Error('baseball-final.html has characters EUC-KR cannot hold');
  writeFileSync(join(publicDir, 'articles', 'baseball-final.html'), bytes);
}

for (const picture of pictures) await makePicture(picture);
makeClip();
makeEucKrPage();
const sizes = [...pictures.map((p) => join('images', p.name)), 'media/clip.mp4', 'articles/baseball-final.html'].map(
  (path) => `${path} ${statSync(join(publicDir, path)).size} B`,
);
process.stdout.write(`${sizes.join('\n')}\n`);
