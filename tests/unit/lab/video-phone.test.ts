import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseVideoDebug } from '../../lab/baresip';
import { summarisePicture } from '../../lab/picture-summary';
import { decodePng } from '../../lab/png';

function chunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** RFC 2083 §6: the predictor of filter `type` from the raw bytes left, up and up-left. */
function predict(type: number, left: number, up: number, upLeft: number): number {
  if (type === 1) return left;
  if (type === 2) return up;
  if (type === 3) return (left + up) >> 1;
  if (type === 4) {
    const estimate = left + up - upLeft;
    const [a, b, c] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
    return a <= b && a <= c ? left : b <= c ? up : upLeft;
  }
  return 0;
}

/** An 8-bit PNG of `pixels` (3 or 4 bytes each), row y filtered with filter y % 5, so every filter is read. */
function encodePng(width: number, height: number, pixels: Uint8Array, bytesPerPixel: 3 | 4): Buffer {
  const stride = width * bytesPerPixel;
  const at = (y: number, x: number) => (y < 0 || x < 0 ? 0 : (pixels[y * stride + x] ?? 0));
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    const type = y % 5;
    rows.push(type);
    for (let x = 0; x < stride; x++) {
      const predicted = predict(type, at(y, x - bytesPerPixel), at(y - 1, x), at(y - 1, x - bytesPerPixel));
      rows.push((at(y, x) - predicted) & 0xff);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, bytesPerPixel === 4 ? 6 : 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A picture with some structure: a gradient, a block of pure red, noise-like values. */
function testPixels(width: number, height: number, bytesPerPixel: 3 | 4): Uint8Array {
  const pixels = new Uint8Array(width * height * bytesPerPixel);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * bytesPerPixel;
      const red = x < width / 2 && y < height / 2;
      pixels.set(red ? [255, 0, 0] : [(x * 37) & 0xff, (y * 53) & 0xff, (x * y * 11) & 0xff], i);
      if (bytesPerPixel === 4) pixels[i + 3] = 200;
    }
  return pixels;
}

describe("reading the video phone's PNG snapshots", () => {
  it('undoes every row filter of an RGB picture', () => {
    const pixels = testPixels(13, 11, 3);
    const picture = decodePng(encodePng(13, 11, pixels, 3));
    expect(picture.width).toBe(13);
    expect(picture.height).toBe(11);
    expect(Buffer.from(picture.pixels).equals(Buffer.from(pixels))).toBe(true);
  });

  it('drops the alpha channel of an RGBA picture', () => {
    const pixels = testPixels(6, 5, 4);
    const picture = decodePng(encodePng(6, 5, pixels, 4));
    expect(picture.pixels.length).toBe(6 * 5 * 3);
    expect([...picture.pixels.subarray(0, 3)]).toEqual([255, 0, 0]);
    const last = (6 * 5 - 1) * 4;
    expect([...picture.pixels.subarray(-3)]).toEqual([...pixels.subarray(last, last + 3)]);
  });

  it('refuses what it does not read, saying why', () => {
    expect(() => decodePng(Buffer.from('GIF89a'))).toThrow(/not a PNG/);
    const sixteenBit = encodePng(2, 2, testPixels(2, 2, 3), 3);
    sixteenBit[8 + 8 + 8] = 16; // IHDR bit depth
    expect(() => decodePng(sixteenBit)).toThrow(/only 8-bit RGB\/RGBA/);
  });

  it('tells a flat frame from a picture with detail', () => {
    const flat = summarisePicture({ width: 4, height: 4, pixels: new Uint8Array(4 * 4 * 3) });
    expect(flat).toMatchObject({ meanLuma: 0, lumaSpread: 0, colours: 1 });
    const picture = summarisePicture({ width: 13, height: 11, pixels: testPixels(13, 11, 3) });
    expect(picture.colours).toBeGreaterThan(10);
    expect(picture.lumaSpread).toBeGreaterThan(20);
    expect(picture.meanRgb.r).toBeGreaterThan(picture.meanRgb.b);
  });
});

describe("baresip's video_debug", () => {
  // As baresip 1.0's video_debug() prints it (src/video.c), during a call with the app.
  const duringCall = [
    '',
    '--- Video stream ---',
    ' started: yes',
    ' tx: encode: VP8 yuv420p',
    '     source: fakevideo 320 x 240, fps=10.00 frames=52',
    '     skipc=0 sendq=0',
    '     time = 5.100 sec',
    ' rx: decode: VP8 yuv420p',
    '     vidisp: fakevideo 640 x 480 frames=147',
    '     n_keyframes=2, n_picup=0',
    '     time = 4.966 sec',
  ].join('\n');

  it('reads the codecs and the frame counts of both directions', () => {
    expect(parseVideoDebug(duringCall)).toEqual({
      encoder: 'VP8',
      framesSent: 52,
      decoder: 'VP8',
      decodedSize: '640 x 480',
      framesDecoded: 147,
    });
  });

  it('reads no call (an empty answer) as nothing decoded', () => {
    expect(parseVideoDebug('')).toEqual({
      encoder: 'none',
      framesSent: 0,
      decoder: 'none',
      decodedSize: '0 x 0',
      framesDecoded: 0,
    });
  });
});
