import type { Lab, LabUser, SipRequestRecord } from '../lab/lab';
import { expectNoAxeViolations } from './axe';
import type { AppPage, PresenceOptions } from './app-page';
import { expect, test } from './fixtures';
import {
  closingTheAppEndsItsSubscriptions,
  closingTheAppWithdrawsItsStatus,
  pickUpFromBlfKey,
} from './scenarios';

/**
 * Presence through the lab's real presence server (Kamailio presence + presence_dialoginfo fed by
 * pua_dialoginfo from the calls it proxies, presence_mwi, presence_xml): BLF keys follow a colleague's
 * calls, the voicemail indicator follows the mailbox, PIDF status travels between two apps, and a
 * call ringing at a colleague is picked up with Replaces. A closed app withdraws what it published and
 * ends its subscriptions, so no test here sees an earlier one's status (each worker's lab is shared by
 * every spec it runs, the direct-path one included).
 */

/** Adds `user`'s account with the presence options filled in the same form, and waits for registration. */
async function registeredWithPresence(
  openApp: () => Promise<AppPage>,
  lab: Lab,
  user: LabUser,
  options: PresenceOptions,
): Promise<AppPage> {
  const app = await openApp();
  const form = await app.accountForm();
  await form.getByLabel('Display name').fill(user.displayName);
  await form.getByLabel('SIP address').fill(user.aor);
  await form.getByLabel('Authentication user').fill(user.user);
  await form.getByLabel('Password', { exact: true }).fill(user.password);
  await form.getByLabel('WebSocket server').fill(lab.wssUrl);
  await app.fillPresence(form, options);
  await form.getByRole('button', { name: 'Save and register' }).click();
  await app.expectRegistered();
  return app;
}

/**
 * The watcher's dialog subscription to the colleague's line lived through `times` refreshes that the
 * server challenged: each was sent again with credentials in the same dialog (Call-ID), and every
 * SUBSCRIBE of that dialog, challenged or not, had a CSeq above the one before (RFC 3261 §12.2.1.1),
 * so the server took each authenticated one in order.
 */
async function refreshedWithCredentials(
  lab: Lab,
  watcher: LabUser,
  since: number,
  times: number,
): Promise<void> {
  const inDialog = async () =>
    (await lab.sipRequests({ method: 'SUBSCRIBE', from: watcher.user, since })).filter(
      (request) => request.event === 'dialog' && !request.requestUri.includes('@'),
    );
  const authenticatedPerDialog = async () => {
    const counts = new Map<string, number>();
    for (const request of await inDialog())
      if (request.authUser) counts.set(request.callId, (counts.get(request.callId) ?? 0) + 1);
    return Math.max(0, ...counts.values());
  };
  await expect
    .poll(authenticatedPerDialog, {
      message: 'authenticated refreshes in one dialog subscription',
      timeout: 20_000,
    })
    .toBeGreaterThanOrEqual(times);
  const requests = await inDialog();
  for (const callId of new Set(requests.map((request) => request.callId))) {
    const cseqs = requests.filter((request) => request.callId === callId).map((request) => request.cseq);
    expect(cseqs, `CSeqs of the SUBSCRIBEs in dialog ${callId}`).toEqual([...cseqs].sort((a, b) => a - b));
    expect(new Set(cseqs).size, `no CSeq used twice in dialog ${callId}`).toBe(cseqs.length);
  }
  expect(requests.filter((request) => !request.authUser).length, 'challenged first tries').toBeGreaterThan(0);
}

/** Saves the account again with `watch` (comma-separated lines, '' for none) as its BLF lines. */
async function watchLines(app: AppPage, watch: string): Promise<void> {
  await app.button('Edit account').click();
  const form = await app.accountForm();
  await form
    .getByRole('group', { name: 'Presence and voicemail' })
    .getByLabel(/Watch \(BLF\)/)
    .fill(watch);
  await form.getByRole('button', { name: 'Save and register' }).click();
  await expect(form).toBeHidden();
}

/** The un-SUBSCRIBEs from `watcher` since `since` that the presence server took (it ended their subscriptions). */
async function endedSince(lab: Lab, watcher: LabUser, since: number): Promise<SipRequestRecord[]> {
  const taken = (await lab.subscribeOutcomes()).filter(
    (outcome) => outcome.time >= since && outcome.expires === '0' && outcome.taken,
  );
  return (await lab.sipRequests({ method: 'SUBSCRIBE', from: watcher.user, since })).filter((request) =>
    taken.some((outcome) => outcome.callId === request.callId && outcome.cseq === request.cseq),
  );
}

