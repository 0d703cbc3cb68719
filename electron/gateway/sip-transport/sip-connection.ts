/**
 * One account's connection to its SIP server over UDP, TCP or TLS: the flow to the server address
 * that answered, everything SIP.js's messages need on the way out and in, and the keep-alives.
 *
 * Out (a message from SIP.js): parsed -> media hook -> socket facts (`SocketRewriter`) -> address
 * policy -> wire; over UDP a request is retransmitted until answered, and one larger than 1300 bytes
 * goes over TCP to the same server address when it takes TCP (RFC 3261 §18.1.1), else over UDP.
 * In (bytes from the server): parsed (malformed input is dropped with a log line) -> socket facts ->
 * media hook -> SIP.js. Each direction is handled strictly in order (`SipMediaHook`'s guarantee).
 *
 * UDP has no connection to lose, so "connected" means the server answers: opening sends an OPTIONS
 * (RFC 3261 §11: every server answers one, with any status) and the keep-alive repeats it every
 * 24-29 s (RFC 5626 §4.4.1), which also keeps NAT bindings open and tells us our public address.
 * No answer within the answer time and the flow is declared dead, which SIP.js reconnects.
 */
import { randomBytes } from 'node:crypto';
import type { DirectSipTransport, GatewayConnection, TrustedCertificate } from '../../common/contract';
import { readsAsRequest, SipMessage } from '../sip-message';
import type { SipMediaContext, SipMediaHook } from '../sip-media-hook';
import { AddressPolicy } from './address-policy';
import {
  FlowOpenError,
  hostPort,
  within,
  type FlowEvents,
  type GatewayLogger,
  type GatewayTiming,
  type SipFlow,
} from './flow';
import type { ResolvedTarget } from './resolver';
import { SocketRewriter, type HostPort, type SocketEndpoint } from './socket-rewriter';
import { StreamFlow } from './stream-flow';
import { CertificateRefused } from './tls-trust';
import { UdpFlow } from './udp-flow';
import { transactionKey, UdpRetransmitter } from './udp-retransmitter';

/** RFC 3261 §18.1.1: larger requests go over a congestion-controlled transport when the path MTU is unknown. */
export const UDP_SIZE_LIMIT = 1300;

/**
 * How long closing waits for the messages SIP.js sent before it to leave. A page that goes sends its
 * last BYE, un-PUBLISH and un-REGISTER in the same turn as its connection ends; a send takes
 * microseconds on UDP, and a stream that cannot take a few hundred bytes in this long is stalled.
 */
const CLOSE_DRAIN_MS = 1000;

/** Marks the branch of the OPTIONS the gateway sends itself, so their answers never reach SIP.js. */
const OWN_BRANCH = 'z9hG4bK-rlgw-';

export interface SipConnectionOptions {
  accountId: string;
  transport: DirectSipTransport;
  /** As configured, e.g. `pbx.example.com` or `10.0.0.5:5060`. */
  server: string;
  /**
   * The configured host (no port): the OPTIONS Request-URI, and the one name a TLS certificate must
   * carry (RFC 5922 §4), even when SRV led elsewhere.
   */
  serverHost: string;
  /** Where the server is, in the order to try (RFC 3263). Also the address policy. */
  targets: readonly ResolvedTarget[];
  /** TLS: the certificate the user trusted for this account. */
  pin?: TrustedCertificate;
  /** TLS: the roots to verify the server's chain against (`trustedRoots()`). */
  ca: string[] | undefined;
  /** The account's media bridge; every message passes it, in order per direction. */
  hook: SipMediaHook;
  log: GatewayLogger;
  timing: GatewayTiming;
  /** A message for SIP.js, rewritten. */
  onMessage(message: string): void;
  /** The connection died (not closed by us). Called at most once. */
  onClosed(reason: string): void;
}

/** `host:port` of the SRV target an address was found under. */
function srvTargetOf(target: ResolvedTarget): string {
  return hostPort({ host: target.hostName, port: target.port });
}

/** For the connection's log line: where DNS SRV led, when it did. */
function srvNote(target: ResolvedTarget): string {
  return target.source === 'srv' ? `; SRV ${srvTargetOf(target)}` : '';
}

