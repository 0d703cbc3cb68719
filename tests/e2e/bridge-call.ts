/**
 * One call between a real Chromium peer connection and a desk phone through the media bridge, with
 * the SIP around it made by hand (no server): shared by the bridge's e2e tests and its benchmark.
 */
import type { Browser } from '@playwright/test';
import { expect } from '@playwright/test';
import { MediaBridge } from '../../electron/gateway/media-bridge/media-bridge';
import type { SipMediaContext, SipMediaHook } from '../../electron/gateway/sip-media-hook';
import type { SipMessage } from '../../electron/gateway/sip-message';
import { DirectSipEndpoint, type Peer } from '../lab/direct-sip';
import type { LegacyPhone } from '../lab/lab';
import { SipDialog } from '../unit/gateway/sip-dialog';
import { BridgePage } from './bridge-page';

export const UDP: SipMediaContext = { accountId: 'bridge-e2e', transport: 'udp', localAddress: '127.0.0.1' };
export const TLS: SipMediaContext = { ...UDP, transport: 'tls' };

export interface Rig {
  hook: SipMediaHook;
  bridge: MediaBridge;
  sip: DirectSipEndpoint;
  chromium: BridgePage;
  desk: LegacyPhone;
  deskPeer: Peer;
}

const rigs: Rig[] = [];

/** Ends every rig made since the last call: hooks closed, pages and phones gone. */
export async function closeRigs(): Promise<void> {
  for (const { hook, sip, chromium, desk } of rigs.splice(0)) {
    await hook.close();
    sip.close();
    await chromium.page.context().close();
    await desk.stop();
  }
}

export async function rig(
  browser: Browser,
  baseURL: string | undefined,
  startPhone: () => Promise<LegacyPhone>,
): Promise<Rig> {
  const desk = await startPhone();
  const bridge = new MediaBridge({ log: (line) => console.log(line) });
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  const created: Rig = {
    hook: bridge.createHook(),
    bridge,
    sip: await DirectSipEndpoint.open(),
    chromium: await BridgePage.open(await context.newPage()),
    desk,
    deskPeer: { host: '127.0.0.1', port: desk.sipPort },
  };
  rigs.push(created);
  return created;
}

export const toTag = (message: SipMessage): string =>
  /;tag=([^;>\s]+)/.exec(message.header('to') ?? '')?.[1] ?? '';

/** The app calls the desk phone: INVITE through the hook, 200 back through it, ACK. */
export async function appCalls(
  r: Rig,
  context: SipMediaContext,
): Promise<{ dialog: SipDialog; plainOffer: string }> {
  const dialog = new SipDialog('local', {
    wire: {
      host: '127.0.0.1',
      port: r.sip.port,
      remoteUri: `sip:${r.desk.user.user}@127.0.0.1:${r.desk.sipPort}`,
    },
  });
  const invite = await r.hook.outbound(
    dialog.request('INVITE', 'local', await r.chromium.offer(), { toTag: null }),
    context,
  );
  r.sip.send(invite, r.deskPeer);
  const ok = await r.sip.finalResponse(invite);
  expect(ok.status).toBe(200);
  dialog.tags.remote = toTag(ok);
  const answer = await r.hook.inbound(ok, context);
  await r.chromium.acceptAnswer(answer.bodyText);
  r.sip.send(await r.hook.outbound(dialog.request('ACK', 'local'), context), r.deskPeer);
  return { dialog, plainOffer: invite.bodyText };
}
