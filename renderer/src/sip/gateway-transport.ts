import { EmitterImpl, StateTransitionError, TransportState, type Emitter, type Transport } from 'sip.js';
import type { Logger } from 'sip.js/lib/core';
import type { RegistrationError } from './sip-status';
import type {
  DirectSipTransport,
  GatewayConnectError,
  GatewayConnection,
  GatewayEvent,
  RinglineApi,
} from '@common/contract';

/** The gateway verbs this transport uses (the host's `gateway`, desktop or browser build). */
export type GatewayPort = Pick<RinglineApi['gateway'], 'connect' | 'send' | 'disconnect' | 'onEvent'>;

export interface GatewayTransportOptions {
  gateway: GatewayPort;
  accountId: string;
  transport: DirectSipTransport;
  /** `host[:port]`; changed between connections by failover (`setServer`). */
  server: string;
}

/** A connect the gateway refused, with its reason in the contract's terms (for the status in words). */
export class GatewayConnectFailure extends Error {
  override readonly name = 'GatewayConnectFailure';
  constructor(readonly error: GatewayConnectError) {
    super(
      error.kind === 'certificate'
        ? `certificate of ${error.problem.host} refused (${error.problem.kind})`
        : `${error.kind}: ${error.detail}`,
    );
  }
}

/** The registration status, in words, for a connect the gateway refused. */
export function registrationErrorForGateway(error: GatewayConnectError): RegistrationError {
  switch (error.kind) {
    case 'dns':
      return { kind: 'server-not-found', detail: error.detail };
    case 'unreachable':
      return { kind: 'no-answer', detail: error.detail };
    case 'timeout':
      return { kind: 'connect-timeout', detail: error.detail };
    case 'certificate':
      return {
        kind: error.problem.kind === 'changed' ? 'certificate-changed' : 'certificate',
        detail: `${error.problem.host} ${error.problem.sha256}`,
      };
    case 'not-allowed':
      return { kind: 'not-allowed', detail: error.detail };
    case 'no-gateway':
      return { kind: 'gateway-unavailable', detail: error.detail };
  }
}

/**
 * SIP.js's transport for accounts over UDP, TCP or TLS: whole SIP messages go to the gateway through
 * the host (Electron main, or the browser build's local service), which owns the sockets and rewrites
 * what depends on them (Via, Contact). It follows SIP.js's transport state machine like its WebSocket
 * transport (platform/web/transport): `onConnect` on entering Connected, `onDisconnect` on leaving it,
 * with an error when the gateway lost the connection rather than us closing it; `connect()` never
 * retries by itself (the account's Reconnector does, across its servers).
 */
export class GatewayTransport implements Transport {
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;

  private _state = TransportState.Disconnected;
  private readonly stateEmitter = new EmitterImpl<TransportState>();
  private readonly options: GatewayTransportOptions;
  private target: string;
  private connecting: Promise<void> | undefined;
  private disconnecting: Promise<void> | undefined;
  private readonly unsubscribe: () => void;
  /** Where the gateway connected to, once connected. */
  connection: GatewayConnection | undefined;

  constructor(
    private readonly logger: Logger,
    options: GatewayTransportOptions,
  ) {
    this.options = options;
    this.target = options.server;
    this.unsubscribe = options.gateway.onEvent((event) => this.onGatewayEvent(event));
  }

  /** The Via transport SIP.js writes; the gateway sets the real one per socket anyway. */
  get protocol(): string {
    return this.options.transport.toUpperCase();
  }

  get server(): string {
    return this.target;
  }

  /** Takes effect on the next `connect()`. */
  setServer(server: string): void {
    this.target = server;
  }

  get state(): TransportState {
    return this._state;
  }

  get stateChange(): Emitter<TransportState> {
    return this.stateEmitter;
  }

  isConnected(): boolean {
    return this._state === TransportState.Connected;
  }

