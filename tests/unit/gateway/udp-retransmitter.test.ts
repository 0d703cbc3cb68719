import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SipMessage } from '../../../electron/gateway/sip-message';
import { transactionKey, UdpRetransmitter } from '../../../electron/gateway/sip-transport/udp-retransmitter';

function message(startLine: string, method: string, branch = 'z9hG4bKabc'): SipMessage {
  return SipMessage.parse(
    [
      startLine,
      `Via: SIP/2.0/UDP 10.0.0.2:5060;branch=${branch};rport`,
      'From: <sip:a@x>;tag=1',
      'To: <sip:b@x>',
      'Call-ID: k',
      `CSeq: 1 ${method}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

const T = { t1Ms: 500, t2Ms: 4000 };

describe('UdpRetransmitter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keys a transaction by top Via branch and CSeq method (RFC 3261 §17.1.3)', () => {
    expect(transactionKey(message('INVITE sip:b@x SIP/2.0', 'INVITE'))).toBe('z9hG4bKabc INVITE');
    expect(transactionKey(message('SIP/2.0 180 Ringing', 'INVITE'))).toBe('z9hG4bKabc INVITE');
    expect(transactionKey(message('CANCEL sip:b@x SIP/2.0', 'CANCEL'))).toBe('z9hG4bKabc CANCEL');
  });

  it('repeats an INVITE after T1, 2·T1, 4·T1 and stops at its first response (Timer A)', () => {
    const retransmitter = new UdpRetransmitter(T);
    const resend = vi.fn();
    retransmitter.track(message('INVITE sip:b@x SIP/2.0', 'INVITE'), resend);
    vi.advanceTimersByTime(499);
    expect(resend).toHaveBeenCalledTimes(0);
    vi.advanceTimersByTime(1);
    expect(resend).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(resend).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(2000);
    expect(resend).toHaveBeenCalledTimes(3);
    retransmitter.answered(message('SIP/2.0 100 Trying', 'INVITE'));
    vi.advanceTimersByTime(60_000);
    expect(resend).toHaveBeenCalledTimes(3);
    expect(retransmitter.size).toBe(0);
  });

  it('repeats other requests up to T2 apart, every T2 after a provisional, until a final response (Timer E)', () => {
    const retransmitter = new UdpRetransmitter(T);
    const resend = vi.fn();
    retransmitter.track(message('REGISTER sip:x SIP/2.0', 'REGISTER'), resend);
    // 0.5, 1.5, 3.5, 7.5, 11.5 s: doubling, then capped at T2 = 4 s.
    vi.advanceTimersByTime(11_500);
    expect(resend).toHaveBeenCalledTimes(5);
    retransmitter.answered(message('SIP/2.0 100 Trying', 'REGISTER'));
    vi.advanceTimersByTime(4000);
    expect(resend).toHaveBeenCalledTimes(6);
    retransmitter.answered(message('SIP/2.0 401 Unauthorized', 'REGISTER'));
    vi.advanceTimersByTime(60_000);
    expect(resend).toHaveBeenCalledTimes(6);
  });

  it('gives up after 64·T1 and never repeats an ACK', () => {
    const retransmitter = new UdpRetransmitter(T);
    const resend = vi.fn();
    retransmitter.track(message('ACK sip:b@x SIP/2.0', 'ACK'), resend);
    expect(retransmitter.size).toBe(0);
    retransmitter.track(message('OPTIONS sip:x SIP/2.0', 'OPTIONS'), resend);
    vi.advanceTimersByTime(64 * 500 + 4000);
    const count = resend.mock.calls.length;
    expect(count).toBeGreaterThan(5);
    expect(count).toBeLessThanOrEqual(11);
    vi.advanceTimersByTime(60_000);
    expect(resend).toHaveBeenCalledTimes(count);
    expect(retransmitter.size).toBe(0);
  });

  it('a CANCEL and its INVITE are separate transactions', () => {
    const retransmitter = new UdpRetransmitter(T);
    const invite = vi.fn();
    const cancel = vi.fn();
    retransmitter.track(message('INVITE sip:b@x SIP/2.0', 'INVITE'), invite);
    retransmitter.track(message('CANCEL sip:b@x SIP/2.0', 'CANCEL'), cancel);
    retransmitter.answered(message('SIP/2.0 200 OK', 'CANCEL'));
    vi.advanceTimersByTime(600);
    expect(cancel).toHaveBeenCalledTimes(0);
    expect(invite).toHaveBeenCalledTimes(1);
    retransmitter.clear();
  });
});
