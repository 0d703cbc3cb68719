/**
 * What issue 12 promises beyond plain calls, over the direct path: attended transfer, local conference,
 * mute, recording, BLF/presence/MWI with directed pickup and subscription refresh, with every app on a
 * direct UDP account (SIP.js over the gateway transport, media through the gateway's bridge) and
 * Kamailio relaying no media. The same checks as the WSS specs (call-control, presence): getStats
 * packets and energy on the app's side, what the desk phone decoded by frequency on the other, and
 * rtpengine never asked about the call. A closed app withdraws what it published and ends its
 * subscriptions, so no test sees an earlier one's status (the worker's lab is shared with presence.spec).
 */
import { decodeRecording, settledEnergy } from './call-audio';
import { answer, bridgeReport, directApp, expectDeskHearsTheApp, expectNoRtpengine } from './direct-path';
import type { Lab, LabUser, SipRequestRecord } from '../lab/lab';
import { expect, test } from './fixtures';
import {
  closingTheAppEndsItsSubscriptions,
  closingTheAppWithdrawsItsStatus,
  mergeSplitAndHangUpOne,
  pickUpFromBlfKey,
} from './scenarios';

/**
 * The INVITE `from` sent since `since` with a Replaces header (RFC 3891) naming the dialog of Call-ID
 * `callId` with both its tags. (The transferee also re-INVITEs its call with the transferor to hold it.)
 */
async function replacingInvite(
  lab: Lab,
  from: LabUser,
  callId: string,
  since: number,
): Promise<SipRequestRecord> {
  let found: SipRequestRecord | undefined;
  await expect
    .poll(
      async () =>
        (found = (await lab.sipRequests({ method: 'INVITE', from: from.user, since })).find(
          (request) => request.replaces !== undefined,
        ))?.replaces?.split(';')[0],
      { message: `an INVITE from ${from.user} with Replaces` },
    )
    .toBe(callId);
  if (!found) throw new Error('unreachable');
  expect(found.replaces, 'both tags of the replaced dialog').toMatch(/;to-tag=[^;]+/);
  expect(found.replaces).toMatch(/;from-tag=[^;]+/);
  return found;
}