  connect(): Promise<void> {
    if (this._state === TransportState.Connected) return Promise.resolve();
    if (this._state === TransportState.Connecting && this.connecting) return this.connecting;
    try {
      this.transition(TransportState.Connecting);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const { gateway, accountId, transport } = this.options;
    const server = this.target;
    this.connecting = gateway.connect({ accountId, transport, server }).then(
      (result) => {
        // Disconnected (or reconnecting elsewhere) while the gateway was connecting: not ours any more.
        if (this._state !== TransportState.Connecting || this.target !== server) {
          if (result.ok) void gateway.disconnect(accountId).catch(() => undefined);
          throw new Error('connect aborted');
        }
        if (!result.ok) {
          const failure = new GatewayConnectFailure(result.error);
          this.transition(TransportState.Disconnected, failure);
          throw failure;
        }
        this.connection = result.connection;
        this.logger.log(
          `Connected over ${transport.toUpperCase()} to ${server} (${result.connection.remote}) from ${result.connection.local}`,
        );
        this.transition(TransportState.Connected);
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (this._state === TransportState.Connecting) this.transition(TransportState.Disconnected, failure);
        throw failure;
      },
    );
    const connecting = this.connecting;
    void connecting
      .finally(() => {
        if (this.connecting === connecting) this.connecting = undefined;
      })
      .catch(() => undefined);
    return connecting;
  }

  disconnect(): Promise<void> {
    if (this._state === TransportState.Disconnected) return Promise.resolve();
    if (this._state === TransportState.Disconnecting && this.disconnecting) return this.disconnecting;
    this.transition(TransportState.Disconnecting);
    this.connection = undefined;
    this.disconnecting = this.options.gateway
      .disconnect(this.options.accountId)
      .catch((error: unknown) => this.logger.warn(`gateway disconnect: ${String(error)}`))
      .then(() => {
        if (this._state === TransportState.Disconnecting) this.transition(TransportState.Disconnected);
      })
      .finally(() => {
        this.disconnecting = undefined;
      });
    return this.disconnecting;
  }

  async dispose(): Promise<void> {
    await this.disconnect();
    this.unsubscribe();
  }

  send(message: string): Promise<void> {
    if (this._state !== TransportState.Connected)
      return Promise.reject(new Error(`not connected (${this._state}): message not sent`));
    this.logger.log(`Sending ${this.protocol} message:\n\n${message}\n`);
    return this.options.gateway.send({ accountId: this.options.accountId, message });
  }

  private onGatewayEvent(event: GatewayEvent): void {
    if (event.accountId !== this.options.accountId || this._state !== TransportState.Connected) return;
    if (event.kind === 'closed') {
      this.connection = undefined;
      this.transition(TransportState.Disconnected, new Error(`connection lost: ${event.reason}`));
      return;
    }
    this.logger.log(`Received ${this.protocol} message:\n\n${event.message}\n`);
    this.onMessage?.(event.message);
  }

  private transitioning = false;

  private transition(next: TransportState, error?: Error): void {
    if (this.transitioning) throw new StateTransitionError(`transport state loop: ${this._state} -> ${next}`);
    const allowed: Record<TransportState, TransportState[]> = {
      [TransportState.Connecting]: [
        TransportState.Connected,
        TransportState.Disconnecting,
        TransportState.Disconnected,
      ],
      [TransportState.Connected]: [TransportState.Disconnecting, TransportState.Disconnected],
      [TransportState.Disconnecting]: [TransportState.Connecting, TransportState.Disconnected],
      [TransportState.Disconnected]: [TransportState.Connecting],
    };
    if (!allowed[this._state].includes(next))
      throw new Error(`invalid transport transition ${this._state} -> ${next}`);
    this.transitioning = true;
    const previous = this._state;
    this._state = next;
    try {
      this.logger.log(`Transitioned from ${previous} to ${next}`);
      this.stateEmitter.emit(next);
      if (next === TransportState.Connected) this.onConnect?.();
      if (previous === TransportState.Connected) {
        if (error) this.onDisconnect?.(error);
        else this.onDisconnect?.();
      }
    } finally {
      this.transitioning = false;
    }
  }
}
