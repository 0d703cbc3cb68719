/**
 * The gateway's media bridge behind {@link SipMediaHook}: it reads every SIP message of an
 * account's connection, rewrites SDP bodies between Chromium's WebRTC and the far end's plain
 * RTP/SDES-SRTP, and runs one {@link MediaSession} per call.
 *
 * Calls are keyed by Call-ID. A call's media starts with its first INVITE and ends with a BYE of
 * the confirmed dialog, a final error to the initial INVITE, or the connection's close. Forks: the
 * first 2xx's dialog owns the media; a later 2xx from another fork (SIP.js ACKs and BYEs it) gets
 * Chromium's current answer back and changes nothing, and its BYE ends nothing.
 *
 * When an SDP body cannot be translated:
 * - from the far end, the message goes to SIP.js unchanged: Chromium refuses a plain SDP, so SIP.js
 *   answers an offer with 488 and ends a call whose answer it cannot use, as the RFCs expect;
 * - from SIP.js, the hook throws {@link MediaBridgeError}: Chromium's description (ICE candidates,
 *   fingerprint) never goes to the far end, and the transport reports the failure to SIP.js.
 */
import { createHash } from 'node:crypto';
import { RTCDtlsTransport } from 'werift';
import type { SipMediaContext, SipMediaHook } from '../sip-media-hook';
import type { SipMessage } from '../sip-message';
import { CallNegotiation, transactionOf, type Side } from './call-negotiation';
import type { MediaReport, MediaReporter } from './media-report';
import { MediaSession, type LocalMedia } from './media-session';
import type { PortRange } from './plain-leg';

export interface MediaBridgeOptions {
  /** Where werift listens for Chromium; 127.0.0.1 unless the renderer's browser cannot reach it. */
  webrtcHostAddress?: string;
  /** Plain-leg RTP ports (RTP even, RTCP odd). */
  portRange?: PortRange;
  /** In-sequence packets a new far-end source must send before RTP follows it (strict RTP). */
  probationPackets?: number;
  reporter?: MediaReporter;
  log?: (line: string) => void;
}

/** Why an outbound SDP body could not be turned into a plain one. */
export class MediaBridgeError extends Error {
  override readonly name = 'MediaBridgeError';
}

/** The IANA dynamic range, as most softphones use it. */
const DEFAULT_PORT_RANGE: PortRange = { min: 16384, max: 32767 };

interface CallMedia {
  session: MediaSession;
  negotiation: CallNegotiation;
  /** Transaction of the INVITE that started the call. */
  initialTransaction: string;
  /** Remote tag of the dialog the first 2xx confirmed. */
  confirmedTag?: string;
  /** Rewritten bodies by message identity, so retransmissions get the same body back. */
  rewritten: Map<string, string>;
  /** One message at a time per call, in both directions. */
  queue: Promise<unknown>;
}

function tagOf(value: string | undefined): string | undefined {
  return /;\s*tag=([^;>\s]+)/i.exec(value ?? '')?.[1];
}

/** The far end's dialog tag in a message, whichever way it goes. */
function remoteTag(message: SipMessage, from: Side): string | undefined {
  const fromHeader = message.header('from');
  const toHeader = message.header('to');
  if (message.isRequest) return tagOf(from === 'remote' ? fromHeader : toHeader);
  return tagOf(from === 'remote' ? toHeader : fromHeader);
}

function hasSdp(message: SipMessage): boolean {
  return message.body.length > 0 && message.contentType === 'application/sdp';
}

export class MediaBridge {
  private readonly hooks = new Set<AccountMediaHook>();

  constructor(private readonly options: MediaBridgeOptions = {}) {}

  /** A hook for one account's connection; its `close` ends that account's calls only. */
  createHook(): SipMediaHook {
    // werift makes one DTLS certificate per process, on the first call's answer: ~100 ms on the
    // critical path between the far end's 200 OK and the first packet. An account that can call
    // makes it now instead.
    RTCDtlsTransport.SetupCertificate().catch((error: unknown) => {
      this.options.log?.(
        `media bridge: could not make the DTLS certificate ahead of a call: ${String(error)}`,
      );
    });
    const hook = new AccountMediaHook(this.options, () => this.hooks.delete(hook));
    this.hooks.add(hook);
    return hook;
  }

  /** What every live call's media is doing now. */
  reports(): MediaReport[] {
    return [...this.hooks].flatMap((hook) => hook.reports());
  }

  async close(): Promise<void> {
    await Promise.all([...this.hooks].map((hook) => hook.close()));
  }
}

class AccountMediaHook implements SipMediaHook {
  private readonly calls = new Map<string, CallMedia>();

  constructor(
    private readonly options: MediaBridgeOptions,
    private readonly onClose: () => void,
  ) {}

  outbound(message: SipMessage, context: SipMediaContext): Promise<SipMessage> {
    return this.handle(message, context, 'local');
  }

  inbound(message: SipMessage, context: SipMediaContext): Promise<SipMessage> {
    return this.handle(message, context, 'remote');
  }

  reports(): MediaReport[] {
    return [...this.calls.values()].map((call) => call.session.report());
  }