test.describe('presence', () => {
  test('BLF: a colleague is called by the desk phone, answers and hangs up, through a notifier that challenges every refresh; a changed key ends its subscriptions', async ({
    openApp,
    lab,
  }) => {
    // Two apps register and a full call runs through the proxy: several tests' worth of steps.
    test.slow();
    const { alice, bob, carol, legacy } = lab.users;
    // The presence server grants 4 s (RFC 6665 §4.2.1.1), so SIP.js refreshes at 3.6 s, and challenges
    // every refresh and un-SUBSCRIBE, as Asterisk, FreeSWITCH and hosted PBXes do.
    await lab.setSubscriptionExpiry(4);
    await lab.setSubscriptionChallenge(401);
    await lab.forgetRegistrations(alice.aor);
    try {
      const since = Date.now();
      const [watcher, colleague] = await Promise.all([
        registeredWithPresence(openApp, lab, alice, { watch: bob.user, publishPresence: true }),
        registeredWithPresence(openApp, lab, bob, {}),
      ]);
      const key = watcher.blfKey(alice.displayName, bob);
      await expect(key).toHaveAccessibleName(`Call ${bob.user}, Idle`);
      // The call below is NOTIFYed after a refresh that was challenged, and the second refresh (the
      // first to follow an authenticated one in its dialog) comes while the call runs.
      await refreshedWithCredentials(lab, alice, since, 1);

      await lab.legacy.dial(bob.aor);
      const incoming = colleague.incomingCall(legacy.displayName);
      await expect(incoming).toBeVisible();
      await expect(key).toHaveAccessibleName(`Call ${bob.user}, Ringing`);
      await expect(
        watcher.page.getByRole('button', { name: `Pick up the call ringing at ${bob.user}` }),
      ).toBeVisible();
      await expectNoAxeViolations(watcher.page, 'phone with a ringing BLF key');

      await incoming.getByRole('button', { name: 'Answer' }).click();
      await expect(colleague.callState()).toContainText('In call');
      await colleague.expectAudioFlowing();
      await expect(key).toHaveAccessibleName(`Call ${bob.user}, In call`);
      // The state came from the server: pua_dialoginfo published it and presence NOTIFYed it.
      const published = await lab.sipRequests({ method: 'PUBLISH', to: bob.user });
      expect(published.length, 'dialog-info PUBLISHes for the callee').toBeGreaterThan(0);

      await colleague.button('Hang up').click();
      await lab.legacy.waitForEvent('CALL_CLOSED');
      await expect(key).toHaveAccessibleName(`Call ${bob.user}, Idle`);
      await refreshedWithCredentials(lab, alice, since, 2);

      // The key is changed to another colleague's while the server, slow this time, holds new BLF
      // subscriptions. The old line's subscriptions end (RFC 6665 §4.1.2.3): their un-SUBSCRIBEs are
      // challenged too, go again with credentials, and the presence server takes them (the mailbox's
      // goes the same way as the account restarts). The new line's SUBSCRIBE waits for its answer.
      await lab.setSubscriptionHold(true);
      const changedAt = Date.now();
      await watchLines(watcher, carol.user);
      await expect(key).toHaveCount(0);
      await expect
        .poll(
          async () =>
            (await endedSince(lab, alice, changedAt)).map((r) => `${r.event} by ${r.authUser}`).sort(),
          { message: 'un-SUBSCRIBEs the presence server took' },
        )
        .toEqual(['dialog', 'message-summary', 'presence'].map((event) => `${event} by ${alice.user}`));
      let held: SipRequestRecord | undefined;
      await expect
        .poll(
          async () =>
            (held = (
              await lab.sipRequests({
                method: 'SUBSCRIBE',
                from: alice.user,
                to: carol.user,
                since: changedAt,
              })
            ).find((request) => request.event === 'dialog' && request.authUser)),
          { message: "the new line's dialog SUBSCRIBE, held by the server" },
        )
        .toBeDefined();

      // Removed before the server answered: the app waits for that subscription's first NOTIFY, then
      // ends it rather than leave it on the server.
      const removedAt = Date.now();
      await watchLines(watcher, '');
      await lab.setSubscriptionHold(false);
      await expect
        .poll(async () => (await endedSince(lab, alice, removedAt)).some((r) => r.callId === held?.callId), {
          message: 'an un-SUBSCRIBE the server took for the subscription it answered late',
        })
        .toBe(true);

      // The account is removed while the server's nonces have gone stale: it challenges the
      // un-REGISTER and the removal PUBLISH though their credentials were right, as it does the
      // mailbox's un-SUBSCRIBE. The phone waits for each retry's answer before it closes, so the
      // server keeps nothing of the account.
      await lab.setStaleNonce(true);
      const accountRemovedAt = Date.now();
      await watcher.show('Settings');
      const accounts = watcher.page.getByRole('region', { name: 'Accounts' });
      await accounts.getByRole('button', { name: `Remove account ${alice.displayName}` }).click();
      await accounts
        .getByRole('button', { name: `Remove ${alice.displayName} and its saved password` })
        .click();
      await expect(accounts).not.toContainText(alice.displayName);
      await expect
        .poll(() => lab.registeredContacts(alice.aor), { message: 'contacts left for the removed account' })
        .toEqual([]);
      await expect
        .poll(
          async () =>
            // From the app, not the proxy's copy to its presence server (which has no credentials).
            (await lab.sipRequests({ method: 'PUBLISH', from: alice.user, since: accountRemovedAt })).filter(
              (request) => request.expires === '0' && request.authUser === alice.user,
            ).length,
          { message: 'the removal PUBLISH, challenged, and its retry' },
        )
        .toBe(2);
      await expect
        .poll(
          async () =>
            (await lab.publishOutcomes()).some(
              (outcome) => outcome.time >= accountRemovedAt && outcome.expires === '0' && outcome.taken,
            ),
          { message: 'the removal PUBLISH taken' },
        )
        .toBe(true);
      await expect
        .poll(async () => (await endedSince(lab, alice, accountRemovedAt)).map((r) => r.event))
        .toEqual(['message-summary']);
    } finally {
      await lab.setStaleNonce(false);
      await lab.setSubscriptionHold(false);
      await lab.setSubscriptionChallenge(undefined);
      await lab.setSubscriptionExpiry(undefined);
    }
  });

  test('PIDF: a colleague publishes busy, then available, and the watcher sees it', async ({
    openApp,
    lab,
  }) => {
    test.slow();
    const { alice, bob } = lab.users;
    const [watcher, colleague] = await Promise.all([
      registeredWithPresence(openApp, lab, alice, { watch: bob.user }),
      registeredWithPresence(openApp, lab, bob, { publishPresence: true }),
    ]);
    const key = watcher.blfKey(alice.displayName, bob);
    await expect(key).toHaveAccessibleName(`Call ${bob.user}, Idle, Available`);
    await colleague.page.getByLabel(`My status (${bob.displayName})`).selectOption({ label: 'Busy' });
    await expect(key).toHaveAccessibleName(`Call ${bob.user}, Idle, Busy`);
    await colleague.page
      .getByLabel(`My status (${bob.displayName})`)
      .selectOption({ label: 'Do not disturb' });
    await expect(key).toHaveAccessibleName(`Call ${bob.user}, Idle, Do not disturb`);
    // The status went through the server: PUBLISH from the colleague's app.
    expect((await lab.sipRequests({ method: 'PUBLISH', from: bob.user })).length).toBeGreaterThan(0);

    await closingTheAppWithdrawsItsStatus(
      lab,
      { app: watcher, user: alice },
      { app: colleague, user: bob },
      'wss',
    );
    await closingTheAppEndsItsSubscriptions(lab, { app: watcher, user: alice }, 'wss');
  });

  test('directed pickup: the watcher takes the call ringing at a colleague', async ({ openApp, lab }) => {
    test.slow();
    const { alice, bob, carol } = lab.users;
    const [watcher, colleague, caller] = await Promise.all([
      registeredWithPresence(openApp, lab, alice, { watch: bob.user }),
      registeredWithPresence(openApp, lab, bob, {}),
      registeredWithPresence(openApp, lab, carol, {}),
    ]);
    await pickUpFromBlfKey(lab, watcher, { app: colleague, user: bob }, { app: caller, user: carol });
    await watcher.button('Hang up').click();
    await expect(caller.callState()).toBeHidden();
  });

  test('MWI: the voicemail system publishes the mailbox and the indicator shows the counts', async ({
    openApp,
    lab,
  }) => {
    const { alice } = lab.users;
    const app = await registeredWithPresence(openApp, lab, alice, { voicemailNumber: lab.users.legacy.user });
    await lab.publishMailbox(alice, { newMessages: 2, oldMessages: 8, urgentNew: 1 });
    const indicator = app.page.getByRole('button', { name: /^Voicemail: / });
    await expect(indicator).toHaveAccessibleName('Voicemail: 2 new, 8 old · 1 urgent');
    await expect(indicator).toHaveAccessibleDescription(`Call voicemail for ${alice.displayName}`);
    await expectNoAxeViolations(app.page, 'phone with the voicemail indicator');

    // Messages listened to: the next publication clears the new count.
    await lab.publishMailbox(alice, { newMessages: 0, oldMessages: 10 });
    await expect(indicator).toHaveAccessibleName('Voicemail: 0 new, 10 old');

    // One click calls the configured voicemail number (here the desk phone stands in for it).
    await indicator.click();
    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });
});
