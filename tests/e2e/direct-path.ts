/**
 * The app on a direct account (UDP/TCP/TLS through the local gateway service and its media bridge),
 * and the proof that such a call never went through rtpengine. Shared by the specs that run calls
 * over the direct path.
 */
import type { MediaReport } from '../../electron/gateway/media-bridge/media-report';
import type { Lab, LabUser, LegacyPhone } from '../lab/lab';
import type { AppPage, PresenceOptions } from './app-page';
import { expect, type GatewayWebApp } from './fixtures';

/**
 * Opens the gateway build of the app and registers `user` directly to Kamailio over `transport`,
 * with the account's presence and voicemail options when `presence` is given, and `firstVideoCodec`
 * first among the account's video codecs when given.
 */
export async function directApp(
  openGatewayApp: () => Promise<AppPage>,
  lab: Lab,
  user: LabUser,
  transport: 'udp' | 'tcp' | 'tls' = 'udp',
  presence?: PresenceOptions,
  { firstVideoCodec }: { firstVideoCodec?: string } = {},
): Promise<AppPage> {
  // An earlier test's page may have gone before its unregister was answered (see `forgetRegistrations`).
  await lab.forgetRegistrations(user.aor);
  const app = await openGatewayApp();
  const port = transport === 'tls' ? lab.tlsPort : lab.udpPort;
  await app.addDirectAccount(user, { transport, server: `127.0.0.1:${port}`, presence, firstVideoCodec });
  if (transport === 'tls') {
    // The lab's certificate is self-signed: trust it once, as the user would.
    const notice = app.page.getByRole('alert', { name: `Server certificate for ${user.displayName}` });
    await notice.getByRole('button', { name: 'Trust this certificate' }).click();
  }
  await app.expectRegistered();
  await lab.waitForRegistered(user.aor);
  return app;
}

/** rtpengine never heard of the call: no ng command in its log and no session in its list. */
export async function expectNoRtpengine(lab: Lab, callId: string): Promise<void> {
  const view = await lab.rtpengineView(callId);
  expect(view, `rtpengine's view of ${callId}`).toEqual({ commands: [], listed: false });
}

/**
 * What the desk phone decoded from the app: its 660 Hz microphone tone, not silence. (Chromium's
 * audio processing brings the fake microphone's level down to about 0.04 RMS, as on WSS.)
 */
export async function expectDeskHearsTheApp(lab: Lab, phone: LegacyPhone = lab.legacy): Promise<void> {
  await expect
    .poll(async () => (await phone.receivedAudio(0.5)).seconds, { timeout: 10_000 })
    .toBeGreaterThan(1.5);
  const heard = await phone.receivedAudio(0.5);
  expect(heard.rms, 'what the desk phone decoded').toBeGreaterThan(0.01);
  expect(heard.estimatedHz, "the app's 660 Hz microphone tone").toBeGreaterThan(600);
  expect(heard.estimatedHz).toBeLessThan(720);
}

/** The bridge's report of the call with this Call-ID, once the service has one. */
export async function bridgeReport(webApp: GatewayWebApp, callId: string): Promise<MediaReport> {
  let found: MediaReport | undefined;
  await expect
    .poll(() => (found = webApp.service.mediaReports().find((report) => report.callId === callId)), {
      message: `the bridge's report of ${callId}`,
    })
    .toBeDefined();
  if (!found) throw new Error('unreachable');
  return found;
}

/** Answers the ringing call from `caller` in `app`. */
export async function answer(app: AppPage, caller: LabUser): Promise<void> {
  const incoming = app.incomingCall(caller.displayName);
  await expect(incoming).toBeVisible();
  await incoming.getByRole('button', { name: 'Answer' }).click();
  await expect(app.callState()).toContainText('In call');
}
