import { describe, expect, it } from 'vitest';
import { SipMessage } from '../../../electron/gateway/sip-message';
import { SocketRewriter, type SocketEndpoint } from '../../../electron/gateway/sip-transport/socket-rewriter';
import { sipJsRegister } from './test-sip-server';

const UDP: SocketEndpoint = { transport: 'udp', host: '192.168.1.20', port: 40_000 };
const TCP: SocketEndpoint = { transport: 'tcp', host: '192.168.1.20', port: 40_001 };

function response(via: string, extra: string[] = []): SipMessage {
  return SipMessage.parse(
    [
      'SIP/2.0 200 OK',
      `Via: ${via}`,
      'From: <sip:1001@example.com>;tag=a',
      'To: <sip:1001@example.com>;tag=b',
      'Call-ID: c1',
      'CSeq: 1 REGISTER',
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

function request(uri: string, extra: string[] = []): SipMessage {
  return SipMessage.parse(
    [
      `INVITE ${uri} SIP/2.0`,
      'Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKsrv1;rport',
      'From: <sip:1010@example.com>;tag=x',
      'To: <sip:1001@example.com>',
      'Call-ID: c2',
      'CSeq: 1 INVITE',
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

describe('SocketRewriter, outbound', () => {
  it("puts the socket's transport, our ip:port and rport in the top Via, and a real Contact", () => {
    const rewriter = new SocketRewriter();
    const message = SipMessage.parse(sipJsRegister());
    rewriter.outbound(message, UDP, UDP);
    expect(message.header('via')).toBe('SIP/2.0/UDP 192.168.1.20:40000;branch=z9hG4bK1234567;rport');
    expect(message.header('contact')).toBe('<sip:q8w7e6r5@192.168.1.20:40000;transport=udp>;expires=300');
    expect(rewriter.sipJsViaHost).toBe('k3j4h5g6f7d8.invalid');
  });

  it('keeps an rport that is already there, and every Via below the top one', () => {
    const rewriter = new SocketRewriter();
    const message = SipMessage.parse(
      sipJsRegister().replace(
        'branch=z9hG4bK1234567',
        'branch=z9hG4bK1234567;rport, SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKx',
      ),
    );
    rewriter.outbound(message, TCP, UDP);
    expect(message.header('via')).toBe(
      'SIP/2.0/TCP 192.168.1.20:40001;branch=z9hG4bK1234567;rport, SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKx',
    );
    // The Contact names the account's main socket (UDP here), whatever socket this one request used.
    expect(message.header('contact')).toContain('@192.168.1.20:40000;transport=udp>');
  });

  it('writes IPv6 addresses in brackets', () => {
    const rewriter = new SocketRewriter();
    const message = SipMessage.parse(sipJsRegister());
    rewriter.outbound(
      message,
      { transport: 'tls', host: '2001:db8::7', port: 5061 },
      { transport: 'tls', host: '2001:db8::7', port: 5061 },
    );
    expect(message.header('via')).toMatch(/^SIP\/2\.0\/TLS \[2001:db8::7\]:5061;/);
    expect(message.header('contact')).toBe('<sip:q8w7e6r5@[2001:db8::7]:5061;transport=tls>;expires=300');
  });

  it("leaves a Contact that does not point at SIP.js's host alone (a 302's new target)", () => {
    const rewriter = new SocketRewriter();
    rewriter.outbound(SipMessage.parse(sipJsRegister()), UDP, UDP);
    const redirect = response('SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKsrv1', [
      'Contact: <sip:2000@pbx.example.com>',
    ]);
    redirect.startLine = { kind: 'response', version: 'SIP/2.0', status: 302, reason: 'Moved Temporarily' };
    rewriter.outbound(redirect, UDP, UDP);
    expect(redirect.header('contact')).toBe('<sip:2000@pbx.example.com>');
    // A response keeps the server's Via: it is routed back along it.
    expect(redirect.header('via')).toBe('SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKsrv1');
  });

  it("rewrites SIP.js's Contact in its responses (200 OK to an INVITE), keeping the display name", () => {
    const rewriter = new SocketRewriter();
    rewriter.outbound(SipMessage.parse(sipJsRegister()), UDP, UDP);
    const ok = response('SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKsrv1', [
      'Contact: "Alice" <sip:q8w7e6r5@k3j4h5g6f7d8.invalid;transport=ws;ob>',
    ]);
    rewriter.outbound(ok, UDP, UDP);
    expect(ok.header('contact')).toBe('"Alice" <sip:q8w7e6r5@192.168.1.20:40000;ob;transport=udp>');
  });

  it("gives a CANCEL (and a failed INVITE's ACK) the INVITE's own Via, even after a new public address", () => {
    const rewriter = new SocketRewriter();
    rewriter.outbound(SipMessage.parse(sipJsRegister()), UDP, UDP);
    const sipJsRequest = (method: string, cseqMethod = method) =>
      SipMessage.parse(
        [
          `${method} sip:1010@example.com SIP/2.0`,
          'Via: SIP/2.0/UDP k3j4h5g6f7d8.invalid;branch=z9hG4bKinv1',
          'From: <sip:1001@example.com>;tag=f',
          'To: <sip:1010@example.com>',
          'Call-ID: call-1',
          `CSeq: 2 ${cseqMethod}`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    const invite = sipJsRequest('INVITE');
    rewriter.outbound(invite, UDP, UDP);
    const natted: SocketEndpoint = { transport: 'udp', host: '198.51.100.9', port: 61_000 };
    const cancel = sipJsRequest('CANCEL');
    const ack = sipJsRequest('ACK');
    rewriter.outbound(cancel, natted, natted);
    rewriter.outbound(ack, natted, natted);
    expect(cancel.header('via')).toBe(invite.header('via'));
    expect(ack.header('via')).toBe(invite.header('via'));
    // Another request goes out with the new address.
    const bye = sipJsRequest('BYE');
    rewriter.outbound(bye, natted, natted);
    expect(bye.header('via')).toMatch(/^SIP\/2\.0\/UDP 198\.51\.100\.9:61000;/);
  });

  it('uses the public address once the server told us one', () => {
    const rewriter = new SocketRewriter();
    const register = SipMessage.parse(sipJsRegister());
    rewriter.outbound(register, UDP, UDP);
    const seen = rewriter.inbound(
      response('SIP/2.0/UDP 192.168.1.20:40000;branch=z9hG4bK1234567;rport=61000;received=198.51.100.9'),
    );
    expect(seen.publicAddress).toEqual({ host: '198.51.100.9', port: 61_000 });
  });
});

describe('SocketRewriter, inbound', () => {
  it("gives a response SIP.js's own Via sent-by back (its host, no port), keeping the parameters", () => {
    const rewriter = new SocketRewriter();
    rewriter.outbound(SipMessage.parse(sipJsRegister()), UDP, UDP);
    const ok = response(
      'SIP/2.0/UDP 192.168.1.20:40000;branch=z9hG4bK1234567;rport=40000;received=192.168.1.20',
    );
    const seen = rewriter.inbound(ok);
    expect(ok.header('via')).toBe(
      'SIP/2.0/UDP k3j4h5g6f7d8.invalid;branch=z9hG4bK1234567;rport=40000;received=192.168.1.20',
    );
    expect(seen.publicAddress).toEqual({ host: '192.168.1.20', port: 40_000 });
  });

  it('reads no public address from a Via without received/rport', () => {
    const rewriter = new SocketRewriter();
    rewriter.outbound(SipMessage.parse(sipJsRegister()), UDP, UDP);
    expect(
      rewriter.inbound(response('SIP/2.0/UDP 192.168.1.20:40000;branch=z9hG4bK1234567')).publicAddress,
    ).toBeUndefined();
  });

  it('keeps the Request-URI of a request for our Contact user (SIP.js matches the user part only)', () => {
    const rewriter = new SocketRewriter();
    rewriter.outbound(SipMessage.parse(sipJsRegister()), UDP, UDP);
    const invite = request('sip:q8w7e6r5@192.168.1.20:40000;transport=udp');
    rewriter.inbound(invite);
    expect(invite.startLine).toMatchObject({ uri: 'sip:q8w7e6r5@192.168.1.20:40000;transport=udp' });
    // The server's Via is what SIP.js answers along: untouched.
    expect(invite.header('via')).toBe('SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKsrv1;rport');
  });

  it('reads a sips: Request-URI as sip: (SIP.js answers 416 to any other scheme)', () => {
    const rewriter = new SocketRewriter();
    const invite = request('sips:1001@example.com');
    rewriter.inbound(invite);
    expect(invite.startLine).toMatchObject({ uri: 'sip:1001@example.com' });
  });

  it("gives a Request-URI without a user part SIP.js's Contact user", () => {
    const rewriter = new SocketRewriter();
    rewriter.outbound(SipMessage.parse(sipJsRegister()), UDP, UDP);
    const options = request('sip:192.168.1.20:40000;transport=udp');
    rewriter.inbound(options);
    expect(options.startLine).toMatchObject({ uri: 'sip:q8w7e6r5@192.168.1.20:40000;transport=udp' });
  });

  it('keeps a userinfo holding ; ? / and , as the user (RFC 3261 §25.1; RFC 4475 "intmeth", "semiuri")', () => {
    const rewriter = new SocketRewriter();
    rewriter.outbound(SipMessage.parse(sipJsRegister()), UDP, UDP);
    for (const uri of [
      'sip:user;par=u%40example.net@example.com',
      "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
    ]) {
      const invite = request(uri);
      rewriter.inbound(invite);
      expect(invite.startLine).toMatchObject({ uri });
    }
  });

  it('leaves responses alone before SIP.js has sent anything', () => {
    const rewriter = new SocketRewriter();
    const ok = response('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKzz');
    rewriter.inbound(ok);
    expect(ok.header('via')).toBe('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKzz');
  });
});
