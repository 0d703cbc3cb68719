import { describe, expect, it } from 'vitest';
import { recordingFileName } from '../../../renderer/src/audio/call-recorder';
import { toneFor } from '../../../renderer/src/audio/tones';
import { requestedAutoAnswerDelay } from '../../../renderer/src/sip/auto-answer';
import { sipfragStatus } from '../../../renderer/src/sip/call';
import { DEFAULT_CALL_HANDLING, callHandlingSchema } from '@common/contract';
import { incomingAction } from '../../../renderer/src/sip/call-handling';
import type { CallSnapshot } from '../../../renderer/src/sip/call-state';
import { dtmfDigits, dtmfRelayBody, dtmfInfoBody } from '../../../renderer/src/sip/dtmf';
import { audioDirection, farEndHolds } from '../../../renderer/src/sip/media-direction';

const sdp = (direction: string, sessionLevel = '') =>
  ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', sessionLevel, 't=0 0', 'm=audio 9 RTP/AVP 0', direction, '']
    .filter((line) => line !== '')
    .join('\r\n');

describe('hold in SDP', () => {
  it('reads the audio direction, media level first, sendrecv by default', () => {
    expect(audioDirection(sdp('a=sendonly'))).toBe('sendonly');
    expect(audioDirection(sdp('a=inactive'))).toBe('inactive');
    expect(audioDirection(sdp('', 'a=recvonly'))).toBe('recvonly');
    expect(audioDirection(sdp('a=sendrecv', 'a=inactive'))).toBe('sendrecv');
    expect(audioDirection(sdp(''))).toBe('sendrecv');
  });

  it('tells when the far end holds us, in offers and in answers to our own hold', () => {
    expect(farEndHolds('sendonly', 'offer', false)).toBe(true);
    expect(farEndHolds('inactive', 'offer', true)).toBe(true);
    expect(farEndHolds('sendrecv', 'offer', false)).toBe(false);
    // We offered sendonly: recvonly is the normal answer, inactive means it holds us too.
    expect(farEndHolds('recvonly', 'answer', true)).toBe(false);
    expect(farEndHolds('inactive', 'answer', true)).toBe(true);
    expect(farEndHolds('sendonly', 'answer', false)).toBe(true);
  });
});

describe('DTMF', () => {
  it('keeps only keypad digits and A-D', () => {
    expect(dtmfDigits('1 2-3a*#x')).toBe('123A*#');
    expect(dtmfDigits('')).toBe('');
  });

  it('writes application/dtmf-relay and application/dtmf bodies', () => {
    expect(dtmfRelayBody('#')).toBe('Signal=#\r\nDuration=160\r\n');
    expect(dtmfInfoBody('info', '5')).toEqual({
      contentType: 'application/dtmf-relay',
      content: 'Signal=5\r\nDuration=160\r\n',
    });
    expect(dtmfInfoBody('info-dtmf', '*')).toEqual({ contentType: 'application/dtmf', content: '*' });
  });
});

describe('transfer progress', () => {
  it('reads the status line of a message/sipfrag NOTIFY body', () => {
    expect(sipfragStatus('SIP/2.0 180 Ringing\r\n')).toBe(180);
    expect(sipfragStatus('SIP/2.0 200 OK')).toBe(200);
    expect(sipfragStatus('garbage')).toBeUndefined();
  });
});

describe('auto-answer requests', () => {
  const headers = (map: Record<string, string[]>) => ({ getHeaders: (name: string) => map[name] ?? [] });

  it('honours Call-Info answer-after, Alert-Info auto answer and Answer-Mode', () => {
    expect(requestedAutoAnswerDelay(headers({ 'Call-Info': ['<sip:pbx>;answer-after=0'] }))).toBe(0);
    expect(requestedAutoAnswerDelay(headers({ 'Call-Info': ['<sip:pbx>;Answer-After=5'] }))).toBe(5);
    expect(requestedAutoAnswerDelay(headers({ 'Alert-Info': ['auto answer'] }))).toBe(0);
    expect(requestedAutoAnswerDelay(headers({ 'Alert-Info': ['<http://x/>;info=alert-autoanswer'] }))).toBe(
      0,
    );
    expect(requestedAutoAnswerDelay(headers({ 'Answer-Mode': ['Auto'] }))).toBe(0);
    expect(requestedAutoAnswerDelay(headers({ 'Alert-Info': ['<http://x/ring.wav>'] }))).toBeUndefined();
  });
});

