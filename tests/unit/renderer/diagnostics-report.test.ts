import { describe, expect, it } from 'vitest';
import type { Account } from '@common/contract';
import {
  diagnosticsReport,
  engineInfo,
  withoutCredentials,
  type DiagnosticsInput,
} from '../../../renderer/src/diagnostics/diagnostics-report';
import type { CallHistoryEntry } from '../../../renderer/src/history/call-history';

const alice: Account = {
  id: 'a1',
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  transport: 'wss',
  wssUrl: 'wss://pbx.example.com:8089/ws?token=s3cr3t-token',
  fallbackWssUrls: ['wss://backup:p4ss@pbx2.example.com/ws'],
  outboundProxy: 'sip:proxy.example.com;lr',
  hasPassword: true,
  media: {
    audioCodecs: ['PCMU', 'opus'],
    videoCodecs: ['VP8'],
    iceServers: [
      { url: 'stun:stun.example.com', username: '' },
      { url: 'turn:turn.example.com?transport=tcp', username: 'turn-user-1700000000' },
    ],
    iceTransportPolicy: 'relay',
  },
  callHandling: {
    autoAnswer: false,
    autoAnswerDelaySeconds: 0,
    allowIntercom: false,
    forward: 'off',
    forwardTarget: '',
    forwardAfterSeconds: 20,
    dtmfMode: 'info',
    recordAll: false,
  },
};

const direct: Account = {
  id: 'b2',
  displayName: '',
  sipUri: 'sip:2002@carrier.example',
  authUser: '',
  transport: 'udp',
  wssUrl: '',
  sipServer: 'carrier.example:5060',
  hasPassword: false,
};

const call: CallHistoryEntry = {
  id: 'call-1tag',
  accountId: 'a1',
  direction: 'outgoing',
  remoteUri: 'sip:1010@pbx.example.com',
  remoteDisplayName: 'Desk',
  remoteNumber: '1010',
  startedAt: Date.UTC(2026, 11, 7, 9, 0, 0),
  answeredAt: Date.UTC(2026, 11, 7, 9, 0, 2),
  endedAt: Date.UTC(2026, 11, 7, 9, 1, 2),
  durationSeconds: 60,
  endReason: 'local-hangup',
  outcome: 'answered',
  quality: { codec: 'PCMU', averageMos: 4.31, worstLoss: 0.025, measuredSeconds: 58 },
  seen: 1,
};

function input(patch: Partial<DiagnosticsInput> = {}): DiagnosticsInput {
  return {
    generatedAt: Date.UTC(2026, 11, 7, 10, 0, 0),
    app: { name: 'Ringline', version: '0.1.0', platform: 'linux', host: 'electron' },
    engine: {
      browser: 'Chromium 156.0.8078.114',
      electron: '45.4.1',
      os: 'Linux 6.12.0',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Electron/45.4.1',
    },
    language: 'en',
    logLevel: 'warn',
    secretStorage: 'encrypted',
    accounts: [alice, direct],
    registrations: {
      a1: {
        accountId: 'a1',
        state: 'registered',
        since: Date.UTC(2026, 11, 7, 8, 0, 0),
        server: 'wss://pbx.example.com:8089/ws?token=s3cr3t-token',
        serverIndex: 0,
      },
      b2: {
        accountId: 'b2',
        state: 'reconnecting',
        since: Date.UTC(2026, 11, 7, 9, 59, 0),
        nextAttemptAt: Date.UTC(2026, 11, 7, 10, 0, 30),
        error: {
          kind: 'unreachable',
          detail: 'Authorization: Digest username="2002", response="feedfacefeedfacefeedfacefeedface"',
        },
      },
    },
    problems: [
      {
        at: Date.UTC(2026, 11, 7, 9, 59, 0),
        source: 'registration',
        accountId: 'b2',
        text: 'registration reconnecting, unreachable',
        count: 3,
      },
      { at: Date.UTC(2026, 11, 7, 9, 59, 5), source: 'sip', text: 'warn: sent with password=hunter22' },
    ],
    calls: [call],
    sipLog: { size: 120, capacity: 2000, textBytes: 61_952, textBudget: 1_048_576, dropped: 0 },
    ...patch,
  };
}

