import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebHost } from '../../../renderer/src/host/web-host';
import { WebStorage } from '../../../renderer/src/host/web-storage';
import { SipLog, type AppLogLevel } from '../../../renderer/src/sip/sip-log';

const REGISTER = [
  'REGISTER sip:127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1',
  'Authorization: Digest username="1001", realm="127.0.0.1", nonce="n1", response="0123456789abcdef0123456789abcdef"',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function collect(level: AppLogLevel) {
  const lines: { level: AppLogLevel; message: string }[] = [];
  const log = new SipLog('alice-secret', level, (lvl, message) => lines.push({ level: lvl, message }));
  return { log, lines };
}

describe('SipLog', () => {
  it('at debug, logs SIP traffic (SIP.js "log" level) with credentials redacted', () => {
    const { log, lines } = collect('debug');
    log.write('log', 'sip.Transport', `Sending WebSocket message:\n\n${REGISTER}`);
    log.write('debug', 'sip.ua', 'password is alice-secret');
    expect(lines.map((l) => l.level)).toEqual(['debug', 'debug']);
    const text = lines.map((l) => l.message).join('\n');
    expect(text).toContain('sip.Transport: Sending WebSocket message');
    expect(text).toContain('REGISTER sip:127.0.0.1 SIP/2.0');
    expect(text).toContain('Authorization: [REDACTED]');
    expect(text).not.toMatch(/0123456789abcdef|alice-secret/);
  });

  it('at warn, keeps warnings and errors only, until the level changes', () => {
    const { log, lines } = collect('warn');
    log.write('log', 'sip.Transport', REGISTER);
    log.write('debug', 'sip.ua', 'detail');
    log.write('warn', 'sip.ua', 'careful');
    log.note('info', 'not now');
    log.setLevel('debug');
    log.note('info', 'now');
    expect(lines).toEqual([
      { level: 'warn', message: 'sip.ua: careful' },
      { level: 'info', message: 'now' },
    ]);
  });
});

describe('web host log sink', () => {
  afterEach(() => vi.restoreAllMocks());

  it("redacts before printing to the console, which is the browser build's log", async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'debug').mockImplementation((line: string) => void printed.push(line));
    const storage = new WebStorage(`ringline-test-${crypto.randomUUID()}`);
    try {
      createWebHost(storage).log.write({ level: 'debug', scope: 'sip', message: REGISTER });
      // Printed once the host's checks (zod, loaded on demand) have looked at the entry.
      await expect.poll(() => printed).toHaveLength(1);
    } finally {
      await storage.delete();
    }
    expect(printed[0]).toContain('[sip] REGISTER sip:127.0.0.1 SIP/2.0');
    expect(printed[0]).toContain('Authorization: [REDACTED]');
    expect(printed[0]).not.toContain('0123456789abcdef');
  });
});
