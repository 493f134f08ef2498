const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Splits concatenated PNG files (ffmpeg's image2pipe output) by walking their length-prefixed
 * chunks to each IEND. Returns the complete images and the byte count of an unfinished tail.
 */
export function splitPngStream(stream: Buffer): { images: Buffer[]; trailing: number } {
  const images: Buffer[] = [];
  let start = 0;
  while (start < stream.length) {
    if (stream.length - start < SIGNATURE.length || !stream.subarray(start, start + 8).equals(SIGNATURE)) break;
    let at = start + SIGNATURE.length;
    let complete = false;
    while (at + 12 <= stream.length) {
      const length = stream.readUInt32BE(at);
      const type = stream.toString('latin1', at + 4, at + 8);
      const next = at + 12 + length;
      if (next > stream.length) break;
      at = next;
      if (type === 'IEND') {
        complete = true;
        break;
      }
    }
    if (!complete) break;
    images.push(stream.subarray(start, at));
    start = at;
  }
  return { images, trailing: stream.length - start };
}
