import { Core } from 'sip.js';
import type { Logger } from 'sip.js/lib/core';

/**
 * A response carrying the headers a registration's first answers bring: the 401's challenge, and
 * the 200's Contact with its expiry. The addresses are reserved ones (RFC 2606, RFC 5737).
 */
export const SIP_PARSER_SAMPLE = [
  'SIP/2.0 401 Unauthorized',
  'Via: SIP/2.0/WSS 192.0.2.1;branch=z9hG4bKwarmup;rport=443;received=192.0.2.1',
  'From: "Warm up" <sip:warm-up@example.invalid>;tag=warmfrom',
  'To: <sip:warm-up@example.invalid>;tag=warmto',
  'Call-ID: warm-up-call-id',
  'CSeq: 1 REGISTER',
  'Contact: <sip:warm-up@192.0.2.1;transport=ws>;expires=600',
  'WWW-Authenticate: Digest realm="example.invalid", nonce="d2FybS11cA", qop="auth", algorithm=MD5',
  'Expires: 600',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

let warm = false;

/**
 * SIP.js reads headers with a generated PEG grammar of some hundreds of functions, which V8 compiles
 * only when they are first called. The first message a page received (a REGISTER's 401) paid for
 * that: 20-80 ms of the page's thread on this machine between the 401 and the authenticated REGISTER.
 * Parsing one sample while the first connection's handshake is under way moves that compile into
 * time the page spends waiting anyway. Once per page: after that the grammar is compiled.
 */
export function warmUpSipParser(logger: Logger): void {
  if (warm) return;
  warm = true;
  Core.Parser.parseMessage(SIP_PARSER_SAMPLE, logger);
}