describe('answering policy', () => {
  const call = (patch: Partial<CallSnapshot> = {}): CallSnapshot => ({
    id: 'c1',
    accountId: 'a',
    direction: 'incoming',
    state: 'incoming',
    remoteUri: 'sip:1010@pbx',
    remoteDisplayName: '',
    remoteNumber: '1010',
    createdAt: 0,
    muted: false,
    ...patch,
  });

  it('rings by default and ignores intercom requests unless allowed', () => {
    expect(incomingAction(call({ autoAnswerAfter: 0 }), DEFAULT_CALL_HANDLING, false)).toEqual([
      { kind: 'ring' },
    ]);
    const allowed = { ...DEFAULT_CALL_HANDLING, allowIntercom: true };
    expect(incomingAction(call({ autoAnswerAfter: 0 }), allowed, false)).toEqual([
      { kind: 'answer', afterSeconds: 0, intercom: true },
    ]);
    expect(incomingAction(call({ autoAnswerAfter: 0 }), allowed, true)).toEqual([{ kind: 'ring' }]);
  });

  it('auto-answers after the delay, never on a second line', () => {
    const auto = { ...DEFAULT_CALL_HANDLING, autoAnswer: true, autoAnswerDelaySeconds: 3 };
    expect(incomingAction(call(), auto, false)).toEqual([
      { kind: 'answer', afterSeconds: 3, intercom: false },
    ]);
    expect(incomingAction(call(), auto, true)).toEqual([{ kind: 'ring' }]);
  });

  it('forwards always, when busy, or after the no-answer time', () => {
    const base = { ...DEFAULT_CALL_HANDLING, forwardTarget: '1002', forwardAfterSeconds: 15 };
    expect(incomingAction(call(), { ...base, forward: 'always' }, false)).toEqual([
      { kind: 'forward', target: '1002', afterSeconds: 0 },
    ]);
    expect(incomingAction(call(), { ...base, forward: 'busy' }, false)).toEqual([{ kind: 'ring' }]);
    expect(incomingAction(call(), { ...base, forward: 'busy' }, true)).toEqual([
      { kind: 'forward', target: '1002', afterSeconds: 0 },
    ]);
    expect(incomingAction(call(), { ...base, forward: 'no-answer' }, false)).toEqual([
      { kind: 'forward', target: '1002', afterSeconds: 15 },
    ]);
    expect(incomingAction(call(), { ...base, forward: 'always', forwardTarget: ' ' }, false)).toEqual([
      { kind: 'ring' },
    ]);
  });

  it('fills missing handling fields with defaults and refuses out-of-range values', () => {
    expect(callHandlingSchema.parse({ dtmfMode: 'info' })).toEqual({
      ...DEFAULT_CALL_HANDLING,
      dtmfMode: 'info',
    });
    expect(callHandlingSchema.safeParse({ autoAnswerDelaySeconds: 9999 }).success).toBe(false);
    expect(callHandlingSchema.safeParse({ forward: 'sometimes' }).success).toBe(false);
  });
});

describe('call-waiting tone and recordings', () => {
  it('plays the call-waiting beeps, not the ringtone, while a call is up', () => {
    expect(toneFor([{ direction: 'incoming', state: 'incoming' }])).toBe('ringtone');
    expect(
      toneFor([
        { direction: 'outgoing', state: 'active' },
        { direction: 'incoming', state: 'incoming' },
      ]),
    ).toBe('call-waiting');
  });

  it('names recordings by time and number, safely', () => {
    expect(recordingFileName(Date.UTC(2026, 10, 25, 7, 5, 9), '1010')).toBe(
      'ringline-2026-11-25-070509-1010.webm',
    );
    expect(recordingFileName(0, '../../etc')).toBe('ringline-1970-01-01-000000-etc.webm');
  });
});
