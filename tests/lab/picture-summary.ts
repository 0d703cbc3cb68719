/**
 * A few numbers that tell a real picture from a blank one: a decoder fed garbage or nothing gives a
 * uniform (often black or green) frame, a camera's picture has light, colour and detail.
 */

/** A decoded picture as pngjs gives it: `data` holds R, G, B, A per pixel, row by row. */
export interface RgbaPicture {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface PictureSummary {
  width: number;
  height: number;
  /** Mean of each channel, 0-255. */
  meanRgb: { r: number; g: number; b: number };
  /** Mean luma (BT.601), 0-255: about 0 is black. */
  meanLuma: number;
  /** Standard deviation of luma, 0-255: about 0 is one flat colour. */
  lumaSpread: number;
  /** Colours after quantising each channel to 8 levels (at most 512): about 1 is a flat frame. */
  colours: number;
}

export function summarisePicture(picture: RgbaPicture): PictureSummary {
  const { width, height, data } = picture;
  const count = width * height;
  let sum = 0;
  let sumOfSquares = 0;
  const channels = { r: 0, g: 0, b: 0 };
  const colours = new Set<number>();
  for (let i = 0; i < count; i++) {
    const r = data[i * 4] ?? 0;
    const g = data[i * 4 + 1] ?? 0;
    const b = data[i * 4 + 2] ?? 0;
    channels.r += r;
    channels.g += g;
    channels.b += b;
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += luma;
    sumOfSquares += luma * luma;
    colours.add(((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5));
  }
  const mean = (total: number) => (count > 0 ? total / count : 0);
  const meanLuma = mean(sum);
  const variance = count > 0 ? sumOfSquares / count - meanLuma * meanLuma : 0;
  const meanRgb = { r: mean(channels.r), g: mean(channels.g), b: mean(channels.b) };
  return {
    width,
    height,
    meanRgb,
    meanLuma,
    lumaSpread: Math.sqrt(Math.max(0, variance)),
    colours: colours.size,
  };
}
