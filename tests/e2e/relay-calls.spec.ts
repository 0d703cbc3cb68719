import type { Lab, LabUser, TurnAllocationUsage } from '../lab/lab';
import type { AppPage } from './app-page';
import { expect, test } from './fixtures';
import { addTurnServer, newAccountForm, saveAccount, sentSdp } from './media-settings';
import { callDeskPhone, registeredApp } from './scenarios';

/** Opens the app with an account that sends media only through the lab's TURN server. */
async function relayOnlyApp(openApp: () => Promise<AppPage>, lab: Lab, user: LabUser): Promise<AppPage> {
  const app = await openApp();
  const form = await newAccountForm(app);
  await addTurnServer(form, await lab.turnServer(), true);
  await saveAccount(form, user, lab.wssUrl);
  await app.expectRegistered();
  return app;
}

/** The type of our candidate in the pair ICE selected on the newest peer connection (getStats). */
async function selectedLocalCandidateType(app: AppPage): Promise<string | undefined> {
  return app.page.evaluate(async () => {
    const pc = (window.__ringlineTestPeerConnections ?? []).at(-1);
    if (!pc) return undefined;
    const stats = new Map<string, RTCStats & Record<string, unknown>>();
    (await pc.getStats()).forEach((entry: RTCStats & Record<string, unknown>) => stats.set(entry.id, entry));
    const transport = [...stats.values()].find((entry) => entry.type === 'transport');
    const pair = stats.get(String(transport?.selectedCandidatePairId));
    if (pair?.state !== 'succeeded') return undefined;
    return String(stats.get(String(pair.localCandidateId))?.candidateType);
  });
}

/** The allocation coturn reports once it ended (the app releases it when the call's connection closes). */
async function relayedAllocation(lab: Lab, before: number): Promise<TurnAllocationUsage> {
  const turn = await lab.turnServer();
  let ended: TurnAllocationUsage[] = [];
  await expect
    .poll(
      async () => {
        ended = (await turn.endedAllocations()).slice(before);
        return ended.some((allocation) => allocation.peer.receivedBytes > 0);
      },
      { message: "coturn's log shows the call's allocation ending with relayed media", timeout: 20_000 },
    )
    .toBe(true);
  const [allocation] = ended.sort((a, b) => b.peer.receivedBytes - a.peer.receivedBytes);
  if (!allocation) throw new Error('no allocation');
  console.log(`coturn session ${allocation.session} relayed: ${JSON.stringify(allocation.peer)}`);
  // Each relayed packet is at least an RTP header (12 bytes) of media.
  expect(allocation.peer.receivedBytes).toBeGreaterThan(allocation.peer.receivedPackets * 12);
  expect(allocation.peer.sentBytes).toBeGreaterThan(allocation.peer.sentPackets * 12);
  return allocation;
}

test.describe('relay only: media through the lab TURN server (coturn)', () => {
  test('the app calls the desk phone through TURN: audio both ways, a relay pair, coturn relayed it', async ({
    lab,
    openApp,
  }) => {
    const turn = await lab.turnServer();
    const app = await relayOnlyApp(openApp, lab, lab.users.alice);
    const granted = await turn.allocationsGranted();
    const ended = (await turn.endedAllocations()).length;

    await callDeskPhone(app, lab);
    const sdp = await sentSdp(app);
    expect(sdp, 'the offer carries the relay candidate').toMatch(/a=candidate:.* typ relay/);
    expect(sdp, 'and nothing else: our own addresses stay hidden').not.toMatch(/typ (host|srflx)/);
    expect(await selectedLocalCandidateType(app)).toBe('relay');
    expect(await turn.allocationsGranted(), 'coturn granted the allocation').toBeGreaterThan(granted);

    const heardFrom = (await lab.legacy.receivedAudio()).seconds;
    await app.expectAudioFlowing();
    const heard = await lab.legacy.receivedAudio(heardFrom);
    expect(heard.rms, 'the desk phone hears us').toBeGreaterThan(0.01);
    expect(heard.estimatedHz, "the app's 660 Hz microphone tone").toBeGreaterThan(600);
    expect(heard.estimatedHz).toBeLessThan(720);

    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    const allocation = await relayedAllocation(lab, ended);
    expect(allocation.username).toBe(turn.username);
    // About 50 packets a second each way for the seconds the call lasted, through the relay.
    expect(allocation.peer.receivedPackets, 'packets relayed from the far end to us').toBeGreaterThan(50);
    expect(allocation.peer.sentPackets, 'packets relayed from us to the far end').toBeGreaterThan(50);
  });

  test('the app calls another app through TURN: audio both ways, a relay pair, coturn relayed it', async ({
    lab,
    openApp,
  }) => {
    const turn = await lab.turnServer();
    const alice = await relayOnlyApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);
    const ended = (await turn.endedAllocations()).length;

    await alice.dial(lab.users.bob.user);
    await bob.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Answer' }).click();
    await expect(alice.callState()).toContainText('In call');
    await expect(bob.callState()).toContainText('In call');
    await alice.expectAudioFlowing();
    await bob.expectAudioFlowing();
    expect(await selectedLocalCandidateType(alice)).toBe('relay');

    await alice.button('Hang up').click();
    await expect(bob.callCard()).toHaveCount(0);
    const allocation = await relayedAllocation(lab, ended);
    expect(allocation.peer.receivedPackets).toBeGreaterThan(50);
    expect(allocation.peer.sentPackets).toBeGreaterThan(50);
  });
});
