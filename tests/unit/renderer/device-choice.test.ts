import { describe, expect, it } from 'vitest';
import { captureConstraints } from '../../../renderer/src/media/capture-constraints';
import {
  RING_ON_ALL_OUTPUTS,
  deviceChanges,
  devicesInUse,
  ringOutputs,
  type AvailableDevice,
  type DeviceChoices,
} from '../../../renderer/src/media/device-choice';

const headset: AvailableDevice = { deviceId: 'headset-mic', kind: 'audioinput', label: 'Headset' };
const builtIn: AvailableDevice = { deviceId: 'builtin-mic', kind: 'audioinput', label: 'Built-in' };
const headsetOut: AvailableDevice = { deviceId: 'headset-out', kind: 'audiooutput', label: 'Headset' };
const speakers: AvailableDevice = { deviceId: 'speakers', kind: 'audiooutput', label: 'Speakers' };
const defaultOut: AvailableDevice = { deviceId: 'default', kind: 'audiooutput', label: 'Default' };
const camera: AvailableDevice = { deviceId: 'cam', kind: 'videoinput', label: 'Camera' };

const choices: DeviceChoices = {
  microphoneId: 'headset-mic',
  speakerId: 'headset-out',
  ringerId: '',
  cameraId: 'cam',
};

describe('devices in use', () => {
  it('uses the chosen devices while they are plugged in', () => {
    const inUse = devicesInUse(choices, [headset, builtIn, headsetOut, speakers, camera]);
    expect(inUse.microphone).toEqual({ deviceId: 'headset-mic' });
    expect(inUse.speaker).toEqual({ deviceId: 'headset-out' });
    expect(inUse.camera).toEqual({ deviceId: 'cam' });
  });

  it('falls back to the default when a chosen device is unplugged, and says which one is missing', () => {
    const inUse = devicesInUse(choices, [builtIn, speakers, camera]);
    expect(inUse.microphone).toEqual({ deviceId: '', missing: 'headset-mic' });
    expect(inUse.speaker).toEqual({ deviceId: '', missing: 'headset-out' });
  });

  it('does not judge before the browser reveals device ids (no capture permission yet)', () => {
    const hidden: AvailableDevice[] = [{ deviceId: '', kind: 'audioinput', label: '' }];
    expect(devicesInUse(choices, hidden).microphone).toEqual({ deviceId: 'headset-mic' });
  });

  it('reports a fallback when a device goes and a return when it comes back; a user pick is a switch', () => {
    const plugged = devicesInUse(choices, [headset, builtIn, headsetOut, speakers]);
    const unplugged = devicesInUse(choices, [builtIn, speakers]);
    expect(deviceChanges(plugged, unplugged)).toEqual([
      { role: 'microphone', deviceId: '', reason: 'fallback' },
      { role: 'speaker', deviceId: '', reason: 'fallback' },
    ]);
    expect(deviceChanges(unplugged, plugged)).toEqual([
      { role: 'microphone', deviceId: 'headset-mic', reason: 'restored' },
      { role: 'speaker', deviceId: 'headset-out', reason: 'restored' },
    ]);
    const picked = devicesInUse({ ...choices, microphoneId: 'builtin-mic' }, [headset, builtIn, headsetOut]);
    expect(deviceChanges(plugged, picked)).toEqual([
      { role: 'microphone', deviceId: 'builtin-mic', reason: 'switched' },
    ]);
    expect(deviceChanges(plugged, plugged)).toEqual([]);
  });
});

describe('where the ringtone plays', () => {
  const all = [headsetOut, speakers, defaultOut];

  it('on the speaker when no ringing device is chosen, else on the chosen one', () => {
    expect(ringOutputs(devicesInUse(choices, all), all)).toEqual(['headset-out']);
    expect(ringOutputs(devicesInUse({ ...choices, ringerId: 'speakers' }, all), all)).toEqual(['speakers']);
  });

  it('on every output once (the "default" alias is not a device of its own)', () => {
    const inUse = devicesInUse({ ...choices, ringerId: RING_ON_ALL_OUTPUTS }, all);
    expect(ringOutputs(inUse, all)).toEqual(['headset-out', 'speakers']);
  });

  it('on the default output while the chosen ringing device is unplugged', () => {
    const inUse = devicesInUse({ ...choices, speakerId: '', ringerId: 'headset-out' }, [speakers]);
    expect(ringOutputs(inUse, [speakers])).toEqual(['']);
  });
});

describe('capture constraints', () => {
  const processing = { echoCancellation: true, noiseSuppression: false, autoGainControl: true };

  it('asks for the device in use exactly, with the processing switches', () => {
    const inUse = devicesInUse(choices, [headset, camera]);
    expect(captureConstraints({ audio: true, video: false }, inUse, processing)).toEqual({
      audio: {
        deviceId: { exact: 'headset-mic' },
        echoCancellation: true,
        noiseSuppression: false,
        autoGainControl: true,
      },
      video: false,
    });
    expect(captureConstraints({ audio: true, video: true }, inUse, processing).video).toEqual({
      deviceId: { exact: 'cam' },
    });
  });

  it('leaves the device to the system while the chosen one is missing', () => {
    const inUse = devicesInUse(choices, [builtIn]);
    const audio = captureConstraints({ audio: true }, inUse, processing).audio;
    expect(audio).toEqual({ echoCancellation: true, noiseSuppression: false, autoGainControl: true });
  });
});