test.describe('call features over the direct path (UDP accounts, gateway bridge, no rtpengine)', () => {
  test('attended transfer: Alice consults Bob, then connects the desk phone to Bob (REFER with Replaces)', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    const { alice: aliceUser, bob: bobUser, legacy } = lab.users;
    const alice = await directApp(openGatewayApp, lab, aliceUser);
    const bob = await directApp(openGatewayApp, lab, bobUser);
    const since = Date.now();
    await alice.dial(legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await alice.expectAudioFlowing();

    // The consultation call, a second bridged call, holds the desk phone.
    await alice.dial(bobUser.user);
    await answer(bob, aliceUser);
    await expect(
      alice.lineList().getByRole('button', { name: `Switch to line 1: ${legacy.user}` }),
    ).toContainText('On hold');
    await bob.expectAudioFlowing();
    const [, withBob] = await settledEnergy(alice, [0]);
    expect(withBob, 'Alice hears Bob in the consultation').toBeGreaterThan(0.001);

    const transferAt = Date.now();
    await alice.button('Transfer').click();
    await alice
      .callCard()
      .getByRole('button', { name: `Complete transfer to ${legacy.user}` })
      .click();
    const refer = await lab.waitForSipRequest('REFER', { from: aliceUser.user, since: transferAt });
    expect(refer.transport).toBe('udp');
    await expect(alice.callCard()).toHaveCount(0);
    await expect(alice.lastCall()).toContainText('Outgoing · Transferred');
    // Bob calls the desk phone's contact (SIP.js's Refer-To) with Replaces naming the desk phone's
    // dialog with Alice, so the desk phone takes the new call in that one's place (RFC 3891 §3).
    const first = await lab.waitForSipRequest('INVITE', { from: aliceUser.user, to: legacy.user, since });
    const replacing = await replacingInvite(lab, bobUser, first.callId, transferAt);
    // Alice's dialog with the desk phone ends: the desk phone BYEs it on taking Bob's call (RFC 3891 §3),
    // or Alice does once Bob's NOTIFY reports 200 (RFC 5589 §7.1), whichever comes first.
    await lab.waitForSipRequest('BYE', { callId: first.callId, since: transferAt });
    await expect(bob.callCard()).toHaveCount(1);
    await expect(bob.callState()).toContainText('In call');
    const { after } = await bob.expectAudioFlowing();
    expect(after.peerConnections, "Bob's consultation with Alice is gone").toBe(1);
    expect((await bridgeReport(webApp, replacing.callId)).streams[0]?.plain.packetsIn).toBeGreaterThan(50);
    await expectDeskHearsTheApp(lab);

    const consultation = await lab.waitForSipRequest('INVITE', {
      from: aliceUser.user,
      to: bobUser.user,
      since,
    });
    for (const callId of [first.callId, consultation.callId, replacing.callId])
      await expectNoRtpengine(lab, callId);

    await bob.button('Hang up').click();
    await expect(bob.callCard()).toHaveCount(0);
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });

  test('attended transfer towards a direct app: the INVITE with Replaces reaches it through its bridge and takes its call over', async ({
    lab,
    openGatewayApp,
  }) => {
    // Three apps register and three bridged calls are set up: several tests' worth of steps.
    test.slow();
    const { alice: aliceUser, bob: bobUser, carol: carolUser } = lab.users;
    const alice = await directApp(openGatewayApp, lab, aliceUser);
    const bob = await directApp(openGatewayApp, lab, bobUser);
    const carol = await directApp(openGatewayApp, lab, carolUser);
    const since = Date.now();
    await alice.dial(carolUser.user);
    await answer(carol, aliceUser);
    await alice.dial(bobUser.user);
    await answer(bob, aliceUser);
    await expect(
      alice.lineList().getByRole('button', { name: `Switch to line 1: ${carolUser.user}` }),
    ).toContainText('On hold');

    const transferAt = Date.now();
    await alice.button('Transfer').click();
    await alice
      .callCard()
      .getByRole('button', { name: `Complete transfer to ${carolUser.user}` })
      .click();
    await expect(alice.callCard()).toHaveCount(0);
    // Carol's app takes Bob's INVITE in place of her call with Alice, without ringing (RFC 3891 §3).
    const first = await lab.waitForSipRequest('INVITE', { from: aliceUser.user, to: carolUser.user, since });
    const replacing = await replacingInvite(lab, bobUser, first.callId, transferAt);
    await lab.waitForSipRequest('BYE', { callId: first.callId, since: transferAt });
    for (const app of [bob, carol]) {
      await expect(app.callCard()).toHaveCount(1);
      await expect(app.callState()).toContainText('In call');
      const { after } = await app.expectAudioFlowing();
      expect(after.peerConnections, 'only the new call is left').toBe(1);
    }
    await expect(carol.incomingCall()).toHaveCount(0);
    for (const callId of [first.callId, replacing.callId]) await expectNoRtpengine(lab, callId);

    await carol.button('Hang up').click();
    await expect(bob.callCard()).toHaveCount(0);
  });

  test('mute, then a local conference: Bob and the desk phone hear each other; split holds one; hanging up one leg keeps the other', async ({
    lab,
    openGatewayApp,
  }) => {
    const { alice: aliceUser, bob: bobUser, legacy } = lab.users;
    const alice = await directApp(openGatewayApp, lab, aliceUser);
    const bob = await directApp(openGatewayApp, lab, bobUser);
    const since = Date.now();
    await alice.dial(bobUser.user);
    await answer(bob, aliceUser);
    await expect(alice.callState()).toContainText('In call');
    await bob.expectAudioFlowing();

    // Mute: Bob hears nothing of Alice through the two bridges, and hears her again once she unmutes.
    await alice.button('Mute').click();
    await expect(alice.callCard()).toContainText('Microphone muted');
    await settledEnergy(bob, [0]);
    await alice.button('Unmute').click();
    await bob.expectAudioFlowing();

    await alice.dial(legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');

    await mergeSplitAndHangUpOne(lab, alice, bob, bobUser.user);
    for (const to of [bobUser.user, legacy.user])
      await expectNoRtpengine(
        lab,
        (await lab.waitForSipRequest('INVITE', { from: aliceUser.user, to, since })).callId,
      );

    await alice.button('Hang up').click();
    await expect(bob.callCard()).toHaveCount(0);
  });

  test('recording saves a playable Opus/WebM file with both sides of a bridged call', async ({
    lab,
    openGatewayApp,
  }) => {
    const alice = await directApp(openGatewayApp, lab, lab.users.alice);
    const since = Date.now();
    await alice.dial(lab.users.legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await alice.expectAudioFlowing();

    await alice.button('Record').click();
    await expect(alice.callCard()).toContainText('Recording');
    // Long enough for the decoded file to hold a couple of seconds of both tones.
    await alice.page.waitForTimeout(2500);
    const download = alice.page.waitForEvent('download');
    await alice.button('Stop recording').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(new RegExp(`^ringline-.*-${lab.users.legacy.user}\\.webm$`));
    await expect(alice.page.getByText(`Recording saved as ${file.suggestedFilename()}`)).toBeVisible();
    await alice.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');

    const decoded = await decodeRecording(alice, await file.path());
    expect(decoded.seconds, 'recording length').toBeGreaterThan(1.5);
    expect(decoded.rms, 'audio energy in the recording').toBeGreaterThan(0.05);
    // Both directions: the desk phone's 440 Hz and our 660 Hz microphone, well above other frequencies.
    expect(decoded.far, `440 Hz ${JSON.stringify(decoded)}`).toBeGreaterThan(decoded.neither * 10);
    expect(decoded.near, `660 Hz ${JSON.stringify(decoded)}`).toBeGreaterThan(decoded.neither * 10);
    const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.alice.user, since });
    await expectNoRtpengine(lab, invite.callId);
  });

  test('BLF, PIDF presence and MWI over UDP: SUBSCRIBE/NOTIFY dialogs through the gateway transport', async ({
    lab,
    openGatewayApp,
  }) => {
    // Two apps register and a full call runs through the proxy: several tests' worth of steps.
    test.slow();
    const { alice: aliceUser, bob: bobUser, legacy } = lab.users;
    const since = Date.now();
    const watcher = await directApp(openGatewayApp, lab, aliceUser, 'udp', {
      watch: bobUser.user,
      voicemailNumber: legacy.user,
    });
    const colleague = await directApp(openGatewayApp, lab, bobUser, 'udp', { publishPresence: true });
    const key = watcher.blfKey(aliceUser.displayName, bobUser);
    await expect(key).toHaveAccessibleName(`Call ${bobUser.user}, Idle, Available`);
    const subscribes = await lab.sipRequests({ method: 'SUBSCRIBE', from: aliceUser.user, since });
    expect(
      subscribes.map((request) => request.transport),
      "the watcher's SUBSCRIBEs (dialog, presence, message-summary)",
    ).toEqual(expect.arrayContaining(['udp']));
    expect(subscribes.every((request) => request.transport === 'udp')).toBe(true);

    // BLF (RFC 4235 dialog-info): the desk phone calls the colleague, who answers and hangs up.
    await lab.legacy.dial(bobUser.aor);
    const incoming = colleague.incomingCall(legacy.displayName);
    await expect(incoming).toBeVisible();
    await expect(key).toHaveAccessibleName(`Call ${bobUser.user}, Ringing, Available`);
    await expect(
      watcher.page.getByRole('button', { name: `Pick up the call ringing at ${bobUser.user}` }),
    ).toBeVisible();
    await incoming.getByRole('button', { name: 'Answer' }).click();
    await expect(colleague.callState()).toContainText('In call');
    await colleague.expectAudioFlowing();
    await expect(key).toHaveAccessibleName(`Call ${bobUser.user}, In call, Available`);
    await colleague.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect(key).toHaveAccessibleName(`Call ${bobUser.user}, Idle, Available`);

    // PIDF (RFC 3863): the colleague's status, PUBLISHed over UDP, reaches the watcher.
    await colleague.page.getByLabel(`My status (${bobUser.displayName})`).selectOption({ label: 'Busy' });
    await expect(key).toHaveAccessibleName(`Call ${bobUser.user}, Idle, Busy`);
    const published = await lab.sipRequests({ method: 'PUBLISH', from: bobUser.user, since });
    expect(published.some((request) => request.transport === 'udp')).toBe(true);

    // MWI (RFC 3842): the voicemail system publishes the mailbox; the indicator follows it.
    await lab.publishMailbox(aliceUser, { newMessages: 2, oldMessages: 8, urgentNew: 1 });
    const indicator = watcher.page.getByRole('button', { name: /^Voicemail: / });
    await expect(indicator).toHaveAccessibleName('Voicemail: 2 new, 8 old · 1 urgent');
    await lab.publishMailbox(aliceUser, { newMessages: 0, oldMessages: 10 });
    await expect(indicator).toHaveAccessibleName('Voicemail: 0 new, 10 old');
    // One click calls the voicemail number (the desk phone stands in for it), bridged like any call.
    const dialledAt = Date.now();
    await indicator.click();
    await expect(watcher.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await watcher.expectAudioFlowing();
    const voicemailCall = await lab.waitForSipRequest('INVITE', { from: aliceUser.user, since: dialledAt });
    await expectNoRtpengine(lab, voicemailCall.callId);
    await watcher.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');

    // Closing the apps withdraws the colleague's Busy and ends the watcher's subscriptions, over UDP.
    const watching = { app: watcher, user: aliceUser };
    await closingTheAppWithdrawsItsStatus(lab, watching, { app: colleague, user: bobUser }, 'udp');
    await closingTheAppEndsItsSubscriptions(lab, watching, 'udp');
  });

  test('directed pickup over UDP: the watcher takes the call ringing at a colleague, bridged, without rtpengine', async ({
    lab,
    openGatewayApp,
  }) => {
    // Three apps register and a bridged call is set up: several tests' worth of steps.
    test.slow();
    const { alice: aliceUser, bob: bobUser, carol: carolUser } = lab.users;
    const since = Date.now();
    const [watcher, colleague, caller] = await Promise.all([
      directApp(openGatewayApp, lab, aliceUser, 'udp', { watch: bobUser.user }),
      directApp(openGatewayApp, lab, bobUser),
      directApp(openGatewayApp, lab, carolUser),
    ]);
    await pickUpFromBlfKey(lab, watcher, { app: colleague, user: bobUser }, { app: caller, user: carolUser });
    // The watcher's INVITE with Replaces (RFC 3891) went over UDP and its media through the bridges.
    const pickup = await lab.waitForSipRequest('INVITE', { from: aliceUser.user, to: carolUser.user, since });
    expect(pickup.transport).toBe('udp');
    expect(pickup.replaces, 'Replaces naming the early dialog').toMatch(/;early-only/);
    for (const callId of [
      pickup.callId,
      (await lab.waitForSipRequest('INVITE', { from: carolUser.user, to: bobUser.user, since })).callId,
    ])
      await expectNoRtpengine(lab, callId);
    await watcher.button('Hang up').click();
    await expect(caller.callState()).toBeHidden();
  });

  test('SUBSCRIBE refresh over UDP: subscriptions the server grants for seconds are refreshed in their dialogs and keep notifying', async ({
    lab,
    openGatewayApp,
  }) => {
    const { alice: aliceUser, bob: bobUser, legacy } = lab.users;
    // The presence server grants 4 s, as a notifier may (RFC 6665 §4.2.1.1); SIP.js refreshes at 90 %.
    await lab.setSubscriptionExpiry(4);
    try {
      const since = Date.now();
      const watcher = await directApp(openGatewayApp, lab, aliceUser, 'udp', {
        watch: bobUser.user,
        voicemailNumber: legacy.user,
      });
      // A refresh is sent within the subscription's dialog: to the server's Contact, not to the user's
      // address, with the Call-ID of the SUBSCRIBE that created it.
      const refreshes = async (event: string) =>
        (await lab.sipRequests({ method: 'SUBSCRIBE', from: aliceUser.user, since })).filter(
          (request) =>
            request.event === event && request.expires !== '0' && !request.requestUri.includes('@'),
        );
      for (const event of ['dialog', 'presence', 'message-summary'])
        await expect
          .poll(async () => (await refreshes(event)).length, {
            message: `refreshes of ${event}`,
            timeout: 20_000,
          })
          .toBeGreaterThanOrEqual(2);
      const created = await lab.sipRequests({ method: 'SUBSCRIBE', from: aliceUser.user, since });
      for (const refresh of await refreshes('message-summary')) {
        expect(refresh.transport).toBe('udp');
        expect(
          created.some((request) => request.callId === refresh.callId && request.requestUri.includes('@')),
        ).toBe(true);
      }
      // The 4 s the mailbox subscription was first granted ran out long ago: it lives on only because
      // its refreshes were accepted, and it still delivers the mailbox's state.
      await lab.publishMailbox(aliceUser, { newMessages: 3, oldMessages: 1 });
      await expect(watcher.page.getByRole('button', { name: /^Voicemail: / })).toHaveAccessibleName(
        'Voicemail: 3 new, 1 old',
      );
      await closingTheAppEndsItsSubscriptions(lab, { app: watcher, user: aliceUser }, 'udp');
    } finally {
      await lab.setSubscriptionExpiry(undefined);
    }
  });
});
