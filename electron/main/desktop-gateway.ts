/**
 * The gateway (`electron/gateway`) as the desktop app runs it in main: its servers come from the
 * accounts store (the renderer names an account and one of its servers, never an address), its
 * events go to the main window, TLS certificates it refuses go where Chromium's refusals go
 * (`CertificateTrust`), and an account's sockets close when the account is removed or stops being a
 * direct one, or when the renderer that used them goes away.
 */
import type { Account, CertificateProblem, GatewayConnectRequest, GatewayEvent } from '../common/contract';
import { MediaBridge } from '../gateway/media-bridge/media-bridge';
import {
  SipGateway,
  type AccountServer,
  type SipGatewayApi,
  type SipGatewayOptions,
} from '../gateway/sip-gateway';
import type { GatewayLogger } from '../gateway/sip-transport/flow';

/**
 * The account's server that `requested` names, if it is one of the account's own with the account's
 * transport; undefined otherwise (unknown account, WSS account, another server or transport).
 */
export function accountServer(
  accounts: readonly Account[],
  accountId: string,
  requested: Pick<GatewayConnectRequest, 'transport' | 'server'>,
): AccountServer | undefined {
  const account = accounts.find((candidate) => candidate.id === accountId);
  const transport = account?.transport ?? 'wss';
  if (account === undefined || transport === 'wss' || transport !== requested.transport) return undefined;
  const servers = [account.sipServer ?? '', ...(account.fallbackSipServers ?? [])].filter((s) => s !== '');
  if (!servers.includes(requested.server)) return undefined;
  return {
    transport,
    server: requested.server,
    ...(account.trustedCertificate ? { trustedCertificate: account.trustedCertificate } : {}),
  };
}

export interface DesktopGatewayOptions {
  accounts(): readonly Account[];
  /** A TLS certificate the gateway refused: recorded for pinning and shown to the user. */
  certificateProblem(problem: CertificateProblem): void;
  /** Pushes an event to the main window (`IPC.gatewayEvent`). */
  send(event: GatewayEvent): void;
  log: GatewayLogger;
  /** The calls' media: one bridge for the process, a hook per account (tests may pass their own). */
  mediaHook?: SipGatewayOptions['mediaHook'];
}

/** A hook per account on one bridge for the process. */
function mediaHookOf(bridge: MediaBridge): SipGatewayOptions['mediaHook'] {
  return () => bridge.createHook();
}

export class DesktopGateway {
  private readonly gateway: SipGateway;
  /** The verbs main's IPC handlers call (`MainServices.gateway`). */
  readonly api: SipGatewayApi;

  constructor(private readonly options: DesktopGatewayOptions) {
    this.gateway = new SipGateway({
      serversOf: (accountId, requested) => accountServer(options.accounts(), accountId, requested),
      mediaHook: options.mediaHook ?? mediaHookOf(new MediaBridge({ log: (line) => options.log.info(line) })),
      log: options.log,
    });
    this.gateway.onEvent((event) => options.send(event));
    this.api = {
      availability: () => this.gateway.availability(),
      connect: async (request) => {
        const result = await this.gateway.connect(request);
        if (!result.ok && result.error.kind === 'certificate')
          options.certificateProblem(result.error.problem);
        return result;
      },
      send: (request) => this.gateway.send(request),
      disconnect: (accountId) => this.gateway.disconnect(accountId),
      lookup: (domain) => this.gateway.lookup(domain),
      probe: (request) => this.gateway.probe(request),
    };
  }

  /** The accounts changed: close the sockets of accounts that are gone or no longer direct. */
  accountsChanged(accounts: readonly Account[]): void {
    for (const accountId of this.gateway.connectedAccounts()) {
      const account = accounts.find((candidate) => candidate.id === accountId);
      if (account === undefined || (account.transport ?? 'wss') === 'wss') {
        this.options.log.info(
          `${accountId}: account removed or no longer direct; closing its SIP connection`,
        );
        void this.gateway.disconnect(accountId);
      }
    }
  }

  /** The renderer reloaded, crashed or closed: its SIP.js is gone, so are its connections. */
  rendererGone(): Promise<void> {
    return this.gateway.disconnectAll();
  }
}
