/**
 * `npm run bench`: call setup over the direct path — the app's account on UDP, SIP through the
 * gateway's transport and media through its bridge, no rtpengine — beside two baresip desk phones
 * calling each other through the same Kamailio in the same run (plain SIP and RTP end to end).
 * Kamailio's log gives the server's times; the page gives the click and the first inbound RTP.
 * Writes bench-results/direct-calls.json and .md. Figures only; nothing here asserts a time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { expect, test } from '../e2e/fixtures';
import { replyTime } from './kamailio-replies';
import { clickAt, firstInboundRtpAt } from './page-timing';
import { markdownReport, summarise, type Comparison } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const OUT = join(import.meta.dirname, '../../bench-results');

test('direct path over UDP: dial -> INVITE, INVITE -> 200 OK -> first RTP, answer -> first RTP', async ({
  lab,
  openGatewayApp,
}) => {
  test.setTimeout(10 * 60_000);
  const samples = {
    dialToInvite: [] as number[],
    inviteTo200: [] as number[],
    okToFirstRtp: [] as number[],
    inviteToFirstRtp: [] as number[],
    answerToFirstRtp: [] as number[],
    nativeDialToInvite: [] as number[],
    nativeInviteTo200: [] as number[],
  };
  const app = await openGatewayApp();
  await app.addDirectAccount(lab.users.alice, { transport: 'udp', server: `127.0.0.1:${lab.udpPort}` });
  await app.expectRegistered();

  for (let run = 0; run < RUNS; run++) {
    lab.legacy.clearEvents();
    await app.page.getByLabel('Number or SIP address').fill(lab.users.legacy.user);
    const inboundRtp = firstInboundRtpAt(app.page);
    const dialled = await clickAt(app.button('Call'));
    const invite = await lab.waitForSipRequest('INVITE', { to: lab.users.legacy.user, since: dialled });
    const firstRtpAt = await inboundRtp;
    samples.dialToInvite.push(invite.time - dialled);
    samples.inviteToFirstRtp.push(firstRtpAt - invite.time);
    const ok = await replyTime(lab.logsDir, invite.callId, 200);
    if (ok !== undefined) {
      samples.inviteTo200.push(ok - invite.time);
      samples.okToFirstRtp.push(firstRtpAt - ok);
    }
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect(app.callCard()).toHaveCount(0);
  }

  for (let run = 0; run < RUNS; run++) {
    lab.legacy.clearEvents();
    await lab.legacy.dial(lab.users.alice.aor);
    const answer = app.incomingCall(lab.users.legacy.displayName).getByRole('button', { name: 'Answer' });
    await answer.waitFor();
    const inboundRtp = firstInboundRtpAt(app.page);
    const clicked = await clickAt(answer);
    samples.answerToFirstRtp.push((await inboundRtp) - clicked);
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await lab.legacy.hangup();
    await expect(app.callCard()).toHaveCount(0);
  }

  // Native reference: baresip -> baresip through the same Kamailio, media straight between them.
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
      samples.nativeDialToInvite.push(invite.time - dialled);
      const ok = await replyTime(lab.logsDir, invite.callId, 200);
      if (ok !== undefined) samples.nativeInviteTo200.push(ok - invite.time);
      await delay(300);
      await desk.hangup();
      await lab.legacy.waitForEvent('CALL_CLOSED');
    }
  } finally {
    await desk.stop();
  }

  const comparisons: Comparison[] = [
    {
      measurement: 'dial -> INVITE at the server (UDP, through the gateway)',
      app: summarise('dialToInvite', samples.dialToInvite),
      native: summarise('nativeDialToInvite', samples.nativeDialToInvite),
    },
    {
      measurement: 'INVITE -> 200 OK at the server',
      app: summarise('inviteTo200', samples.inviteTo200),
      native: summarise('nativeInviteTo200', samples.nativeInviteTo200),
    },
    {
      measurement: '200 OK -> first inbound RTP at the app',
      app: summarise('okToFirstRtp', samples.okToFirstRtp),
    },
    {
      measurement: 'INVITE -> first inbound RTP at the app',
      app: summarise('inviteToFirstRtp', samples.inviteToFirstRtp),
    },
    {
      measurement: 'answer click -> first inbound RTP at the app',
      app: summarise('answerToFirstRtp', samples.answerToFirstRtp),
    },
  ];
  const notes = [
    `${RUNS} runs each, ${new Date().toISOString()}, loopback only, load average ${loadavg()[0]?.toFixed(1) ?? '?'} at the end (${cpus().length} cores).`,
    'The app: SIP.js in Chromium -> the local gateway service (the code `npm run web` starts) -> UDP to Kamailio; media Chromium <-> bridge (werift) <-> baresip, plain RTP, no rtpengine. Native: baresip -> Kamailio -> baresip.',
    'The desk phone answers at once (auto-answer); "first inbound RTP" is polled from getStats every 5 ms inside the page; Chromium keeps a getStats report for 50 ms (RTCStatsCollector’s cache lifetime), so these rows read up to 50 ms after the packet came.',
  ];
  await mkdir(OUT, { recursive: true });
  await writeFile(
    join(OUT, 'direct-calls.json'),
    `${JSON.stringify({ runs: RUNS, comparisons, samples }, null, 2)}\n`,
  );
  const report = markdownReport(comparisons, notes);
  await writeFile(join(OUT, 'direct-calls.md'), report);
  console.log(report);
});
