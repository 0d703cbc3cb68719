/**
 * Reads the PNG pictures the lab's video phone saves of what it decoded (baresip's snapshot module
 * writes 8-bit RGB, not interlaced), so a test can look at the pixels. Only that subset of PNG
 * (RFC 2083) is read: 8-bit RGB or RGBA, no interlace; anything else is refused with its reason.
 */
import { inflateSync } from 'node:zlib';

/** A decoded picture: `pixels` holds R, G, B per pixel, row by row. */
export interface RgbPicture {
  width: number;
  height: number;
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOUR_TYPE_RGB = 2;
const COLOUR_TYPE_RGBA = 6;

/** RFC 2083 §6.6: the Paeth predictor. */
function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/** Undoes the per-row filters (RFC 2083 §6); `stride` counts the bytes of a row without its filter byte. */
function unfilter(data: Buffer, height: number, stride: number, bytesPerPixel: number): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const row = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const raw = data[row + x] ?? 0;
      const left = x >= bytesPerPixel ? (out[y * stride + x - bytesPerPixel] ?? 0) : 0;
      const up = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? (out[(y - 1) * stride + x - bytesPerPixel] ?? 0) : 0;
      let predicted: number;
      if (filter === 0) predicted = 0;
      else if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) predicted = paeth(left, up, upLeft);
      else throw new Error(`PNG: unknown row filter ${String(filter)} in row ${y}`);
      out[y * stride + x] = (raw + predicted) & 0xff;
    }
  }
  return out;
}

export function decodePng(file: Buffer): RgbPicture {
  if (file.length < SIGNATURE.length || !file.subarray(0, SIGNATURE.length).equals(SIGNATURE))
    throw new Error('not a PNG file (no PNG signature)');
  let offset = SIGNATURE.length;
  let header: { width: number; height: number; colourType: number } | undefined;
  const compressed: Buffer[] = [];
  while (offset + 8 <= file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    offset += 12 + length;
    if (type === 'IHDR') {
      const [depth, colourType, , , interlace] = body.subarray(8, 13);
      if (
        depth !== 8 ||
        interlace !== 0 ||
        (colourType !== COLOUR_TYPE_RGB && colourType !== COLOUR_TYPE_RGBA)
      )
        throw new Error(
          `PNG: only 8-bit RGB/RGBA without interlace is read (depth ${depth}, colour type ${colourType}, interlace ${interlace})`,
        );
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), colourType };
    } else if (type === 'IDAT') {
      compressed.push(body);
    } else if (type === 'IEND') {
      break;
    }
  }
  if (!header) throw new Error('PNG: no IHDR chunk');
  const { width, height, colourType } = header;
  const bytesPerPixel = colourType === COLOUR_TYPE_RGBA ? 4 : 3;
  const rows = unfilter(inflateSync(Buffer.concat(compressed)), height, width * bytesPerPixel, bytesPerPixel);
  if (bytesPerPixel === 3) return { width, height, pixels: rows };
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(rows.subarray(i * 4, i * 4 + 3), i * 3);
  return { width, height, pixels };
}
