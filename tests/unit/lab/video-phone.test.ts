import { describe, expect, it } from 'vitest';
import { parseVideoDebug } from '../../lab/baresip';
import { summarisePicture, type RgbaPicture } from '../../lab/picture-summary';

/** A picture with some structure: a gradient, a block of pure red, noise-like values (RGBA). */
function testPicture(width: number, height: number): RgbaPicture {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const red = x < width / 2 && y < height / 2;
      data.set(
        red ? [255, 0, 0, 255] : [(x * 37) & 0xff, (y * 53) & 0xff, (x * y * 11) & 0xff, 255],
        (y * width + x) * 4,
      );
    }
  return { width, height, data };
}

describe("summarising the video phone's snapshots", () => {
  it('tells a flat frame from a picture with detail', () => {
    const flat = summarisePicture({ width: 4, height: 4, data: new Uint8Array(4 * 4 * 4) });
    expect(flat).toMatchObject({ meanLuma: 0, lumaSpread: 0, colours: 1 });
    const picture = summarisePicture(testPicture(13, 11));
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
