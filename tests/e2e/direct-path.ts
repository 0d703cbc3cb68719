/**
 * The app on a direct account (UDP/TCP/TLS through the local gateway service and its media bridge),
 * and the proof that such a call never went through rtpengine. Shared by the specs that run calls
 * over the direct path.
 */
import type { Lab, LabUser } from '../lab/lab';
import type { AppPage } from './app-page';
import { expect } from './fixtures';

/** Opens the gateway build of the app and registers `user` directly to Kamailio over `transport`. */
export async function directApp(
  openGatewayApp: () => Promise<AppPage>,
  lab: Lab,
  user: LabUser,
  transport: 'udp' | 'tcp' | 'tls' = 'udp',
): Promise<AppPage> {
  // An earlier test's page may have gone before its unregister was answered (see `forgetRegistrations`).
  await lab.forgetRegistrations(user.aor);
  const app = await openGatewayApp();
  const port = transport === 'tls' ? lab.tlsPort : lab.udpPort;
  await app.addDirectAccount(user, { transport, server: `127.0.0.1:${port}` });
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