  async close(): Promise<void> {
    const calls = [...this.calls.values()];
    this.calls.clear();
    await Promise.all(calls.map((call) => call.session.close()));
    this.onClose();
  }

  private handle(message: SipMessage, context: SipMediaContext, from: Side): Promise<SipMessage> {
    const callId = message.callId;
    if (!callId) return Promise.resolve(message);
    let call = this.calls.get(callId);
    if (!call) {
      if (!(message.isRequest && message.method === 'INVITE')) return Promise.resolve(message);
      call = {
        session: new MediaSession({
          accountId: context.accountId,
          callId,
          webrtcHostAddress: this.options.webrtcHostAddress ?? '127.0.0.1',
          portRange: this.options.portRange ?? DEFAULT_PORT_RANGE,
          ...(this.options.probationPackets !== undefined
            ? { probationPackets: this.options.probationPackets }
            : {}),
          ...(this.options.reporter ? { reporter: this.options.reporter } : {}),
          log: this.options.log ?? (() => undefined),
        }),
        negotiation: new CallNegotiation(),
        initialTransaction: transactionOf(message),
        rewritten: new Map(),
        queue: Promise.resolve(),
      };
      this.calls.set(callId, call);
    }
    const current = call;
    const result = current.queue.then(() => this.process(current, message, context, from));
    current.queue = result.catch(() => undefined);
    return result;
  }

  private async process(
    call: CallMedia,
    message: SipMessage,
    context: SipMediaContext,
    from: Side,
  ): Promise<SipMessage> {
    if (this.calls.get(call.session.callId) !== call) return message;
    const tag = remoteTag(message, from);
    const rewritten = hasSdp(message) ? await this.rewriteSdp(call, message, context, from, tag) : message;
    await this.followDialog(call, message, tag);
    return rewritten;
  }

  /** Ends or confirms the call's media from what the message means for its dialogs. */
  private async followDialog(call: CallMedia, message: SipMessage, tag: string | undefined): Promise<void> {
    const transaction = transactionOf(message);
    if (message.isRequest) {
      if (message.method === 'BYE' && (!call.confirmedTag || tag === call.confirmedTag)) await this.end(call);
      return;
    }
    const status = message.status ?? 0;
    if (transaction === call.initialTransaction && status >= 200 && status < 300) call.confirmedTag ??= tag;
    if (status < 300) return;
    if (transaction === call.initialTransaction && !call.confirmedTag) {
      await this.end(call);
      return;
    }
    if (call.negotiation.finalResponse(message)) await call.session.offerFailed();
  }

  private async end(call: CallMedia): Promise<void> {
    if (this.calls.get(call.session.callId) !== call) return;
    this.calls.delete(call.session.callId);
    await call.session.close();
  }

  private async rewriteSdp(
    call: CallMedia,
    message: SipMessage,
    context: SipMediaContext,
    from: Side,
    tag: string | undefined,
  ): Promise<SipMessage> {
    const identity = [
      from,
      transactionOf(message),
      message.isRequest ? message.method : message.status,
      tag ?? '',
      createHash('sha1').update(message.body).digest('hex'),
    ].join(' ');
    const known = call.rewritten.get(identity);
    if (known !== undefined) return withBody(message, known);

    const local: LocalMedia = {
      bindAddress: context.localAddress,
      advertisedAddress: context.publicAddress ?? context.localAddress,
      offerSrtp: context.transport === 'tls',
    };
    const body = message.bodyText;
    const role = call.negotiation.classify(message, from);
    const { session } = call;
    let result: string;
    try {
      switch (role.kind) {
        case 'offer':
          result =
            from === 'local' ? await session.localOffer(body, local) : await session.remoteOffer(body, local);
          role.exchange.translatedOffer = result;
          break;
        case 'answer':
          result =
            from === 'remote' ? await session.remoteAnswer(body) : await session.localAnswer(body, local);
          role.exchange.translatedAnswer = result;
          break;
        case 'revision':
          result =
            from === 'local'
              ? (role.exchange.translatedAnswer ?? '')
              : call.confirmedTag && tag !== call.confirmedTag
                ? (session.currentWebrtcAnswer ?? '')
                : session.remoteAnswerRevision(body);
          break;
        case 'repeat':
          result = role.exchange.translatedOffer ?? '';
          break;
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.options.log?.(
        `media bridge: ${call.session.callId}: ${role.kind} from ${from} not translated: ${reason}`,
      );
      if (from === 'local') {
        // An INVITE that cannot go out starts no call: free what it allocated.
        if (transactionOf(message) === call.initialTransaction) await this.end(call);
        throw new MediaBridgeError(reason, { cause: error });
      }
      return message;
    }
    if (result === '') {
      if (from === 'local') throw new MediaBridgeError(`nothing to repeat for a ${role.kind} from SIP.js`);
      return message;
    }
    call.rewritten.set(identity, result);
    return withBody(message, result);
  }
}

function withBody(message: SipMessage, body: string): SipMessage {
  const copy = message.clone();
  copy.setBody(body, 'application/sdp');
  return copy;
}
