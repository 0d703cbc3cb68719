import type { Host } from '../host/host';

/**
 * Captures a screen or window as one video track. On the desktop the user has already picked
 * `sourceId` from the host's list and main grants exactly that source to `getDisplayMedia()`; in the
 * browser `sourceId` is absent and the browser's own picker asks. Must run soon after a click:
 * browsers allow `getDisplayMedia()` only with a recent user gesture.
 */
export async function captureScreen(host: Host, sourceId?: string): Promise<MediaStreamTrack> {
  if (sourceId !== undefined) await host.screenShare.choose(sourceId);
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  const [track] = stream.getVideoTracks();
  if (!track) throw new Error('the screen capture gave no video track');
  // Text and detail matter more than motion in a shared screen (W3C mst-content-hint).
  track.contentHint = 'detail';
  return track;
}
