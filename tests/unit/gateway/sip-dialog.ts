/**
 * Hand-made SIP messages of one call, as the media bridge sees them: what SIP.js sends (`local`)
 * and what arrives from the server (`remote`). Only the fields the bridge reads are filled in
 * (Call-ID, tags, CSeq, Content-Type); there is no SIP stack behind it.
 */
import { randomBytes } from 'node:crypto';
import { SipMessage } from '../../../electron/gateway/sip-message';

export type Party = 'local' | 'remote';

const token = (): string => randomBytes(6).toString('hex');

/** Where our side of the dialog really is, for messages that go on the wire. */
export interface WireAddress {
  host: string;
  port: number;
  /** Request-URI of our requests (the far end's contact). */
  remoteUri: string;
}

export class SipDialog {
  readonly callId: string;
  readonly tags: Record<Party, string>;
  private cseq: Record<Party, number> = { local: 1, remote: 1 };

  /**
   * @param caller who sent the initial INVITE; the From of every request of that party carries
   * its tag, the To the other's (once known).
   * @param options a Call-ID and the far end's tag to adopt (a call it started), and our wire address.
   */
  constructor(
    readonly caller: Party,
    private readonly options: { callId?: string; remoteTag?: string; wire?: WireAddress } = {},
  ) {
    this.callId = options.callId ?? `${token()}@test.invalid`;
    this.tags = { local: token(), remote: options.remoteTag ?? token() };
  }

  /** A request from `from`; the first INVITE has no To tag. */
  request(
    method: string,
    from: Party,
    body?: string,
    options: { cseq?: number; toTag?: string | null } = {},
  ): SipMessage {
    const to: Party = from === 'local' ? 'remote' : 'local';
    const number =
      options.cseq ?? (method === 'ACK' || method === 'CANCEL' ? this.cseq[from] - 1 : this.cseq[from]++);
    const toTag = options.toTag === undefined ? this.tags[to] : options.toTag;
    const wire = this.options.wire;
    const via = wire ? `${wire.host}:${wire.port};rport` : `${from}.invalid`;
    const remoteUri = wire?.remoteUri ?? `sip:${to}@test.invalid`;
    const headers = [
      { name: 'Via', value: `SIP/2.0/UDP ${via};branch=z9hG4bK${token()}` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `<sip:${from}@test.invalid>;tag=${this.tags[from]}` },
      { name: 'To', value: `<${remoteUri}>${toTag ? `;tag=${toTag}` : ''}` },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${number} ${method}` },
      ...(wire ? [{ name: 'Contact', value: `<sip:app@${wire.host}:${wire.port}>` }] : []),
    ];
    const message = new SipMessage({ kind: 'request', method, uri: remoteUri, version: 'SIP/2.0' }, headers);
    if (body !== undefined) message.setBody(body, 'application/sdp');
    return message;
  }

  /** A response to `request`; `toTag` overrides the answering party's tag (another fork). */
  response(request: SipMessage, status: number, body?: string, toTag?: string): SipMessage {
    const headers = request.headers
      .filter((h) => ['via', 'from', 'call-id', 'cseq'].includes(h.name.toLowerCase()))
      .map((h) => ({ ...h }));
    const answering: Party = request.header('from')?.includes(`tag=${this.tags.local}`) ? 'remote' : 'local';
    const tag = toTag ?? this.tags[answering];
    const to = (request.header('to') ?? '').replace(/;tag=[^;]*/, '');
    headers.splice(2, 0, { name: 'To', value: `${to};tag=${tag}` });
    const wire = this.options.wire;
    if (wire) headers.push({ name: 'Contact', value: `<sip:app@${wire.host}:${wire.port}>` });
    const message = new SipMessage(
      { kind: 'response', version: 'SIP/2.0', status, reason: 'Reason' },
      headers,
    );
    if (body !== undefined) message.setBody(body, 'application/sdp');
    return message;
  }
}
