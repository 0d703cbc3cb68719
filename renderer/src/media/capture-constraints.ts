import type { DevicesInUse } from './device-choice';

/** Capture processing the user can switch; all on by default (the browser's defaults for calls). */
export interface CaptureProcessing {
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

/**
 * The getUserMedia constraints for a call: SIP.js asks for `{ audio: true }` (and `video: true` for
 * video calls); we add the device in use (`exact`, so a wrong device is an error rather than a
 * silent substitute) and the processing switches.
 */
export function captureConstraints(
  requested: MediaStreamConstraints,
  devices: Pick<DevicesInUse, 'microphone' | 'camera'>,
  processing: CaptureProcessing,
): MediaStreamConstraints {
  const audio: MediaTrackConstraints | false = requested.audio
    ? {
        ...(typeof requested.audio === 'object' ? requested.audio : {}),
        ...(devices.microphone.deviceId ? { deviceId: { exact: devices.microphone.deviceId } } : {}),
        echoCancellation: processing.echoCancellation,
        noiseSuppression: processing.noiseSuppression,
        autoGainControl: processing.autoGainControl,
      }
    : false;
  const video: MediaTrackConstraints | false = requested.video
    ? {
        ...(typeof requested.video === 'object' ? requested.video : {}),
        ...(devices.camera.deviceId ? { deviceId: { exact: devices.camera.deviceId } } : {}),
      }
    : false;
  return { audio, video };
}