function random(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export class SipConnection {
  private readonly rewriter = new SocketRewriter();
  private readonly retransmitter: UdpRetransmitter;
  private readonly policy: AddressPolicy;
  private readonly publicAddresses = new Map<SipFlow, HostPort>();
  private readonly pendingOptions = new Map<string, (answered: boolean) => void>();
  private flow: SipFlow | undefined;
  /** RFC 3261 §18.1.1's TCP flow for large requests on a UDP account: opened on first need. */
  private largeRequestFlow: Promise<SipFlow | undefined> | undefined;
  private outboundTail: Promise<unknown> = Promise.resolve();
  private inboundTail: Promise<unknown> = Promise.resolve();
  private keepAliveTimer: ReturnType<typeof setTimeout> | undefined;
  private optionsSequence = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: SipConnectionOptions) {
    this.retransmitter = new UdpRetransmitter(options.timing);
    this.policy = new AddressPolicy(
      options.targets.map((target) => ({ host: target.address, port: target.port })),
    );
  }

  /**
   * Opens a flow to the first server address that answers. Rejects with `FlowOpenError` when none
   * does, or `CertificateRefused` at once when a TLS server's certificate is refused (another address
   * of the same server would present the same certificate).
   */
  static async open(options: SipConnectionOptions): Promise<SipConnection> {
    const connection = new SipConnection(options);
    let lastError: Error = new FlowOpenError('unreachable', `${options.server}: no address to try`);
    for (const target of options.targets) {
      try {
        await connection.openFlow(target);
        connection.scheduleKeepAlive();
        options.log.info(
          `${options.accountId}: ${options.transport} ${hostPort(connection.local)} -> ${hostPort(connection.remote)} (${options.server}${srvNote(target)})`,
        );
        return connection;
      } catch (error) {
        if (error instanceof CertificateRefused) {
          await connection.close();
          throw target.source === 'srv' ? error.foundThroughSrv(srvTargetOf(target)) : error;
        }
        lastError = error instanceof Error ? error : new Error(String(error));
        options.log.warn(
          `${options.accountId}: ${options.transport} ${hostPort({ host: target.address, port: target.port })}: ${lastError.message}`,
        );
      }
    }
    await connection.close();
    throw lastError;
  }

  private async openFlow(target: ResolvedTarget): Promise<void> {
    const remote = { host: target.address, port: target.port };
    const { transport, log, timing } = this.options;
    if (transport === 'udp') {
      const events = this.flowEvents('main');
      const flow = events.bind(await UdpFlow.open(remote, target.family, this.policy, events, log));
      this.flow = flow;
      if (await this.ping(flow)) return;
      this.flow = undefined;
      flow.close();
      throw new FlowOpenError(
        'timeout',
        `${hostPort(remote)}: no answer over UDP within ${timing.optionsAnswerMs} ms`,
      );
    }
    const events = this.flowEvents('main');
    this.flow = events.bind(
      await StreamFlow.open(
        transport,
        remote,
        transport === 'tls'
          ? {
              // RFC 5922 §4: the configured name, never the SRV target (see tls-trust.ts).
              name: this.options.serverHost,
              pinHost: hostPort({ host: this.options.serverHost, port: target.port }),
              pin: this.options.pin,
              ca: this.options.ca,
            }
          : undefined,
        this.policy,
        events,
        log,
        timing,
      ),
    );
  }

  /**
   * Events of one flow, bound to it once it is open. The death of the account's main flow is the
   * connection's; the large-request TCP flow is simply opened again when next needed.
   */
  private flowEvents(role: 'main' | 'large-requests'): FlowEvents & { bind<F extends SipFlow>(flow: F): F } {
    let self: SipFlow | undefined;
    return {
      bind: (flow) => {
        self = flow;
        return flow;
      },
      message: (bytes) => {
        if (self) this.receive(bytes, self);
      },
      closed: (reason) => {
        if (role === 'main') {
          if (self !== undefined && self === this.flow) this.die(reason);
        } else {
          this.largeRequestFlow = undefined;
        }
      },
    };
  }

  get info(): GatewayConnection {
    return {
      transport: this.options.transport,
      server: this.options.server,
      remote: hostPort(this.remote),
      local: hostPort(this.local),
    };
  }

  private get local(): HostPort {
    return this.flow?.local ?? { host: '', port: 0 };
  }

  private get remote(): HostPort {
    return this.flow?.remote ?? { host: '', port: 0 };
  }

  private endpointOf(flow: SipFlow): SocketEndpoint {
    const seen = this.publicAddresses.get(flow);
    return { transport: flow.transport, ...(seen ?? flow.local) };
  }

  private mediaContext(): SipMediaContext {
    const seen = this.flow ? this.publicAddresses.get(this.flow) : undefined;
    return {
      accountId: this.options.accountId,
      transport: this.options.transport,
      localAddress: this.local.host,
      ...(seen && seen.host !== this.local.host ? { publicAddress: seen.host } : {}),
    };
  }

  /** Sends one message from SIP.js, after those before it. Rejects when it cannot be sent. */
  send(text: string): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the connection is closed'));
    const sent = this.outboundTail.then(() => this.sendNow(text));
    this.outboundTail = sent.catch(() => undefined);
    return sent;
  }

  private async sendNow(text: string): Promise<void> {
    if (this.closed || !this.flow) throw new Error('the connection is closed');
    const message = await this.options.hook.outbound(SipMessage.parse(text), this.mediaContext());
    const main = this.flow;
    this.rewriter.outbound(message, this.endpointOf(main), this.endpointOf(main));
    let flow: SipFlow = main;
    let bytes = message.toBuffer();
    if (main.transport === 'udp' && message.isRequest && bytes.length > UDP_SIZE_LIMIT) {
      const tcp = await this.largeRequestTcp();
      if (tcp) {
        flow = tcp;
        this.rewriter.outbound(message, this.endpointOf(tcp), this.endpointOf(main));
        bytes = message.toBuffer();
      } else {
        this.options.log.info(
          `${this.options.accountId}: ${message.method} of ${bytes.length} bytes goes over UDP (the server takes no TCP)`,
        );
      }
    }
    this.policy.checkDestination(flow.remote);
    await flow.send(bytes);
    if (flow.transport === 'udp' && message.isRequest) {
      this.retransmitter.track(message, () => {
        if (!this.closed) flow.send(bytes).catch(() => undefined);
      });
    }
  }

  /** The TCP flow to the UDP server's own address, or undefined when it refuses TCP (then UDP it is). */
  private largeRequestTcp(): Promise<SipFlow | undefined> {
    const main = this.flow;
    if (!main) return Promise.resolve(undefined);
    const events = this.flowEvents('large-requests');
    this.largeRequestFlow ??= StreamFlow.open(
      'tcp',
      main.remote,
      undefined,
      this.policy,
      events,
      this.options.log,
      this.options.timing,
    ).then(
      (flow) => {
        events.bind(flow);
        this.options.log.info(
          `${this.options.accountId}: tcp ${hostPort(flow.local)} -> ${hostPort(flow.remote)} for requests over ${UDP_SIZE_LIMIT} bytes`,
        );
        return flow;
      },
      (error: unknown) => {
        this.options.log.info(
          `${this.options.accountId}: no TCP at ${hostPort(main.remote)} (${error instanceof Error ? error.message : String(error)})`,
        );
        return undefined;
      },
    );
    return this.largeRequestFlow;
  }

  private receive(bytes: Buffer, flow: SipFlow): void {
    let message: SipMessage;
    try {
      message = SipMessage.parse(bytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (flow.transport === 'udp' && readsAsRequest(bytes)) {
        // A datagram frames the request whatever its Content-Length says: it goes as it came to the
        // renderer, whose inbound guard (and SIP.js behind it) answers malformed requests alike on
        // every transport (400, RFC 3261 §8.2.2 and §18.3). Nothing here reads it, so nothing is
        // rewritten or learnt from it.
        this.options.log.warn(
          `${this.options.accountId}: malformed request from ${flow.transport} ${hostPort(flow.remote)} (${reason}) passed to the inbound guard`,
        );
        const text = bytes.toString('utf8');
        this.inboundTail = this.inboundTail.then(() => {
          if (!this.closed) this.options.onMessage(text);
        });
        return;
      }
      this.options.log.warn(
        `${this.options.accountId}: dropped ${bytes.length} malformed bytes from ${flow.transport} ${hostPort(flow.remote)}: ${reason}`,
      );
      return;
    }
    if (!message.isRequest) {
      this.retransmitter.answered(message);
      const key = transactionKey(message);
      if (key?.startsWith(OWN_BRANCH)) {
        this.learnPublicAddress(this.rewriter.inbound(message.clone()).publicAddress, flow);
        this.pendingOptions.get(key)?.(true);
        return;
      }
    }
    this.learnPublicAddress(this.rewriter.inbound(message).publicAddress, flow);
    this.inboundTail = this.inboundTail
      .then(async () => {
        const delivered = await this.options.hook.inbound(message, this.mediaContext());
        if (!this.closed) this.options.onMessage(delivered.toString());
      })
      .catch((error: unknown) =>
        this.options.log.error(
          `${this.options.accountId}: inbound ${message.method}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }

  private learnPublicAddress(seen: HostPort | undefined, flow: SipFlow): void {
    if (!seen) return;
    const known = this.publicAddresses.get(flow) ?? flow.local;
    if (known.host === seen.host && known.port === seen.port) return;
    this.publicAddresses.set(flow, seen);
    this.options.log.info(
      `${this.options.accountId}: the server sees ${flow.transport} ${hostPort(flow.local)} as ${hostPort(seen)}`,
    );
  }

  /**
   * Sends an OPTIONS of our own on a UDP flow, repeated per Timer E, and resolves whether any answer
   * came within the answer time.
   */
  private ping(flow: SipFlow): Promise<boolean> {
    const branch = `${OWN_BRANCH}${random(8)}`;
    const sequence = ++this.optionsSequence;
    const endpoint = this.endpointOf(flow);
    const host = this.options.serverHost.includes(':')
      ? `[${this.options.serverHost}]`
      : this.options.serverHost;
    const request = new SipMessage(
      { kind: 'request', method: 'OPTIONS', uri: `sip:${host}`, version: 'SIP/2.0' },
      [
        { name: 'Via', value: `SIP/2.0/UDP ${hostPort(endpoint)};branch=${branch};rport` },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `<sip:keepalive@${host}>;tag=${random(6)}` },
        { name: 'To', value: `<sip:${host}>` },
        { name: 'Call-ID', value: `${random(10)}@ringline` },
        { name: 'CSeq', value: `${sequence} OPTIONS` },
        { name: 'Content-Length', value: '0' },
      ],
    );
    const bytes = request.toBuffer();
    const key = `${branch} OPTIONS`;
    return new Promise<boolean>((resolve) => {
      const finish = (answered: boolean): void => {
        clearTimeout(timer);
        this.pendingOptions.delete(key);
        this.retransmitter.forget(request);
        resolve(answered);
      };
      const timer = setTimeout(() => finish(false), this.options.timing.optionsAnswerMs);
      this.pendingOptions.set(key, finish);
      this.policy.checkDestination(flow.remote);
      flow.send(bytes).then(
        () => this.retransmitter.track(request, () => void flow.send(bytes).catch(() => undefined)),
        () => finish(false),
      );
    });
  }

  private scheduleKeepAlive(): void {
    if (this.options.transport !== 'udp' || this.closed) return;
    this.keepAliveTimer = setTimeout(() => {
      const flow = this.flow;
      if (!flow || this.closed) return;
      void this.ping(flow).then((answered) => {
        if (this.closed) return;
        if (answered) this.scheduleKeepAlive();
        else this.die(`no answer to the keep-alive OPTIONS within ${this.options.timing.optionsAnswerMs} ms`);
      });
    }, within(this.options.timing.udpKeepAliveMs));
  }

  /** The flow died: close everything and tell the gateway once. */
  private die(reason: string): void {
    if (this.closed) return;
    this.options.log.warn(`${this.options.accountId}: connection lost: ${reason}`);
    void this.close().then(() => this.options.onClosed(reason));
  }

  /**
   * Closes the flows; no `onClosed` follows. Idempotent. The media hook stays: it belongs to the
   * account (calls outlive a lost connection, as on WSS), and the gateway closes it with the account.
   */
  close(): Promise<void> {
    this.closing ??= this.drainThenClose();
    return this.closing;
  }

  private async drainThenClose(): Promise<void> {
    let drainTimer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.outboundTail,
      new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, CLOSE_DRAIN_MS))),
    ]);
    clearTimeout(drainTimer);
    this.closed = true;
    clearTimeout(this.keepAliveTimer);
    this.retransmitter.clear();
    for (const finish of [...this.pendingOptions.values()]) finish(false);
    this.flow?.close();
    const large = this.largeRequestFlow;
    if (large) await large.then((flow) => flow?.close());
  }
}
