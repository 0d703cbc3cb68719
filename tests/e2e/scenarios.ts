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
