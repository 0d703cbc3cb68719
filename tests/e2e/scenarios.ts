import { expect } from '@playwright/test';
import type { Lab, LabUser } from '../lab/lab';
import type { AppPage } from './app-page';

/** Opens a copy of the app (optionally at a path such as `/?dial=…`) registered as `user`. */
export async function registeredApp(
  openApp: (path?: string) => Promise<AppPage>,
  lab: Lab,
  user: LabUser,
  path?: string,
): Promise<AppPage> {
  const app = await openApp(path);
  await app.addAccount(user, lab.wssUrl);
  await app.expectRegistered();
  return app;
}

/** The app calls the lab's desk phone, which answers: the call is up and sound is arriving. */
export async function callDeskPhone(app: AppPage, lab: Lab): Promise<void> {
  await app.dial(lab.users.legacy.user);
  await expect(app.callState()).toContainText('In call');
  await lab.legacy.waitForEvent('CALL_ESTABLISHED');
  await app.expectAudioFlowing();
}

/** In the app's call with the desk phone: Transfer, the target, Transfer now (a blind transfer, REFER). */
export async function blindTransfer(app: AppPage, lab: Lab, target: string): Promise<void> {
  await app.button('Transfer').click();
  const panel = app.callCard().getByRole('region', { name: `Transfer ${lab.users.legacy.user}` });
  await panel.getByLabel('Transfer to').fill(target);
  await panel.getByRole('button', { name: 'Transfer now' }).click();
}
