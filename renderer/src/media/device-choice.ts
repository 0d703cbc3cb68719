/**
 * Which device to use for each role, given what the user chose and what is plugged in now.
 *
 * The choice is never overwritten when its device disappears: we fall back to the system default
 * and tell the user, and when the device comes back (same `deviceId`) it is used again.
 */

export type DeviceRole = 'microphone' | 'speaker' | 'ringer' | 'camera';

/** The device ids the user chose ('' = system default; for the ringer, `all` = every output). */
export interface DeviceChoices {
  microphoneId: string;
  speakerId: string;
  ringerId: string;
  cameraId: string;
}

/** What `enumerateDevices()` reports, reduced to what the choice needs. */
export interface AvailableDevice {
  deviceId: string;
  kind: MediaDeviceKind;
  label: string;
}

/** The device in use for one role: '' is the system default. `missing` is the chosen id when it is absent. */
export interface DeviceInUse {
  deviceId: string;
  missing?: string;
}

export type DevicesInUse = Record<DeviceRole, DeviceInUse>;

/** Rings on every output at once. */
export const RING_ON_ALL_OUTPUTS = 'all';

const KIND: Record<DeviceRole, MediaDeviceKind> = {
  microphone: 'audioinput',
  speaker: 'audiooutput',
  ringer: 'audiooutput',
  camera: 'videoinput',
};

function resolve(chosen: string, role: DeviceRole, available: readonly AvailableDevice[]): DeviceInUse {
  if (chosen === '' || chosen === 'default') return { deviceId: '' };
  if (role === 'ringer' && chosen === RING_ON_ALL_OUTPUTS) return { deviceId: RING_ON_ALL_OUTPUTS };
  const ofKind = available.filter((device) => device.kind === KIND[role]);
  // Before capture permission the browser lists devices with empty ids: nothing is known yet.
  const unknown = ofKind.every((device) => device.deviceId === '');
  const present = unknown || ofKind.some((device) => device.deviceId === chosen);
  return present ? { deviceId: chosen } : { deviceId: '', missing: chosen };
}

export function devicesInUse(choices: DeviceChoices, available: readonly AvailableDevice[]): DevicesInUse {
  return {
    microphone: resolve(choices.microphoneId, 'microphone', available),
    speaker: resolve(choices.speakerId, 'speaker', available),
    ringer: resolve(choices.ringerId, 'ringer', available),
    camera: resolve(choices.cameraId, 'camera', available),
  };
}

/** What changed between two device situations, for the user (fell back / back again) and the engine. */
export interface DeviceChange {
  role: DeviceRole;
  deviceId: string;
  /** `fallback`: the chosen device went away; `restored`: it came back; `switched`: the user picked another. */
  reason: 'fallback' | 'restored' | 'switched';
}

export function deviceChanges(before: DevicesInUse, after: DevicesInUse): DeviceChange[] {
  const changes: DeviceChange[] = [];
  for (const role of Object.keys(after) as DeviceRole[]) {
    const was = before[role];
    const now = after[role];
    if (was.deviceId === now.deviceId) continue;
    const reason =
      now.missing !== undefined && was.missing === undefined
        ? 'fallback'
        : was.missing !== undefined && was.missing === now.deviceId
          ? 'restored'
          : 'switched';
    changes.push({ role, deviceId: now.deviceId, reason });
  }
  return changes;
}

/** The outputs a ringtone plays on: the ringer's, every output, or the speaker's when none is chosen. */
export function ringOutputs(inUse: DevicesInUse, available: readonly AvailableDevice[]): string[] {
  if (inUse.ringer.deviceId === RING_ON_ALL_OUTPUTS) {
    const outputs = available
      .filter((device) => device.kind === 'audiooutput' && device.deviceId !== 'communications')
      .map((device) => device.deviceId);
    // 'default' is an alias of one of the others; playing on both would ring that one twice.
    const distinct = outputs.filter((id) => id !== 'default');
    return distinct.length > 0 ? distinct : [''];
  }
  return [inUse.ringer.deviceId === '' ? inUse.speaker.deviceId : inUse.ringer.deviceId];
}
