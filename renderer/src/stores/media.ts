import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Settings } from '@common/contract';
import { captureConstraints } from '../media/capture-constraints';
import {
  deviceChanges,
  devicesInUse,
  ringOutputs,
  type AvailableDevice,
  type DeviceChange,
  type DevicesInUse,
} from '../media/device-choice';
import { DeviceWatcher } from '../media/devices';
import { useSettingsStore } from './settings';

export type MediaChoices = Settings['media'];

/**
 * The machine's media devices and the user's choices: which device is in use for each role now
 * (falling back to the default while a chosen one is unplugged), the capture constraints for calls,
 * and notices for the user when a device goes away or comes back.
 */
export const useMediaStore = defineStore('media', () => {
  const settings = useSettingsStore();
  const devices = ref<AvailableDevice[]>([]);
  const enumerated = ref(false);
  /** Fallbacks and returns the user has not dismissed, newest last. */
  const notices = ref<DeviceChange[]>([]);
  let watcher: DeviceWatcher | undefined;

  const choices = computed<MediaChoices>(() => settings.settings.media);
  const inUse = computed<DevicesInUse>(() =>
    devicesInUse(choices.value, enumerated.value ? devices.value : []),
  );
  const toneOutputs = computed(() => ({
    ring: ringOutputs(inUse.value, devices.value),
    call: inUse.value.speaker.deviceId,
  }));

  const ofKind = (kind: MediaDeviceKind) =>
    computed(() =>
      devices.value.filter(
        (device) =>
          device.kind === kind &&
          device.deviceId !== '' &&
          !['default', 'communications'].includes(device.deviceId),
      ),
    );
  const microphones = ofKind('audioinput');
  const speakers = ofKind('audiooutput');
  const cameras = ofKind('videoinput');

  watch(inUse, (after, before) => {
    if (!enumerated.value) return;
    const told = deviceChanges(before, after).filter((change) => change.reason !== 'switched');
    if (told.length > 0) notices.value = [...notices.value, ...told].slice(-4);
  });

  /** Starts watching devices (once). */
  function start(): Promise<AvailableDevice[]> {
    watcher ??= new DeviceWatcher((list) => {
      devices.value = list;
      enumerated.value = true;
    });
    return watcher.refresh();
  }

  /** Reads the list again, e.g. after the first capture made the labels visible. */
  function refresh(): Promise<AvailableDevice[]> {
    return watcher?.refresh() ?? start();
  }

  function capture(requested: MediaStreamConstraints): MediaStreamConstraints {
    return captureConstraints(requested, inUse.value, choices.value);
  }

  async function choose(patch: Partial<MediaChoices>): Promise<void> {
    await settings.update({ media: { ...choices.value, ...patch } });
  }

  function dismissNotices(): void {
    notices.value = [];
  }

  return {
    devices,
    microphones,
    speakers,
    cameras,
    choices,
    inUse,
    toneOutputs,
    notices,
    start,
    refresh,
    capture,
    choose,
    dismissNotices,
  };
});
