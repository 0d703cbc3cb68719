/**
 * `npm run bench`: call setup and registration figures for the app, beside the same measurements for
 * native SIP phones (baresip <-> baresip through the same Kamailio) in the same run.
 * Writes bench-results/bench.json and bench-results/bench.md. Figures only; nothing here asserts a time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../e2e/fixtures';
import { replyTime } from './kamailio-replies';
import { markdownReport, summarise, type Comparison } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const OUT = join(import.meta.dirname, '../../bench-results');

test.describe.configure({ timeout: 15 * 60_000 });

test('call setup and registration, app vs native', async ({ lab, openApp }) => {
  const samples = {
    register: [] as number[],
    dialToInvite: [] as number[],
    inviteTo200: [] as number[],
    okToFirstRtp: [] as number[],
    answerToFirstRtp: [] as number[],
    nativeDialToInvite: [] as number[],
    nativeInviteTo200: [] as number[],
    nativeOkToEstablished: [] as number[],
  };

  for (let run = 0; run < RUNS; run++) {
    // A fresh copy of the app each time: WebSocket + TLS, REGISTER, 401 challenge, REGISTER, 200 OK.
    const fresh = await openApp();
    const form = fresh.page.getByRole('form', { name: 'Add account' });
    await form.getByLabel('SIP address').fill(lab.users.carol.aor);
    await form.getByLabel('Password').fill(lab.users.carol.password);
    await form.getByLabel('WebSocket server').fill(lab.wssUrl);
    const clicked = Date.now();
    await form.getByRole('button', { name: 'Save and register' }).click();
    await fresh.expectRegistered();
    samples.register.push(Date.now() - clicked);
    await fresh.context.close();
  }

  const app = await openApp();
  await app.addAccount(lab.users.alice, lab.wssUrl);
  await app.expectRegistered();

  for (let run = 0; run < RUNS; run++) {
    lab.legacy.clearEvents();
    const dialled = Date.now();
    await app.dial(lab.users.legacy.user);
    const invite = await lab.waitForSipRequest('INVITE', { to: lab.users.legacy.user, since: dialled });
    await expect
      .poll(async () => (await app.audioStats()).packetsReceived, { intervals: [5] })
      .toBeGreaterThan(0);
    const firstRtp = Date.now();
    const ok = await replyTime(lab.logsDir, invite.callId, 200);
    samples.dialToInvite.push(invite.time - dialled);
    if (ok !== undefined) {
      samples.inviteTo200.push(ok - invite.time);
      samples.okToFirstRtp.push(firstRtp - ok);
    }
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect(app.callCard()).toHaveCount(0);
  }

  // Incoming: from the click on Answer to the first inbound RTP packet at the app.
  for (let run = 0; run < RUNS; run++) {
    lab.legacy.clearEvents();
    await lab.legacy.dial(lab.users.alice.aor);
    const answer = app.incomingCall(lab.users.legacy.displayName).getByRole('button', { name: 'Answer' });
    await answer.waitFor();
    const clicked = Date.now();
    await answer.click();
    await expect
      .poll(async () => (await app.audioStats()).packetsReceived, { intervals: [5] })
      .toBeGreaterThan(0);
    samples.answerToFirstRtp.push(Date.now() - clicked);
    await lab.legacy.hangup();
    await expect(app.callCard()).toHaveCount(0);
  }

  // Native reference: one baresip calls another through the same Kamailio and rtpengine.
  const desk = await lab.startLegacyPhone(lab.users.legacy2, { toneHz: 880 });
  try {
    await lab.waitForRegistered(lab.users.legacy2.aor);
    for (let run = 0; run < RUNS; run++) {
      lab.legacy.clearEvents();
      desk.clearEvents();
      const dialled = Date.now();
      await desk.dial(lab.users.legacy.aor);
      const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.legacy2.user, since: dialled });
      await desk.waitForEvent('CALL_ESTABLISHED');
      const established = Date.now();
      const ok = await replyTime(lab.logsDir, invite.callId, 200);
      samples.nativeDialToInvite.push(invite.time - dialled);
      if (ok !== undefined) {
        samples.nativeInviteTo200.push(ok - invite.time);
        samples.nativeOkToEstablished.push(established - ok);
      }
      await desk.hangup();
      await lab.legacy.waitForEvent('CALL_CLOSED');
    }
  } finally {
    await desk.stop();
  }

  const comparisons: Comparison[] = [
    { measurement: 'connect + register (click -> Registered)', app: summarise('register', samples.register) },
    {
      measurement: 'dial -> INVITE at the server (host candidates only)',
      app: summarise('dialToInvite', samples.dialToInvite),
      native: summarise('nativeDialToInvite', samples.nativeDialToInvite),
    },
    {
      measurement: 'INVITE -> 200 OK at the server',
      app: summarise('inviteTo200', samples.inviteTo200),
      native: summarise('nativeInviteTo200', samples.nativeInviteTo200),
    },
    {
      measurement: '200 OK -> first inbound RTP at the caller (native: call established)',
      app: summarise('okToFirstRtp', samples.okToFirstRtp),
      native: summarise('nativeOkToEstablished', samples.nativeOkToEstablished),
    },
    {
      measurement: 'answer click -> first inbound RTP at the callee',
      app: summarise('answerToFirstRtp', samples.answerToFirstRtp),
    },
  ];
  const notes = [
    `${RUNS} runs each, ${new Date().toISOString()}, Chromium ${app.context.browser()?.version() ?? '?'}, loopback only.`,
    'The app dials the desk phone through rtpengine (WebRTC -> plain RTP); native is baresip -> baresip (plain RTP).',
    'Times are taken from Kamailio log timestamps and the test process clock on the same machine; first RTP is polled every 5 ms from getStats.',
  ];
  await mkdir(OUT, { recursive: true });
  await writeFile(
    join(OUT, 'bench.json'),
    `${JSON.stringify({ runs: RUNS, comparisons, samples }, null, 2)}\n`,
  );
  const report = markdownReport(comparisons, notes);
  await writeFile(join(OUT, 'bench.md'), report);
  console.log(report);
});
