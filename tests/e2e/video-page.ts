import { expect, type Locator } from '@playwright/test';
import type { AppPage } from './app-page';

/** Video counters summed over the page's open RTCPeerConnections (recorded by `app-page.ts`). */
export interface PageVideoStats {
  framesDecoded: number;
  framesSent: number;
}

export async function videoStats(app: AppPage): Promise<PageVideoStats> {
  return app.page.evaluate(async () => {
    const totals = { framesDecoded: 0, framesSent: 0 };
    for (const pc of window.__ringlineTestPeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((entry: RTCStats & Record<string, unknown>) => {
        if (entry.kind !== 'video') return;
        if (entry.type === 'inbound-rtp') totals.framesDecoded += Number(entry.framesDecoded ?? 0);
        if (entry.type === 'outbound-rtp') totals.framesSent += Number(entry.framesSent ?? 0);
      });
    }
    return totals;
  });
}

/** Frames decoded by the page over `windowMs`. */
export async function framesDecodedOver(app: AppPage, windowMs: number): Promise<number> {
  const before = await videoStats(app);
  await app.page.waitForTimeout(windowMs);
  return (await videoStats(app)).framesDecoded - before.framesDecoded;
}

/**
 * Video from the far end is decoded, and keeps being decoded. Only "more than before" is asked of the
 * rate: on a loaded machine the encoder drops to a few frames a second.
 */
export async function expectVideoArriving(app: AppPage, windowMs = 2000): Promise<void> {
  await expect
    .poll(async () => (await videoStats(app)).framesDecoded, { timeout: 30_000 })
    .toBeGreaterThan(0);
  await expect
    .poll(() => framesDecodedOver(app, windowMs), {
      timeout: 30_000,
      message: 'video frames decoded in a window',
    })
    .toBeGreaterThan(0);
}

/**
 * No video is decoded any more. Frames already in flight when it stopped may still be decoded, so
 * this waits for a whole quiet window rather than looking once.
 */
export async function expectVideoStopped(app: AppPage, windowMs = 1500): Promise<void> {
  await expect
    .poll(() => framesDecodedOver(app, windowMs), { timeout: 30_000, message: 'no video frames in a window' })
    .toBe(0);
}

/** What the page sends as video: `camera`, a display surface (`monitor`, `window`...) or `none`. */
export async function sentVideo(app: AppPage): Promise<string> {
  return app.page.evaluate(() => {
    for (const pc of window.__ringlineTestPeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      for (const sender of pc.getSenders()) {
        const track = sender.track;
        if (track?.kind !== 'video' || track.readyState !== 'live') continue;
        const surface = (track.getSettings() as MediaTrackSettings & { displaySurface?: string })
          .displaySurface;
        return surface ?? 'camera';
      }
    }
    return 'none';
  });
}

/** The page's video transceivers and audio transceivers that are not stopped, per kind. */
export async function liveTransceivers(app: AppPage): Promise<{ audio: number; video: number }> {
  return app.page.evaluate(() => {
    const count = { audio: 0, video: 0 };
    for (const pc of window.__ringlineTestPeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      for (const t of pc.getTransceivers()) {
        const kind = t.receiver.track.kind;
        if (t.currentDirection !== 'stopped' && (kind === 'audio' || kind === 'video')) count[kind] += 1;
      }
    }
    return count;
  });
}

/** A `<video>` element that is showing moving pictures: it has a size and is not paused. */
export async function expectPlaying(view: Locator): Promise<void> {
  await expect(view).toBeVisible();
  await expect
    .poll(() =>
      view.evaluate((element) => {
        const video = element as HTMLVideoElement;
        return video.videoWidth > 0 && !video.paused && video.readyState >= 2;
      }),
    )
    .toBe(true);
}

export function videoSection(app: AppPage): Locator {
  return app.callCard().getByRole('region', { name: /^Video with / });
}

/** An average colour, 0-255 per channel. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/**
 * The average colour of the left, middle and right third of the frame a `<video>` element shows
 * now, each read from the third's central part (away from the edges, which the codec blurs).
 */
export async function videoThirds(view: Locator): Promise<Rgb[]> {
  return view.evaluate((element) => {
    const video = element as HTMLVideoElement;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d');
    if (!context || canvas.width === 0) return [];
    context.drawImage(video, 0, 0);
    const third = Math.floor(canvas.width / 3);
    return [0, 1, 2].map((index) => {
      const { data } = context.getImageData(
        index * third + Math.floor(third / 4),
        Math.floor(canvas.height / 4),
        Math.floor(third / 2),
        Math.floor(canvas.height / 2),
      );
      const total = { r: 0, g: 0, b: 0 };
      for (let i = 0; i < data.length; i += 4) {
        total.r += data[i] ?? 0;
        total.g += data[i + 1] ?? 0;
        total.b += data[i + 2] ?? 0;
      }
      const pixels = data.length / 4;
      return { r: total.r / pixels, g: total.g / pixels, b: total.b / pixels };
    });
  });
}

/** The codecs (`video/VP8`, `audio/PCMU`...) of the page's open RTCPeerConnections, from getStats. */
export async function negotiatedCodecs(app: AppPage): Promise<string[]> {
  return app.page.evaluate(async () => {
    const names: string[] = [];
    for (const pc of window.__ringlineTestPeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((entry: RTCStats & Record<string, unknown>) => {
        if (entry.type === 'codec') names.push(String(entry.mimeType));
      });
    }
    return names;
  });
}
