import { expect, test } from './fixtures';
import { decodeRecording, settledEnergy } from './call-audio';
import { blindTransfer, callDeskPhone, mergeSplitAndHangUpOne, registeredApp } from './scenarios';

test.describe('call control like a desk phone', () => {
  test('hold with a desk phone stops its audio (re-INVITE sendonly) and resume restores it', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await callDeskPhone(alice, lab);

    const heldAt = Date.now();
    await alice.button('Hold').click();
    await expect(alice.callState()).toHaveText('On hold');
    await expect(alice.button('Resume')).toHaveAttribute('aria-pressed', 'true');
    await lab.waitForSipRequest('INVITE', { to: lab.users.legacy.user, since: heldAt });
    await settledEnergy(alice, [0]); // the legacy phone's tone stops while held

    await alice.button('Resume').click();
    await expect(alice.callCard()).not.toContainText('On hold');
    await alice.expectAudioFlowing();
    await alice.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    const heard = await lab.legacy.receivedAudio();
    expect(heard.rms, 'the desk phone heard us before and after the hold').toBeGreaterThan(0.01);
  });

  test('hold between two apps: neither hears the other, the held side is told, resume restores both', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);
    await alice.dial(lab.users.bob.user);
    await bob.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Answer' }).click();
    await expect(alice.callState()).toContainText('In call');
    await alice.expectAudioFlowing();
    await bob.expectAudioFlowing();

    await alice.button('Hold').click();
    await expect(alice.callState()).toHaveText('On hold');
    await expect(bob.callState()).toHaveText('Held by Alice');
    await settledEnergy(bob, [0]); // what the held party hears
    await settledEnergy(alice, [0]); // what the holder hears

    await alice.button('Resume').click();
    await expect(bob.callState()).toHaveText('In call');
    await alice.expectAudioFlowing();
    await bob.expectAudioFlowing();
    await alice.button('Hang up').click();
    await expect(bob.callCard()).toHaveCount(0);
  });

  test('mute is independent of hold: a muted call stays muted after hold and resume', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);
    await alice.dial(lab.users.bob.user);
    await bob.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Answer' }).click();
    await expect(alice.callState()).toContainText('In call');
    await bob.expectAudioFlowing();

    await alice.button('Mute').click();
    await alice.button('Hold').click();
    await expect(alice.callCard()).toContainText('On hold');
    await alice.button('Resume').click();
    await expect(alice.callCard()).not.toContainText('On hold');
    await expect(alice.callCard()).toContainText('Microphone muted');
    await alice.expectAudioFlowing();
    await settledEnergy(bob, [0]); // still muted after resume
    await alice.button('Unmute').click();
    await bob.expectAudioFlowing();
    await alice.button('Hang up').click();
  });

  test('the far end holds us: shown, its audio stops, and returns when it resumes', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await callDeskPhone(alice, lab);

    await lab.legacy.hold();
    await expect(alice.callState()).toHaveText('Held by 1010');
    await settledEnergy(alice, [0]);
    await lab.legacy.resume();
    await expect(alice.callState()).toHaveText('In call');
    await alice.expectAudioFlowing();
    await alice.button('Hang up').click();
  });

  test('a refused hold re-INVITE is rolled back, the user is told, and audio keeps flowing', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await callDeskPhone(alice, lab);

    await lab.setReInviteFailure(488);
    try {
      await alice.button('Hold').click();
      await expect(alice.callCard().getByRole('alert')).toHaveText(
        'Could not put the call on hold (488). The call continues.',
      );
      await expect(alice.button('Hold')).toHaveAttribute('aria-pressed', 'false');
      await alice.expectAudioFlowing();
    } finally {
      await lab.setReInviteFailure(undefined);
    }
    // Not stuck (SIP.js #685): holding works again once the proxy accepts re-INVITEs.
    await alice.button('Hold').click();
    await expect(alice.callCard()).toContainText('On hold');
    await settledEnergy(alice, [0]);
    await alice.button('Resume').click();
    await alice.expectAudioFlowing();
    await alice.button('Hang up').click();
  });

  test('DTMF 1234# reaches the far end as RFC 4733 events and as SIP INFO', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await callDeskPhone(alice, lab);

    await alice.pressDtmf('1234#');
    await expect(alice.callCard()).toContainText('Sent: 1234#');
    await expect.poll(() => lab.legacy.receivedDigits()).toBe('1234#');
    const infoBefore = (await lab.sipRequests({ method: 'INFO' })).length;
    expect(infoBefore, 'RFC 4733 sends no INFO').toBe(0);

    // Switch this call to SIP INFO and type the digits instead.
    const card = alice.callCard();
    await card
      .getByLabel('Send digits in this call as')
      .selectOption({ label: 'SIP INFO messages (application/dtmf-relay)' });
    const typedAt = Date.now();
    await card.getByLabel('Digits to send').fill('1234#');
    await card.getByRole('button', { name: 'Send digits' }).click();
    await expect.poll(() => lab.legacy.receivedDigits()).toBe('1234#1234#');
    const infos = await lab.sipRequests({ method: 'INFO', since: typedAt });
    expect(infos.length, 'one INFO per digit, seen by the proxy').toBe(5);

    // The other INFO format: application/dtmf, the digit alone as the body.
    await card
      .getByLabel('Send digits in this call as')
      .selectOption({ label: 'SIP INFO messages (application/dtmf)' });
    const plainAt = Date.now();
    await card.getByLabel('Digits to send').fill('56');
    await card.getByRole('button', { name: 'Send digits' }).click();
    await expect.poll(async () => (await lab.sipRequests({ method: 'INFO', since: plainAt })).length).toBe(2);
    // baresip understands only dtmf-relay: it refuses these, and the user is told rather than left guessing.
    await expect(alice.callCard()).toContainText('The digits could not be sent');
    expect(await lab.legacy.receivedDigits()).toBe('1234#1234#');
    await alice.button('Hang up').click();
  });

  test('call waiting: a second call is announced during a call, answering it holds the first, lines switch', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);
    await callDeskPhone(alice, lab);

    await bob.dial(lab.users.alice.user);
    const waiting = alice.callWaiting(lab.users.bob.displayName);
    await expect(waiting).toBeVisible();
    await waiting.getByRole('button', { name: 'Answer and hold current call' }).click();
    await expect(bob.callState()).toContainText('In call');

    const lines = alice.lineList();
    await expect(lines.getByRole('button')).toHaveCount(2);
    await expect(lines.getByRole('button', { name: 'Switch to line 1: 1010' })).toContainText('On hold');
    await expect(lines.getByRole('button', { name: 'Switch to line 2: Bob' })).toContainText('In call');
    await expect(lines.getByRole('button', { name: 'Switch to line 2: Bob' })).toHaveAttribute(
      'aria-current',
      'true',
    );
    // Measured: the desk phone (first connection) is silent, Bob (second) is heard; Bob hears us.
    let [desk, withBob] = await settledEnergy(alice, [0]);
    expect(withBob, 'Bob').toBeGreaterThan(0.001);
    await bob.expectAudioFlowing();

    // Switching back to line 1 holds Bob and resumes the desk phone.
    await lines.getByRole('button', { name: 'Switch to line 1: 1010' }).click();
    await expect(lines.getByRole('button', { name: 'Switch to line 2: Bob' })).toContainText('On hold');
    await expect(lines.getByRole('button', { name: 'Switch to line 1: 1010' })).not.toContainText('On hold');
    await expect(bob.callState()).toHaveText('Held by 1001');
    [desk, withBob] = await settledEnergy(alice, [1]);
    expect(desk, 'resumed desk phone').toBeGreaterThan(0.001);

    await alice.button('Hang up').click();
    await expect(lines).toHaveCount(0);
    await expect(alice.callCard()).toContainText('Bob');
    await alice.button('Hang up').click();
    await expect(alice.callCard()).toHaveCount(0);
  });

  test('four lines at once: each new call holds the others, only the line in use is heard', async ({
    lab,
    openApp,
  }) => {
    const legacy2 = await lab.startLegacyPhone(lab.users.legacy2, { toneHz: 550 });
    try {
      const alice = await registeredApp(openApp, lab, lab.users.alice);
      const bob = await registeredApp(openApp, lab, lab.users.bob);
      const carol = await registeredApp(openApp, lab, lab.users.carol);
      await lab.waitForRegistered(lab.users.legacy2.aor);

      await alice.dial(lab.users.legacy.user);
      await expect(alice.callState()).toContainText('In call');
      await alice.dial(lab.users.legacy2.user);
      await expect(alice.callState()).toContainText('In call');
      await alice.dial(lab.users.bob.user);
      await bob.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Answer' }).click();
      await expect(alice.callState()).toContainText('In call');
      await alice.dial(lab.users.carol.user);
      await carol.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Answer' }).click();
      await expect(alice.callState()).toContainText('In call');

      const lines = alice.lineList().getByRole('button');
      await expect(lines).toHaveCount(4);
      await expect(alice.lineList().getByText('On hold')).toHaveCount(3);
      await expect(lines.nth(3)).toContainText(lab.users.carol.user);
      await expect(lines.nth(3)).toContainText(/\d\d:\d\d/);
      // Both desk phones and Bob are held; Carol (the line in use) sends her microphone tone.
      const energy = await settledEnergy(alice, [0, 1, 2]);
      expect(energy.length).toBe(4);
      expect(energy[3], 'Carol').toBeGreaterThan(0.001);
      await carol.expectAudioFlowing();

      for (let left = 4; left > 0; left -= 1) {
        await alice.button('Hang up').click();
        await expect(alice.callCard()).toHaveCount(left > 1 ? 1 : 0);
      }
    } finally {
      await legacy2.stop();
    }
  });

  test('blind transfer: the desk phone is sent to Bob, who hears it; Alice is left idle', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);
    await alice.dial(lab.users.legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');

    const transferAt = Date.now();
    await blindTransfer(alice, lab, lab.users.bob.user);
    await lab.waitForSipRequest('REFER', { to: lab.users.legacy.user, since: transferAt });

    const incoming = bob.incomingCall(lab.users.legacy.displayName);
    await expect(incoming).toBeVisible();
    await incoming.getByRole('button', { name: 'Answer' }).click();
    await expect(bob.callState()).toContainText('In call');
    await expect(alice.callCard()).toHaveCount(0);
    await expect(alice.lastCall()).toContainText('Outgoing · Transferred');
    await lab.waitForSipRequest('NOTIFY', { to: lab.users.alice.user, since: transferAt });
    const { after } = await bob.expectAudioFlowing();
    expect(after.peerConnections).toBe(1);

    await bob.button('Hang up').click();
    await expect(bob.callCard()).toHaveCount(0);
    const heard = await lab.legacy.receivedAudio();
    expect(heard.rms).toBeGreaterThan(0.01);
    expect(heard.estimatedHz, "Bob's 660 Hz microphone reached the desk phone").toBeGreaterThan(600);
    expect(heard.estimatedHz).toBeLessThan(720);
  });

  test('a failed blind transfer keeps the original call and says why', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await alice.dial(lab.users.legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');

    await blindTransfer(alice, lab, '1999');
    await expect(alice.callCard()).toContainText(
      /Transfer to sip:1999@127\.0\.0\.1 failed \(404\)\. The call continues\./,
    );
    await expect(alice.callState()).toContainText('In call');
    await alice.expectAudioFlowing();
    await alice.button('Hang up').click();
  });

  test('attended transfer: Alice consults Bob, then connects the desk phone to Bob', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);
    await alice.dial(lab.users.legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');

    // The consultation call holds the desk phone.
    await alice.dial(lab.users.bob.user);
    await bob.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Answer' }).click();
    await expect(alice.callState()).toContainText('In call');
    await expect(alice.lineList().getByRole('button', { name: 'Switch to line 1: 1010' })).toContainText(
      'On hold',
    );
    await bob.expectAudioFlowing();

    const transferAt = Date.now();
    await alice.button('Transfer').click();
    await alice.callCard().getByRole('button', { name: 'Complete transfer to 1010' }).click();
    await lab.waitForSipRequest('REFER', { since: transferAt });
    await expect(alice.callCard()).toHaveCount(0);
    await expect(alice.lastCall()).toContainText('Outgoing · Transferred');
    // Bob now talks with the desk phone on a new call (INVITE with Replaces), his call with Alice is gone.
    // (addressed to the desk phone's contact, which SIP.js puts in Refer-To)
    await expect
      .poll(async () =>
        (await lab.sipRequests({ method: 'INVITE', from: lab.users.bob.user, since: transferAt })).some((r) =>
          r.to.startsWith(`sip:${lab.users.legacy.user}`),
        ),
      )
      .toBe(true);
    await expect(bob.callCard()).toHaveCount(1);
    await expect(bob.callState()).toContainText('In call');
    const { after } = await bob.expectAudioFlowing();
    expect(after.peerConnections).toBe(1);

    await bob.button('Hang up').click();
    await expect(bob.callCard()).toHaveCount(0);
    const heard = await lab.legacy.receivedAudio();
    expect(heard.estimatedHz, "Bob's 660 Hz microphone reached the desk phone").toBeGreaterThan(600);
    expect(heard.estimatedHz).toBeLessThan(720);
  });

  test('an incoming call can be refused as busy (486) or declined (603)', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await lab.legacy.dial(lab.users.alice.aor);
    // One pair of buttons with visible names; the tooltips give the SIP codes.
    const ringing = alice.incomingCall(lab.users.legacy.displayName);
    const busyButton = ringing.getByRole('button', { name: 'Busy', exact: true });
    await expect(busyButton).toHaveAccessibleDescription(/486/);
    await expect(ringing.getByRole('button', { name: 'Decline', exact: true })).toHaveAccessibleDescription(
      /603/,
    );
    await busyButton.click();
    const busy = await lab.legacy.waitForEvent('CALL_CLOSED');
    expect(busy.param).toMatch(/486/);
    await expect(alice.lastCall()).toContainText('Incoming · You declined the call');

    await lab.legacy.dial(lab.users.alice.aor);
    await alice
      .incomingCall(lab.users.legacy.displayName)
      .getByRole('button', { name: 'Decline', exact: true })
      .click();
    const declined = await lab.legacy.waitForEvent('CALL_CLOSED');
    expect(declined.param).toMatch(/603/);
  });

  test('forwarding: a ringing call is sent to Bob with 302, by hand or always by setting', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);

    // By hand, from the incoming call.
    await lab.legacy.dial(lab.users.alice.aor);
    const ringing = alice.incomingCall(lab.users.legacy.displayName);
    await ringing.getByLabel('Forward to').fill(lab.users.bob.user);
    const forward = ringing.getByRole('button', { name: 'Forward', exact: true });
    await expect(forward).toHaveAccessibleDescription('Forward the call to this number (302)');
    await forward.click();
    await expect(alice.lastCall()).toContainText('Incoming · Forwarded (302)');
    const forwarded = bob.incomingCall(lab.users.legacy.displayName);
    await forwarded.getByRole('button', { name: 'Answer' }).click();
    await expect(bob.callState()).toContainText('In call');
    await bob.expectAudioFlowing();
    await bob.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');

    // Always, by the account's call handling: Alice's app never rings.
    const handling = await alice.callHandling('Alice');
    await handling.getByLabel('Forwarding destination').fill(lab.users.bob.user);
    await handling.getByLabel('Forwarding destination').press('Tab');
    await handling.getByLabel('Forward calls').selectOption('always');
    await lab.legacy.dial(lab.users.alice.aor);
    await bob.incomingCall(lab.users.legacy.displayName).getByRole('button', { name: 'Answer' }).click();
    await expect(bob.callState()).toContainText('In call');
    await bob.expectAudioFlowing();
    await expect(alice.incomingCall()).toHaveCount(0);
    await bob.button('Hang up').click();
  });

  test('intercom (Call-Info: answer-after=0) is answered without a click only when allowed', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    // "*8" is the lab proxy's paging prefix: it adds Call-Info: answer-after=0 and Alert-Info.
    const intercom = `sip:*8${lab.users.alice.user}@${lab.domain}`;

    await lab.legacy.dial(intercom);
    const ringing = alice.incomingCall(lab.users.legacy.displayName);
    await expect(ringing).toBeVisible();
    // Not allowed: it keeps ringing (give an auto-answer time to happen, then check it did not).
    await alice.page.waitForTimeout(1500);
    await expect(ringing).toBeVisible();
    await ringing.getByRole('button', { name: 'Decline', exact: true }).click();
    await lab.legacy.waitForEvent('CALL_CLOSED');

    const handling = await alice.callHandling('Alice');
    await handling.getByLabel('Allow intercom calls to answer automatically').check();
    await alice.show('Phone');
    await lab.legacy.dial(intercom);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await alice.expectAudioFlowing();
    await alice.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });

  test('auto-answer per account, after the configured delay', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const handling = await alice.callHandling('Alice');
    await handling.getByLabel('Seconds before answering automatically').fill('1');
    await handling.getByLabel('Seconds before answering automatically').press('Tab');
    await handling.getByLabel('Answer calls automatically').check();
    await alice.show('Phone');

    await lab.legacy.dial(lab.users.alice.aor);
    await expect(alice.incomingCall(lab.users.legacy.displayName)).toBeVisible();
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await alice.expectAudioFlowing();
    await alice.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });

  test('local conference: the desk phone and Bob hear each other; split holds one; hanging up one leg keeps the other', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);
    await alice.dial(lab.users.bob.user);
    await bob.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Answer' }).click();
    await expect(alice.callState()).toContainText('In call');
    await alice.dial(lab.users.legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');

    await mergeSplitAndHangUpOne(lab, alice, bob, lab.users.bob.user);
    await alice.button('Hang up').click();
    await expect(bob.callCard()).toHaveCount(0);
  });

  test('recording saves a playable Opus/WebM file with both sides of the call', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await callDeskPhone(alice, lab);

    await alice.button('Record').click();
    await expect(alice.callCard()).toContainText('Recording');
    await alice.page.waitForTimeout(2500);
    const download = alice.page.waitForEvent('download');
    await alice.button('Stop recording').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^ringline-.*-1010\.webm$/);
    await expect(alice.page.getByText(`Recording saved as ${file.suggestedFilename()}`)).toBeVisible();
    await alice.button('Hang up').click();

    const decoded = await decodeRecording(alice, await file.path());
    expect(decoded.seconds, 'recording length').toBeGreaterThan(1.5);
    expect(decoded.rms, 'audio energy in the recording').toBeGreaterThan(0.05);
    // Both directions: the desk phone's 440 Hz and our 660 Hz microphone, well above other frequencies.
    expect(decoded.far, `440 Hz ${JSON.stringify(decoded)}`).toBeGreaterThan(decoded.neither * 10);
    expect(decoded.near, `660 Hz ${JSON.stringify(decoded)}`).toBeGreaterThan(decoded.neither * 10);

    // "Record every call": the next call records by itself and is saved when it ends.
    const handling = await alice.callHandling('Alice');
    await handling.getByLabel('Record every call').check();
    await alice.dial(lab.users.legacy.user);
    await expect(alice.callCard()).toContainText('Recording');
    await alice.expectAudioFlowing();
    const automatic = alice.page.waitForEvent('download');
    await alice.button('Hang up').click();
    const saved = await automatic;
    expect(saved.suggestedFilename()).toMatch(/-1010\.webm$/);
    const { stat } = await import('node:fs/promises');
    expect((await stat(await saved.path())).size).toBeGreaterThan(1000);

    // Each recorded call's history entry names its recording.
    await alice.button(/Recent calls/).click();
    const entries = alice.page.getByRole('region', { name: 'Recent calls' }).getByRole('listitem');
    await expect(entries.filter({ hasText: `Recording ${saved.suggestedFilename()}` })).toHaveCount(1);
    await expect(entries.filter({ hasText: `Recording ${file.suggestedFilename()}` })).toHaveCount(1);
  });

  test('Record clicked before the microphone is on the call still records both sides', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    // A slow microphone (a driver waking up): the call is set up without waiting for it.
    await alice.page.evaluate(() => {
      const devices = navigator.mediaDevices;
      const capture = devices.getUserMedia.bind(devices);
      devices.getUserMedia = async (constraints) => {
        await new Promise((resolve) => setTimeout(resolve, 2500));
        return capture(constraints);
      };
    });
    await alice.dial(lab.users.legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await alice.button('Record').click();
    await expect(alice.callCard()).toContainText('Recording');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    // The microphone arrives, and our voice goes out.
    await expect
      .poll(async () => (await alice.audioStats()).packetsSent, { timeout: 15_000 })
      .toBeGreaterThan(50);
    await alice.expectAudioFlowing();
    const download = alice.page.waitForEvent('download');
    await alice.button('Stop recording').click();
    const decoded = await decodeRecording(alice, await (await download).path());
    await alice.button('Hang up').click();
    expect(decoded.far, `440 Hz ${JSON.stringify(decoded)}`).toBeGreaterThan(decoded.neither * 10);
    expect(decoded.near, `660 Hz ${JSON.stringify(decoded)}`).toBeGreaterThan(decoded.neither * 10);
  });

  test('keyboard only, in Chinese: hold, resume and DTMF by their accessible names', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await alice.button('Settings').click();
    await alice.page.getByLabel('Language').selectOption('zh-CN');
    await alice.button('电话').press('Enter');
    await alice.page.getByLabel('号码或 SIP 地址').fill(lab.users.legacy.user);
    await alice.page.getByLabel('号码或 SIP 地址').press('Enter');
    await expect(alice.callState()).toContainText('通话中');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await alice.expectAudioFlowing();

    await alice.button('保持').focus();
    await alice.page.keyboard.press('Enter');
    await expect(alice.callCard()).toContainText('已保持');
    await settledEnergy(alice, [0]);
    await alice.button('恢复').focus();
    await alice.page.keyboard.press('Space');
    await expect(alice.callCard()).not.toContainText('已保持');
    await alice.expectAudioFlowing();

    await alice.button('拨号盘').focus();
    await alice.page.keyboard.press('Enter');
    const typed = alice.callCard().getByLabel('要发送的按键');
    await typed.focus();
    await alice.page.keyboard.type('*0#');
    await alice.page.keyboard.press('Enter');
    await expect.poll(() => lab.legacy.receivedDigits()).toBe('*0#');
    await alice.button('挂断').press('Enter');
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });

  test('DTMF by SIP INFO as the account default applies to new calls', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const handling = await alice.callHandling('Alice');
    await handling.getByLabel('Send digits in new calls as').selectOption('info');
    await alice.dial(lab.users.legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    const pressedAt = Date.now();
    await alice.pressDtmf('90');
    await expect.poll(() => lab.legacy.receivedDigits()).toBe('90');
    expect(await lab.sipRequests({ method: 'INFO', since: pressedAt })).toHaveLength(2);
    await alice.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });
});
