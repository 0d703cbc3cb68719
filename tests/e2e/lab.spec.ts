/**
 * The lab on its own: two baresip desk phones call each other through Kamailio, media straight
 * between them (rtpengine joins only calls with a WebRTC side). No browser involved, so this is also the native reference (plain SIP/RTP end to end) when an
 * app test fails: if this passes, the servers are fine.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { startLab, type Lab } from '../lab/lab.js';

/** RMS of a 0.5-amplitude sine is ~0.35; G.711 and a little silence at the edges lower it slightly. */
const MIN_TONE_RMS = 0.1;

test.describe('lab', () => {
  let lab: Lab | undefined;

  test.afterAll(async () => {
    await lab?.stop();
  });

  test('a legacy phone calls another and both hear each other', async () => {
    const testInfo = test.info();
    try {
      const startedAt = Date.now();
      lab = await startLab();
      testInfo.annotations.push({ type: 'lab start-up', description: `${Date.now() - startedAt} ms` });
      const { users } = lab;

      expect(await lab.registeredAors()).toContain(users.legacy.aor);
      const legacy2 = await lab.startLegacyPhone(users.legacy2, { toneHz: 880 });
      await lab.waitForRegistered(users.legacy2.aor);

      const callStart = Date.now();
      await legacy2.dial(users.legacy.aor);
      const incoming = await lab.legacy.waitForEvent('CALL_ESTABLISHED');
      const outgoing = await legacy2.waitForEvent('CALL_ESTABLISHED');
      expect(incoming.peeruri).toContain(users.legacy2.user);
      expect(outgoing.peeruri).toContain(users.legacy.user);

      // Plain SIP phones on both sides: Kamailio never asks rtpengine about the call.
      const invite = await lab.waitForSipRequest('INVITE', { from: users.legacy2.user, since: callStart });
      await delay(2000);
      expect(await lab.rtpengineView(invite.callId)).toEqual({ commands: [], listed: false });

      await legacy2.hangup();
      await legacy2.waitForEvent('CALL_CLOSED');
      await lab.legacy.waitForEvent('CALL_CLOSED');
      await lab.waitForSipRequest('BYE', { from: users.legacy2.aor, to: users.legacy.aor, since: callStart });

      const heardByLegacy = await lab.legacy.receivedAudio();
      const heardByLegacy2 = await legacy2.receivedAudio();
      testInfo.annotations.push({
        type: 'received audio',
        description: `legacy ${JSON.stringify(heardByLegacy)}, legacy2 ${JSON.stringify(heardByLegacy2)}`,
      });
      expect(heardByLegacy.seconds).toBeGreaterThan(1);
      expect(heardByLegacy.rms).toBeGreaterThan(MIN_TONE_RMS);
      expect(heardByLegacy2.seconds).toBeGreaterThan(1);
      expect(heardByLegacy2.rms).toBeGreaterThan(MIN_TONE_RMS);
      // Each side hears the other's tone, not its own: proves the media paths are not crossed.
      expect(heardByLegacy.estimatedHz).toBeGreaterThan(800);
      expect(heardByLegacy2.estimatedHz).toBeLessThan(500);
    } catch (error) {
      if (lab) console.log(await lab.dumpLogs());
      throw error;
    }
  });
  test('the SIP server restarts on the same ports: registrations are gone, the desk phones get theirs back', async () => {
    try {
      lab ??= await startLab();
      const { users } = lab;
      const legacy2 = await lab.startLegacyPhone(users.legacy2);
      await lab.waitForRegistered(users.legacy2.aor);
      const before = await lab.registeredAors();

      await lab.stopSipServer();
      await expect(lab.registeredAors()).rejects.toThrow();
      await lab.startSipServer();
      expect((await lab.registeredAors()).sort()).toEqual(before.sort());

      const callStart = Date.now();
      legacy2.clearEvents();
      lab.legacy.clearEvents();
      await legacy2.dial(users.legacy.aor);
      await lab.legacy.waitForEvent('CALL_ESTABLISHED');
      await legacy2.waitForEvent('CALL_ESTABLISHED');
      await lab.waitForSipRequest('INVITE', { from: users.legacy2.user, since: callStart });
      await legacy2.hangup();
      await lab.legacy.waitForEvent('CALL_CLOSED');
    } catch (error) {
      if (lab) console.log(await lab.dumpLogs());
      throw error;
    }
  });
});
