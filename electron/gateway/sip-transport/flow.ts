/**
 * A flow (RFC 5626's word): one socket between us and one address of the account's server, carrying
 * whole SIP messages. UDP, TCP and TLS implement it; the account's connection (`sip-connection.ts`)
 * sees only this.
 */
import type { DirectSipTransport } from '../../common/contract';
import type { HostPort } from './socket-rewriter';

export interface SipFlow {
  readonly transport: DirectSipTransport;
  /** Our socket's address: the interface that reaches the server, and our port. */
  readonly local: HostPort;
  /** The server address this flow talks to (and the only one it sends to). */
  readonly remote: HostPort;
  send(bytes: Buffer): Promise<void>;
  /** Closes the socket; no `closed` event follows. */
  close(): void;
}

export interface FlowEvents {
  /** One whole message's bytes (a datagram, or one framed from the stream). */
  message(bytes: Buffer): void;
  /** The flow died without us closing it (reset, timeout, no pong, unframeable stream). */
  closed(reason: string): void;
}

export interface GatewayLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Timers of the transport. RFC values by default; tests may shorten them, production never does. */
export interface GatewayTiming {
  /** RFC 3261 T1 / T2: request retransmission over UDP (Timers A and E). */
  t1Ms: number;
  t2Ms: number;
  /** TCP connect plus TLS handshake. */
  connectTimeoutMs: number;
  /** How long a UDP server may take to answer our OPTIONS (connecting, and each keep-alive). */
  optionsAnswerMs: number;
  /** RFC 5626 §4.4.1 keep-alive intervals: UDP 24-29 s, TCP/TLS 95-120 s (randomly within). */
  udpKeepAliveMs: readonly [number, number];
  streamKeepAliveMs: readonly [number, number];
  /** RFC 5626 §4.4.1: no pong within 10 s means the flow has failed. */
  pongTimeoutMs: number;
}

export const DEFAULT_TIMING: GatewayTiming = {
  t1Ms: 500,
  t2Ms: 4000,
  connectTimeoutMs: 10_000,
  optionsAnswerMs: 5_000,
  udpKeepAliveMs: [24_000, 29_000],
  streamKeepAliveMs: [95_000, 120_000],
  pongTimeoutMs: 10_000,
};

/** Why a flow could not be opened, in the contract's terms. */
export class FlowOpenError extends Error {
  override readonly name = 'FlowOpenError';
  constructor(
    readonly kind: 'unreachable' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

/** A uniformly random delay within `[min, max]`. */
export function within([min, max]: readonly [number, number], random: () => number = Math.random): number {
  return Math.round(min + (max - min) * random());
}

/** `host:port`, IPv6 in brackets. */
export function hostPort({ host, port }: HostPort): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
