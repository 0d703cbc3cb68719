/**
 * The gateway's signalling side as the host exposes it (`RinglineApi['gateway']` minus `onEvent`, plus
 * an event emitter): accounts open a connection to one of their own servers, send SIP.js's messages
 * on it and get the server's back.
 *
 * The renderer names an account and one of its servers, never an address: `serversOf` (injected) says
 * whether that server is the account's and gives its pinned certificate. Desktop: main reads the
 * accounts store. Browser build: the page is the accounts store, so the local service asks the page's
 * own connect request (it accepts only the app's origin with its secret). Either way the gateway then
 * sends only to the addresses that server resolves to (`AddressPolicy`).
 *
 * Plain Node: the same object runs in Electron main, in the local service and in the tests.
 */
import type {
  CertificateProblem,
  DirectSipTransport,
  GatewayAvailability,
  GatewayConnectRequest,
  GatewayConnectResult,
  GatewayEvent,
  GatewaySendRequest,
  RinglineApi,
  SipServiceLookup,
  TrustedCertificate,
  WebSocketProbeRequest,
  WebSocketProbeResult,
} from '../common/contract';
import { readSipServer } from '../common/sip-server';
import type { SipMediaHook } from './sip-media-hook';
import { systemDnsClient, type DnsClient } from './sip-transport/dns-client';
import { DEFAULT_TIMING, FlowOpenError, type GatewayLogger, type GatewayTiming } from './sip-transport/flow';
import { SipResolver, SipServerNotFound } from './sip-transport/resolver';
import { SipConnection } from './sip-transport/sip-connection';
import { CertificateRefused } from './sip-transport/tls-trust';
import { trustedRoots, type TrustStore } from './sip-transport/tls-trust';
import { probeWebSocket } from './websocket-probe';

/** One of the account's servers, as its owner (accounts store or page) describes it. */
export interface AccountServer {
  transport: DirectSipTransport;
  /** `host[:port]`, as configured. */
  server: string;
  /** The certificate the user trusted for this account (TLS). */
  trustedCertificate?: TrustedCertificate;
}

export interface SipGatewayOptions {
  /** The server if `requested` is one of the account's own (same transport), else undefined. */
  serversOf(
    accountId: string,
    requested: GatewayConnectRequest,
  ): AccountServer | undefined | Promise<AccountServer | undefined>;
  /**
   * The media bridge of one account (an identity hook until the bridge exists). Made at the account's
   * first connect and kept across reconnections, so calls outlive a lost connection as on WSS; closed
   * when the account disconnects (or its transport changes).
   */
  mediaHook(accountId: string, transport: DirectSipTransport): SipMediaHook;
  log: GatewayLogger;
  /** Default: the system's DNS, or `RINGLINE_DNS_SERVER`. */
  dns?: DnsClient;
  timing?: Partial<GatewayTiming>;
  /** Trusted TLS roots. Default: the OS store where Node can read it, else Node's bundled roots. */
  trustStore?: () => { ca: string[] | undefined; store: TrustStore };
}

export type SipGatewayApi = Omit<RinglineApi['gateway'], 'onEvent'>;

export class SipGateway implements SipGatewayApi {
  private readonly connections = new Map<string, SipConnection>();
  private readonly hooks = new Map<string, { transport: DirectSipTransport; hook: SipMediaHook }>();
  /** Connection attempts in progress, so a newer connect or a disconnect supersedes an older one. */
  private readonly generations = new Map<string, number>();
  private readonly listeners = new Set<(event: GatewayEvent) => void>();
  private readonly dns: DnsClient;
  private readonly resolver: SipResolver;
  private readonly timing: GatewayTiming;
  private readonly ca: string[] | undefined;

  constructor(private readonly options: SipGatewayOptions) {
    this.dns = options.dns ?? systemDnsClient();
    this.resolver = new SipResolver(this.dns);
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    const roots = (options.trustStore ?? trustedRoots)();
    this.ca = roots.ca;
    options.log.info(
      `TLS servers are checked against ${roots.store === 'system' ? "the operating system's trusted roots" : "Node's bundled Mozilla roots"}`,
    );
  }

