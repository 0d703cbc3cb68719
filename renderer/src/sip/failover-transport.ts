import { Web } from 'sip.js';
import type { Logger } from 'sip.js/lib/core';
import { warmUpSipParser } from './parser-warm-up';

/**
 * SIP.js's WSS transport aimed at a server that may change between connections, for failover across
 * an account's servers. SIP.js takes one URL at construction and opens `this.server` on every
 * `connect()` (platform/web/transport.js), so overriding that getter is all it takes; the user agent,
 * its registerer and its calls stay the same objects across servers.
 */
export class FailoverTransport extends Web.Transport {
  private target: string;

  constructor(
    private readonly log: Logger,
    options: Web.TransportOptions,
  ) {
    super(log, options);
    this.target = options.server ?? '';
  }

  /** While the socket's handshake is under way, the page compiles what reads the answers (see `warmUpSipParser`). */
  override connect(): Promise<void> {
    const connecting = super.connect();
    warmUpSipParser(this.log);
    return connecting;
  }

  override get server(): string {
    return this.target;
  }

  /** Takes effect on the next `connect()`. */
  setServer(url: string): void {
    this.target = url;
  }
}
