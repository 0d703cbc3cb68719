/**
 * Opens a camera and returns its video track. Every camera the app uses comes through here, so that
 * choosing a device later is one argument: without `deviceId` the system's default camera is used.
 * Rejects with the browser's error (`NotAllowedError`, `NotFoundError`, `NotReadableError`...).
 */
export async function openCamera(deviceId?: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: deviceId ? { deviceId: { exact: deviceId } } : true,
  });
  const [track] = stream.getVideoTracks();
  if (!track) throw new Error('the camera gave no video track');
  return track;
}
