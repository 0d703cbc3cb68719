import type { Locator } from '@playwright/test';
import type { Lab, LabUser } from '../lab/lab';
import { findFreePort } from '../lab/ports';
import { AppPage } from './app-page';
import { expect, test } from './fixtures';
import { registeredApp } from './scenarios';

/**
 * Reconnection and failover against the real lab: Kamailio is stopped and started again on the same
 * ports (its location table is in memory, so the app must register anew to be reachable), while
 * rtpengine and the desk phone keep running, so calls keep their media path.
 *
 * The app retries with a randomised backoff (up to 30 s between tries); waits below are for the
 * condition (registered, REGISTER seen by Kamailio), with a timeout above that ceiling.
 */
const AFTER_BACKOFF = { timeout: 45_000 };

function registration(app: AppPage): Locator {
  return app.page.getByRole('region', { name: /Registration status/ });
}

/** The countdown shown while reconnecting, e.g. "Next try in 4 seconds". */
function nextAttempt(app: AppPage): Locator {
  return registration(app).getByText(/^(Next try in \d+ seconds?|Trying now…)$/);
}

function reconnectNow(app: AppPage): Locator {
  return registration(app).getByRole('button', { name: /^Reconnect now: .+/ });
}

/** Fills the account form with a primary server and backup servers. */
async function addAccountWithBackups(
  app: AppPage,
  user: LabUser,
  primary: string,
  backups: string,
): Promise<void> {
  const form = await app.accountForm();
  await form.getByLabel('Display name').fill(user.displayName);
  await form.getByLabel('SIP address').fill(user.aor);
  await form.getByLabel('Authentication user').fill(user.user);
  await form.getByLabel('Password', { exact: true }).fill(user.password);
  await form.getByLabel('WebSocket server').fill(primary);
  await form.getByLabel('Backup servers (optional)').fill(backups);
  await form.getByRole('button', { name: 'Save and register' }).click();
}

/**
 * Runs `body` with Kamailio stopped, and makes sure it runs again afterwards whatever happens, so
 * the next test in this worker finds a working lab.
 */
async function withSipServerDown(
  lab: Lab,
  body: (restart: () => Promise<void>) => Promise<void>,
): Promise<void> {
  let running = false;
  await lab.stopSipServer();
  const restart = async (): Promise<void> => {
    await lab.startSipServer();
    running = true;
  };
  try {
    await body(restart);
  } finally {
    if (!running) await lab.startSipServer();
  }
}