  /** Messages and connection losses, for every account. Returns an unsubscribe function. */
  onEvent(listener: (event: GatewayEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: GatewayEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async availability(): Promise<GatewayAvailability> {
    return { available: true };
  }

  async connect(request: GatewayConnectRequest): Promise<GatewayConnectResult> {
    const { accountId } = request;
    const generation = (this.generations.get(accountId) ?? 0) + 1;
    this.generations.set(accountId, generation);
    await this.closeConnection(accountId);

    const account = await this.options.serversOf(accountId, request);
    if (
      account === undefined ||
      account.transport !== request.transport ||
      account.server !== request.server
    ) {
      this.options.log.warn(
        `${accountId}: refused to connect to ${request.transport} ${request.server}: not one of the account's servers`,
      );
      return {
        ok: false,
        error: {
          kind: 'not-allowed',
          detail: `${request.server} is not one of this account's ${request.transport.toUpperCase()} servers`,
        },
      };
    }
    const read = readSipServer(account.server);
    if (!read.ok)
      return { ok: false, error: { kind: 'dns', detail: `"${account.server}" is not a host[:port]` } };

    let connection: SipConnection;
    try {
      const targets = await this.resolver.resolve(account.server, account.transport);
      connection = await SipConnection.open({
        accountId,
        transport: account.transport,
        server: account.server,
        serverHost: read.server.host,
        targets,
        ...(account.trustedCertificate ? { pin: account.trustedCertificate } : {}),
        ca: this.ca,
        hook: await this.hookFor(accountId, account.transport),
        log: this.options.log,
        timing: this.timing,
        onMessage: (message) => {
          if (this.connections.get(accountId) === connection)
            this.emit({ kind: 'message', accountId, message });
        },
        onClosed: (reason) => {
          if (this.connections.get(accountId) !== connection) return;
          this.connections.delete(accountId);
          this.emit({ kind: 'closed', accountId, reason });
        },
      });
    } catch (error) {
      return { ok: false, error: this.connectError(accountId, error) };
    }
    if (this.generations.get(accountId) !== generation) {
      // Superseded (a newer connect or a disconnect came while this one was opening).
      await connection.close();
      return { ok: false, error: { kind: 'unreachable', detail: 'cancelled by a newer request' } };
    }
    this.connections.set(accountId, connection);
    return { ok: true, connection: connection.info };
  }

  private connectError(
    accountId: string,
    error: unknown,
  ): Extract<GatewayConnectResult, { ok: false }>['error'] {
    const detail = error instanceof Error ? error.message : String(error);
    if (error instanceof SipServerNotFound) return { kind: 'dns', detail };
    if (error instanceof CertificateRefused) {
      const { pinnedSha256, srvTarget } = error.context;
      const problem: CertificateProblem = {
        kind: error.kind,
        accountId,
        host: error.pinHost,
        sha256: error.sha256,
        ...(pinnedSha256 ? { pinnedSha256 } : {}),
        ...(srvTarget ? { srvTarget } : {}),
        error: error.reason,
      };
      this.options.log.warn(`${accountId}: ${detail}`);
      return { kind: 'certificate', problem };
    }
    if (error instanceof FlowOpenError) return { kind: error.kind, detail };
    this.options.log.error(`${accountId}: connect failed: ${detail}`);
    return { kind: 'unreachable', detail };
  }

  /** The account's media hook, made on first need (and again if the account's transport changed). */
  private async hookFor(accountId: string, transport: DirectSipTransport): Promise<SipMediaHook> {
    const existing = this.hooks.get(accountId);
    if (existing?.transport === transport) return existing.hook;
    if (existing) await this.closeHook(accountId);
    const hook = this.options.mediaHook(accountId, transport);
    this.hooks.set(accountId, { transport, hook });
    return hook;
  }

  private async closeHook(accountId: string): Promise<void> {
    const entry = this.hooks.get(accountId);
    if (!entry) return;
    this.hooks.delete(accountId);
    await entry.hook
      .close()
      .catch((error: unknown) =>
        this.options.log.error(
          `${accountId}: closing the media sessions: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }

  async send(request: GatewaySendRequest): Promise<void> {
    const connection = this.connections.get(request.accountId);
    if (!connection) throw new Error(`no open SIP connection for account ${request.accountId}`);
    await connection.send(request.message);
  }

  /** Closes the account's connection and ends its media sessions. */
  async disconnect(accountId: string): Promise<void> {
    this.generations.set(accountId, (this.generations.get(accountId) ?? 0) + 1);
    await this.closeConnection(accountId);
    await this.closeHook(accountId);
  }

  /** Closes every account's connection (the window went away, the app quits, the page disconnected). */
  async disconnectAll(): Promise<void> {
    const accounts = new Set([...this.connections.keys(), ...this.hooks.keys()]);
    await Promise.all([...accounts].map((accountId) => this.disconnect(accountId)));
  }

  /** Account ids with an open connection or media sessions. */
  connectedAccounts(): string[] {
    return [...new Set([...this.connections.keys(), ...this.hooks.keys()])];
  }

  private async closeConnection(accountId: string): Promise<void> {
    const connection = this.connections.get(accountId);
    if (!connection) return;
    this.connections.delete(accountId);
    await connection.close();
  }

  lookup(domain: string): Promise<SipServiceLookup> {
    return this.resolver.lookup(domain);
  }

  probe(request: WebSocketProbeRequest): Promise<WebSocketProbeResult> {
    return probeWebSocket(request, this.dns, this.ca, this.timing.connectTimeoutMs);
  }
}
