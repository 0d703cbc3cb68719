import { describe, expect, it } from 'vitest';
import {
  accountInputSchema,
  accountMediaSchema,
  iceServerUrlSchema,
  settingsSchema,
} from '../../../electron/common/contract';

describe('media settings in the contract', () => {
  it('loads a settings file written before devices existed, with processing on', () => {
    const old = settingsSchema.parse({ language: 'en', doNotDisturb: true });
    expect(old.media).toEqual({
      microphoneId: '',
      speakerId: '',
      ringerId: '',
      cameraId: '',
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });
    expect(old.language).toBe('en');
  });

  it('loads an account saved before media settings existed', () => {
    const parsed = accountInputSchema.safeParse({
      displayName: 'Alice',
      sipUri: 'sip:1001@pbx.example.com',
      authUser: '1001',
      wssUrl: 'wss://pbx.example.com/ws',
    });
    expect(parsed.success).toBe(true);
    expect(accountMediaSchema.parse({})).toEqual({
      audioCodecs: ['opus', 'G722', 'PCMU', 'PCMA'],
      videoCodecs: ['VP8', 'H264'],
      iceServers: [],
      iceTransportPolicy: 'all',
    });
  });

  it.each([
    ['stun:stun.example.com', true],
    ['stun:stun.example.com:3478', true],
    ['turn:turn.example.com?transport=tcp', true],
    ['turns:turn.example.com:5349', true],
    ['TURN:192.0.2.1:3478?transport=udp', true],
    ['http://stun.example.com', false],
    ['stun:', false],
    ['turn:turn.example.com?transport=sctp', false],
    ['stun:a b', false],
  ])('ICE server URL %s valid: %s', (url, valid) => {
    expect(iceServerUrlSchema.safeParse(url).success).toBe(valid);
  });

  it('refuses codecs it cannot order', () => {
    expect(accountMediaSchema.safeParse({ audioCodecs: ['AMR'] }).success).toBe(false);
  });
});