test.describe('reconnection and failover', () => {
  test('after the SIP server restarts, the app says it is reconnecting, re-registers and takes calls again', async ({
    lab,
    openApp,
  }) => {
    const alice = lab.users.alice;
    const app = await registeredApp(openApp, lab, alice);
    await lab.waitForRegistered(alice.aor);

    let restartedAt = 0;
    await withSipServerDown(lab, async (restart) => {
      await expect(app.registrationStatus()).toContainText('Reconnecting…');
      await expect(nextAttempt(app)).toBeVisible();
      await expect(reconnectNow(app)).toBeVisible();
      restartedAt = Date.now();
      await restart();
    });

    await expect(app.registrationStatus()).toHaveText('Registered', AFTER_BACKOFF);
    // The restarted server starts with an empty location table (tests/e2e/lab.spec.ts): being
    // reachable again takes a REGISTER to it, not a registration the old process held.
    await lab.waitForSipRequest('REGISTER', { from: alice.user, since: restartedAt }, AFTER_BACKOFF.timeout);
    await lab.waitForRegistered(alice.aor);
    await expect(nextAttempt(app)).toHaveCount(0);

    await lab.legacy.dial(alice.aor);
    const incoming = app.incomingCall(lab.users.legacy.displayName);
    await expect(incoming).toBeVisible();
    await incoming.getByRole('button', { name: 'Answer' }).click();
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });

  test('with the server down while the account is added, retries are shown and it registers once the server is up', async ({
    lab,
    openApp,
  }) => {
    const bob = lab.users.bob;
    const app = await openApp();
    await withSipServerDown(lab, async (restart) => {
      await app.addAccount(bob, lab.wssUrl);
      await expect(app.registrationStatus()).toContainText('Reconnecting…');
      await expect(app.registrationStatus()).toContainText('Cannot reach the server');
      await expect(nextAttempt(app)).toBeVisible();
      await restart();
    });
    await expect(app.registrationStatus()).toHaveText('Registered', AFTER_BACKOFF);
    await lab.waitForRegistered(bob.aor);
  });

  test('a call with the desk phone survives a SIP server restart: media keeps flowing both ways and the call stays controllable', async ({
    lab,
    openApp,
  }) => {
    const alice = lab.users.alice;
    const app = await registeredApp(openApp, lab, alice);
    await app.dial(lab.users.legacy.user);
    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();

    let restartedAt = 0;
    let recordedBeforeRestart = 0;
    await withSipServerDown(lab, async (restart) => {
      await expect(app.registrationStatus()).toContainText('Reconnecting…');
      // Signalling is down, the call is not: it is still up and sound still arrives.
      await expect(app.callState()).toContainText('In call');
      await app.expectAudioFlowing();
      recordedBeforeRestart = (await lab.legacy.receivedAudio()).seconds;
      restartedAt = Date.now();
      await restart();
    });

    await expect(app.registrationStatus()).toHaveText('Registered', AFTER_BACKOFF);
    await lab.waitForRegistered(alice.aor);
    // Registered on a new connection: the call re-INVITEs so the desk phone's requests find us there.
    await lab.waitForSipRequest('INVITE', { from: alice.user, since: restartedAt }, AFTER_BACKOFF.timeout);
    await expect(app.callState()).toContainText('In call');
    await app.expectAudioFlowing();

    // What the desk phone heard since the restart: our 660 Hz microphone, not silence.
    await expect
      .poll(async () => (await lab.legacy.receivedAudio()).seconds, { timeout: 10_000 })
      .toBeGreaterThan(recordedBeforeRestart + 1.5);
    const heard = await lab.legacy.receivedAudio(recordedBeforeRestart);
    expect(heard.rms, 'the desk phone heard us after the restart').toBeGreaterThan(0.01);
    expect(heard.estimatedHz).toBeGreaterThan(600);
    expect(heard.estimatedHz).toBeLessThan(720);

    // The desk phone hangs up: its BYE reaches the app over the new connection.
    await lab.legacy.hangup();
    await expect(app.callCard()).toHaveCount(0);
    await expect(app.endedCall().getByRole('status')).toHaveText('The other party hung up');
  });

  test('when the primary server cannot be reached, the app registers through a backup server and says so', async ({
    lab,
    openApp,
  }) => {
    const carol = lab.users.carol;
    const app = await openApp();
    // Nothing listens on a port just found free: the connection is refused. (Not port 9: browsers
    // refuse that one before trying, and the app says so instead of failing over.)
    await addAccountWithBackups(app, carol, `wss://127.0.0.1:${await findFreePort('tcp')}/`, lab.wssUrl);
    await expect(app.registrationStatus()).toHaveText('Registered');
    await lab.waitForRegistered(carol.aor);
    const host = new URL(lab.wssUrl).host;
    await expect(registration(app)).toContainText(`Connected through backup server ${host}`);
  });

  test('"Reconnect now" retries at once instead of waiting for the next scheduled try', async ({
    lab,
    browser,
  }) => {
    const alice = lab.users.alice;
    // The page's clock is ours to stop: with it paused no scheduled retry can fire, so a REGISTER
    // reaching the server can only come from the button.
    const context = await browser.newContext({ permissions: ['microphone'], locale: 'en-US' });
    try {
      await context.clock.install();
      const app = await AppPage.open(context);
      await app.addAccount(alice, lab.wssUrl);
      await app.expectRegistered();
      await withSipServerDown(lab, async (restart) => {
        await expect(app.registrationStatus()).toContainText('Reconnecting…');
        await expect(nextAttempt(app)).toBeVisible();
        // pauseAt only moves forward (and the page clock runs on meanwhile); a retry that comes due in
        // the jump fails, the server being down, and schedules the next one, which then never fires.
        await app.page.clock.pauseAt((await app.page.evaluate(() => Date.now())) + 5_000);
        await restart();
        await expect(app.registrationStatus()).toContainText('Reconnecting…');
        const clickedAt = Date.now();
        await reconnectNow(app).click();
        const register = await lab.waitForSipRequest('REGISTER', { from: alice.user, since: clickedAt });
        expect(register.transport).toBe('wss');
      });
      await expect(app.registrationStatus()).toHaveText('Registered');
      await lab.waitForRegistered(alice.aor);
      await app.page.clock.resume();
    } finally {
      await context.close();
    }
  });
});