describe('diagnosticsReport', () => {
  const text = diagnosticsReport(input());

  it('says which app, engine and OS this is', () => {
    expect(text).toContain('Ringline diagnostics, 2026-12-07T10:00:00.000Z');
    expect(text).toContain('App: Ringline 0.1.0 (desktop)');
    expect(text).toContain('OS: Linux 6.12.0');
    expect(text).toContain('Browser engine: Chromium 156.0.8078.114, Electron 45.4.1');
    expect(text).toContain('Language: en; log level: warn; passwords kept: encrypted');
    expect(text).toContain(
      'SIP log: 120 messages kept, 60.5 KiB of text (at most 2000 messages and 1024 KiB)',
    );
  });

  it('lists each account with its connection and registration', () => {
    expect(text).toContain('- Alice (a1)');
    expect(text).toContain('  SIP address: sip:1001@pbx.example.com');
    expect(text).toContain('  Password stored: yes');
    expect(text).toContain('  Transport: wss');
    expect(text).toContain('  Outbound proxy: sip:proxy.example.com;lr');
    expect(text).toContain('  Audio codecs: PCMU, opus; video codecs: VP8');
    expect(text).toContain(
      '  STUN/TURN: stun:stun.example.com, turn:turn.example.com?transport=tcp; media: relay',
    );
    expect(text).toContain('  DTMF: info');
    expect(text).toMatch(/ {2}Registration: registered since 2026-12-07T08:00:00\.000Z/);
    expect(text).toContain('- sip:2002@carrier.example (b2)');
    expect(text).toContain('  Transport: udp');
    expect(text).toContain('  Servers: carrier.example:5060');
    expect(text).toContain('  Password stored: no');
    // The redaction takes the rest of the line after an Authorization header name.
    expect(text).toMatch(/ {2}Registration: reconnecting \(unreachable Authorization: \[REDACTED\]\n/);
    expect(text).toContain('  Next attempt: 2026-12-07T10:00:30.000Z');
  });

  it('lists the last errors and the quality of the last calls', () => {
    expect(text).toContain('Last errors (2):');
    expect(text).toContain(
      '[registration, sip:2002@carrier.example] registration reconnecting, unreachable (3 times in a row)',
    );
    expect(text).toContain('Last calls (1):');
    expect(text).toContain(
      '- 2026-12-07T09:00:00.000Z, outgoing, 1010, answered, 60 s, ended: local-hangup, codec PCMU, MOS 4.31, worst loss 2.5%, measured 58 s, account Alice',
    );
    expect(diagnosticsReport(input({ problems: [], calls: [] }))).toMatch(
      /Last errors \(0\):\n- none[\s\S]*Last calls \(0\):\n- none/,
    );
  });

  it('never contains a password, a TURN credential or an Authorization value', () => {
    for (const secret of ['s3cr3t-token', 'p4ss', 'backup:', 'turn-user-1700000000', 'feedface', 'hunter22'])
      expect(text, secret).not.toContain(secret);
    expect(text).toContain('wss://pbx.example.com:8089/ws?token=[REDACTED]');
    expect(text).toContain('wss://pbx2.example.com/ws');
  });
});

describe('engineInfo', () => {
  it('prefers the client hints, which carry the real build and OS version', () => {
    expect(
      engineInfo(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
        {
          platform: 'Linux',
          platformVersion: '6.12.0',
          fullVersionList: [
            { brand: 'Not.A/Brand', version: '99.0.0.0' },
            { brand: 'Chromium', version: '156.0.8078.114' },
          ],
        },
        'Linux x86_64',
      ),
    ).toMatchObject({ browser: 'Chromium 156.0.8078.114', os: 'Linux 6.12.0 (Linux x86_64)' });
  });

  it('falls back to the user-agent string and the host platform, and finds Electron', () => {
    expect(
      engineInfo(
        'Mozilla/5.0 (Windows NT 10.0) Chrome/140.0.7339.0 Electron/45.4.1 Safari/537.36',
        {},
        'win32',
      ),
    ).toEqual({
      browser: 'Chromium 140.0.7339.0',
      electron: '45.4.1',
      os: 'win32',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/140.0.7339.0 Electron/45.4.1 Safari/537.36',
    });
    expect(engineInfo('curl/8', {}, '')).toMatchObject({ browser: 'unknown', os: 'unknown' });
    // Electron's process.platform says the same as the hints: not repeated.
    expect(engineInfo('Chrome/140.0.1.2', { platform: 'Linux', platformVersion: '6.1' }, 'linux').os).toBe(
      'Linux 6.1',
    );
  });
});

describe('withoutCredentials', () => {
  it.each([
    ['wss://user:pass@pbx.example.com:8089/ws', 'wss://pbx.example.com:8089/ws'],
    ['wss://pbx.example.com/ws?token=abc&x=1', 'wss://pbx.example.com/ws?token=[REDACTED]&x=[REDACTED]'],
    ['sip:alice:secret@example.com', 'sip:alice@example.com'],
    ['sips:+12015550123@example.com', 'sips:+12015550123@example.com'],
    ['turn:user@turn.example.com', 'turn:turn.example.com'],
    ['sip:proxy.example.com;lr', 'sip:proxy.example.com;lr'],
    ['turns:turn.example.com:5349?transport=tcp', 'turns:turn.example.com:5349?transport=tcp'],
    ['pbx.example.com:5060', 'pbx.example.com:5060'],
  ])('%s -> %s', (address, expected) => {
    expect(withoutCredentials(address)).toBe(expected);
  });
});
