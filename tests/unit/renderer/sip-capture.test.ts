import { describe, expect, it } from 'vitest';
import { Core, type Transport } from 'sip.js';
import { FailoverTransport } from '../../../renderer/src/sip/failover-transport';
import { captureTransport, type CapturedSipMessage } from '../../../renderer/src/sip/sip-capture';
import { SipLog } from '../../../renderer/src/sip/sip-log';

const PASSWORD = 'alice-secret-pw';
const REGISTER = [
  'REGISTER sip:127.0.0.1 SIP/2.0',
  'Call-ID: reg-1',
  'CSeq: 2 REGISTER',
  'Authorization: Digest username="1001", realm="127.0.0.1", nonce="n", response="0123456789abcdef0123456789abcdef"',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');
const OK = ['SIP/2.0 200 OK', 'Call-ID: reg-1', 'CSeq: 2 REGISTER', 'Content-Length: 0', '', ''].join('\r\n');

/** The part of a transport the capture wraps; what it sends goes to `wire`. */
function loopbackTransport(wire: string[]): Transport {
  return {
    send: async (message: string) => void wire.push(message),
    onMessage: undefined,
  } as unknown as Transport;
}

function capture(transport: Transport) {
  const reports: CapturedSipMessage[] = [];
  const log = new SipLog(PASSWORD, 'error', () => undefined);
  captureTransport(transport, {
    accountId: 'acc',
    redact: (text) => log.redact(text),
    report: (message) => void reports.push(message),
  });
  return reports;
}

describe('captureTransport', () => {
  it('reports each message sent and received, redacted, and leaves what goes on the wire alone', async () => {
    const wire: string[] = [];
    const delivered: string[] = [];
    const transport = loopbackTransport(wire);
    transport.onMessage = (message) => void delivered.push(message);
    const reports = capture(transport);

    await transport.send(`${REGISTER}password: ${PASSWORD}`);
    transport.onMessage?.(OK);

    expect(wire).toEqual([`${REGISTER}password: ${PASSWORD}`]);
    expect(delivered).toEqual([OK]);
    expect(reports.map((r) => [r.accountId, r.direction])).toEqual([
      ['acc', 'sent'],
      ['acc', 'received'],
    ]);
    expect(reports[0]?.id).toMatch(/^acc#[0-9a-f]{8}-1$/);
    expect(reports[1]?.id).toBe(reports[0]?.id.replace(/1$/, '2'));
    // The account connected again (a new capture) never reuses an id.
    const again = loopbackTransport([]);
    const second = capture(again);
    await again.send(OK);
    expect(second[0]?.id).toMatch(/^acc#[0-9a-f]{8}-1$/);
    expect(second[0]?.id).not.toBe(reports[0]?.id);
    expect(reports[0]?.text).toContain('Authorization: [REDACTED]');
    expect(reports[0]?.text).not.toContain('0123456789abcdef');
    expect(reports[0]?.text).not.toContain(PASSWORD);
    expect(reports[1]?.text).toBe(OK);
    expect(reports.every((r) => Math.abs(r.at - Date.now()) < 5_000)).toBe(true);
  });

  it('skips CRLF keep-alives', async () => {
    const wire: string[] = [];
    const transport = loopbackTransport(wire);
    transport.onMessage = () => undefined;
    const reports = capture(transport);
    await transport.send('\r\n\r\n');
    transport.onMessage?.('\r\n');
    expect(wire).toEqual(['\r\n\r\n']);
    expect(reports).toEqual([]);
  });

  it("reports a message SIP.js's own transport could not send, under the same id", async () => {
    const loggers = new Core.LoggerFactory();
    loggers.builtinEnabled = false;
    const transport = new FailoverTransport(loggers.getLogger('test'), {
      server: 'wss://127.0.0.1:9/',
    });
    const reports = capture(transport);
    await expect(transport.send(REGISTER)).rejects.toThrow('Not connected');
    await Promise.resolve();
    expect(reports).toHaveLength(2);
    expect(reports[0]?.failed).toBeUndefined();
    expect(reports[1]).toMatchObject({
      id: reports[0]?.id,
      direction: 'sent',
      failed: 'Error: Not connected.',
    });
    await transport.dispose();
  });
});
