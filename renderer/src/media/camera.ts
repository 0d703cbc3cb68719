/**
 * Opens a camera and returns its video track. `video` carries the user's camera choice (see
 * `capture-constraints.ts`); `true` is the system's default camera. Rejects with the browser's error
 * (`NotAllowedError`, `NotFoundError`, `NotReadableError`...).
 */
export async function openCamera(video: MediaTrackConstraints | boolean = true): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: false, video });
  const [track] = stream.getVideoTracks();
  if (!track) throw new Error('the camera gave no video track');
  return track;
}
