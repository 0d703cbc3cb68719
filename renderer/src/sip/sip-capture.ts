import type { Transport } from 'sip.js';

/** Which way a SIP message went, seen from Ringline. */
export type SipDirection = 'sent' | 'received';

/**
 * One SIP message as it crossed the account's transport, already redacted. A message that could not
 * be sent is reported a second time with the same `id` and `failed` set.
 */
export interface CapturedSipMessage {
  /** Unique per message: the account id, a tag of this capture, a counter. */
  id: string;
  accountId: string;
  direction: SipDirection;
  /** When SIP.js handed it to the transport, or the transport handed it to SIP.js (ms since the epoch). */
  at: number;
  /** The whole message, credentials removed. */
  text: string;
  /** Why the transport refused to send it (e.g. the connection was closed). */
  failed?: string;
}

export interface SipCaptureOptions {
  accountId: string;
  /** Takes credentials out before the message leaves the SIP engine (`SipLog.redact`). */
  redact(text: string): string;
  report(message: CapturedSipMessage): void;
}

/** CRLF keep-alives (RFC 5626 §3.5.1 / RFC 7118 pings) carry no SIP message. */
const KEEP_ALIVE = /^\s*$/;

/**
 * Sees every SIP message the account's transport sends and receives, whatever the log level and
 * whatever the transport (WebSocket, or the gateway's UDP/TCP/TLS): SIP.js's core and transactions
 * call `transport.send` on the object each time, and the transport calls `onMessage` for each message
 * it reads, so wrapping both on the instance is the one place every message passes.
 *
 * Call it after anything else that wraps `onMessage` (the inbound guard), so what is captured is what
 * came off the wire, before any of our own handling.
 */
export function captureTransport(transport: Transport, options: SipCaptureOptions): void {
  let counter = 0;
  // An account connected again gets a new Phone and a new counter: the prefix keeps ids unique.
  const prefix = `${options.accountId}#${crypto.randomUUID().slice(0, 8)}-`;
  const capture = (direction: SipDirection, raw: string): CapturedSipMessage | undefined => {
    if (KEEP_ALIVE.test(raw)) return undefined;
    const message: CapturedSipMessage = {
      id: `${prefix}${++counter}`,
      accountId: options.accountId,
      direction,
      at: Date.now(),
      text: options.redact(raw),
    };
    options.report(message);
    return message;
  };

  const send = transport.send.bind(transport);
  const reportFailure = (message: CapturedSipMessage | undefined, error: unknown): void => {
    if (message) options.report({ ...message, failed: options.redact(String(error)) || 'failed' });
  };
  transport.send = (raw: string): Promise<void> => {
    const message = capture('sent', raw);
    let sending: Promise<void>;
    try {
      sending = send(raw);
    } catch (error) {
      // SIP.js's WebSocket transport throws instead of rejecting in one state; the caller still gets the throw.
      reportFailure(message, error);
      throw error;
    }
    sending.catch((error: unknown) => reportFailure(message, error));
    return sending;
  };

  const deliver = transport.onMessage;
  transport.onMessage = (raw: string): void => {
    capture('received', raw);
    deliver?.(raw);
  };
}
