import type { AvailableDevice } from './device-choice';

/**
 * Watches the machine's media devices: enumerates them and reports every change (`devicechange`,
 * e.g. a headset plugged in or out). Labels are empty until the page may capture (the browser hides
 * them before a getUserMedia permission), so the list is read again after each capture we start.
 */
export class DeviceWatcher {
  private readonly onChange = (): void => void this.refresh();
  private disposed = false;

  constructor(
    private readonly report: (devices: AvailableDevice[]) => void,
    private readonly mediaDevices: MediaDevices = navigator.mediaDevices,
  ) {
    this.mediaDevices.addEventListener('devicechange', this.onChange);
  }

  async refresh(): Promise<AvailableDevice[]> {
    const devices = (await this.mediaDevices.enumerateDevices()).map(({ deviceId, kind, label }) => ({
      deviceId,
      kind,
      label,
    }));
    if (!this.disposed) this.report(devices);
    return devices;
  }

  dispose(): void {
    this.disposed = true;
    this.mediaDevices.removeEventListener('devicechange', this.onChange);
  }
}
