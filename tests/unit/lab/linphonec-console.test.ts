import { describe, expect, it } from 'vitest';
import { countPrompts, parseLinphonecEvents } from '../../lab/linphonec-console';

/** linphonec's console output as the lab saw it: readline echoes each command after the prompt. */
const OUTPUT = [
  'Warning: video is disabled in linphonec, use -V or -C or -D to enable.',
  'linphonec> soundcard use files',
  'Using wav files instead of soundcard.',
  'linphonec> call sip:1010@127.0.0.1',
  'Establishing call id to sip:1010@127.0.0.1, assigned id 1',
  'Call 1 to sip:1010@127.0.0.1 in progress.',
  'linphonec> Call 1 to sip:1010@127.0.0.1 ringing.',
  'Call 1 with sip:1010@127.0.0.1 connected.',
  'Media streams established with sip:1010@127.0.0.1 for call 1 (audio).',
  'Receiving tone 5 from sip:1010@127.0.0.1',
  'Call 1 has been paused by sip:1010@127.0.0.1.',
  'linphonec> terminate',
  'Call 1 with sip:1010@127.0.0.1 ended (No error).',
  'linphonec> Receiving new incoming call from "Legacy Desk" <sip:1010@127.0.0.1>, assigned id 2',
  '',
].join('\n');

describe("linphonec's console output", () => {
  it('reads call events, also those printed right after a prompt', () => {
    expect(
      parseLinphonecEvents(OUTPUT).map(({ type, callId, detail }) => ({ type, callId, detail })),
    ).toEqual([
      { type: 'outgoing', callId: 1, detail: undefined },
      { type: 'ringing', callId: 1, detail: undefined },
      { type: 'connected', callId: 1, detail: undefined },
      { type: 'streams-running', callId: 1, detail: undefined },
      { type: 'dtmf', callId: undefined, detail: '5' },
      { type: 'paused-by-remote', callId: 1, detail: undefined },
      { type: 'ended', callId: 1, detail: 'No error' },
      { type: 'incoming', callId: 2, detail: undefined },
    ]);
  });

  it('keeps the peer as printed, display name included', () => {
    expect(parseLinphonecEvents(OUTPUT).at(-1)?.peer).toBe('"Legacy Desk" <sip:1010@127.0.0.1>');
  });

  it('counts one prompt at start-up and one per finished command', () => {
    expect(countPrompts('Warning: ...\nlinphonec> ')).toBe(1);
    expect(countPrompts(OUTPUT)).toBe(5);
  });
});
