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
import { mediaPort } from '../e2e/media-settings';
import { replyTime } from './kamailio-replies';
import { inviteCallId, mediaSetupStages, type MediaSetupStages } from './media-setup-stages';
import { phoneAudioPort, startPacketCapture } from './packet-capture';
import { clickAt, firstInboundRtpAt, inviteAnswerAt, recordInviteAnswers } from './page-timing';
import { markdownReport, summarise, type Comparison } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const OUT = join(import.meta.dirname, '../../bench-results');

/** One app call, for reading its set-up stages from the capture once it is stopped. */
interface TimedCall {
  direction: 'outgoing' | 'incoming';
  /** The dial or answer click: the origin of the stage rows. */
  since: number;
  /** The call's packets are those between `offered` and this. */
  until: number;
  callId: string | undefined;
  /** When the call's INVITE was sent (the dial click, or the desk phone told to dial). */
  offered: number;
  chromiumPort: number;
  /** The 2xx to the INVITE reached the page (outgoing calls), and the first RTP reached getStats. */
  answerAtPage: number | undefined;
  firstRtpAtPage: number;
}

/** Stage rows of the set-up timeline, each from the same origin, in the order they happen. */
const STAGES: { stage: keyof MediaSetupStages | 'answerAtPage' | 'firstRtpAtPage'; label: string }[] = [
  { stage: 'answered', label: '200 OK on the wire (gateway <-> server)' },
  { stage: 'answerAtPage', label: '200 OK at the page (after the bridge answered for werift)' },
  { stage: 'checkFromChromium', label: 'first ICE check from Chromium' },
  { stage: 'checkFromBridge', label: 'first ICE check from the bridge' },
  { stage: 'successToChromium', label: 'Chromium’s check answered' },
  { stage: 'successToBridge', label: 'the bridge’s check answered' },
  { stage: 'clientHello', label: 'DTLS ClientHello' },
  { stage: 'serverHello', label: 'DTLS ServerHello' },
  { stage: 'clientFinished', label: 'DTLS client’s ChangeCipherSpec/Finished' },
  { stage: 'serverFinished', label: 'DTLS server’s ChangeCipherSpec/Finished' },
  { stage: 'rtpFromFarEnd', label: 'first RTP from the desk phone at the bridge' },
  { stage: 'srtpToChromium', label: 'first SRTP to Chromium' },
  { stage: 'srtpFromChromium', label: 'first SRTP from Chromium' },
  { stage: 'rtpToFarEnd', label: 'first RTP to the desk phone' },
  { stage: 'firstRtpAtPage', label: 'first inbound RTP in getStats' },
];

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
  await app.context.addInitScript(recordInviteAnswers);
  await app.page.reload();
  await app.addDirectAccount(lab.users.alice, { transport: 'udp', server: `127.0.0.1:${lab.udpPort}` });
  await app.expectRegistered();
  // ICE, DTLS and RTP on loopback, for the stage rows (media-setup-stages.ts).
  const capture = await startPacketCapture(lab.dir);
  const calls: TimedCall[] = [];

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
    const call: TimedCall = {
      direction: 'outgoing',
      since: dialled,
      until: Number.POSITIVE_INFINITY,
      callId: invite.callId,
      offered: dialled,
      chromiumPort: await mediaPort(app),
      answerAtPage: await inviteAnswerAt(app.page, invite.callId),
      firstRtpAtPage: firstRtpAt,
    };
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect(app.callCard()).toHaveCount(0);
    calls.push({ ...call, until: Date.now() });
  }

  for (let run = 0; run < RUNS; run++) {
    lab.legacy.clearEvents();
    const offered = Date.now();
    await lab.legacy.dial(lab.users.alice.aor);
    const answer = app.incomingCall(lab.users.legacy.displayName).getByRole('button', { name: 'Answer' });
    await answer.waitFor();
    const inboundRtp = firstInboundRtpAt(app.page);
    const clicked = await clickAt(answer);
    const firstRtpAt = await inboundRtp;
    samples.answerToFirstRtp.push(firstRtpAt - clicked);
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    const chromiumPort = await mediaPort(app);
    await lab.legacy.hangup();
    await expect(app.callCard()).toHaveCount(0);
    calls.push({
      direction: 'incoming',
      since: clicked,
      until: Date.now(),
      callId: undefined,
      offered,
      chromiumPort,
      answerAtPage: undefined,
      firstRtpAtPage: firstRtpAt,
    });
  }
  const packets = await capture.stop();
  const stageSamples = {
    outgoing: new Map<string, number[]>(),
    incoming: new Map<string, number[]>(),
  };
  for (const call of calls) {
    // An incoming call's INVITE came before the click; its Call-ID is read from the desk phone's.
    const callId = call.callId ?? inviteCallId(packets, lab.legacy.sipPort, call.offered);
    if (!callId) continue;
    const stages = mediaSetupStages(
      packets,
      {
        serverSipPort: lab.udpPort,
        answeredBy: call.direction === 'outgoing' ? 'server' : 'gateway',
        callId,
        chromiumPort: call.chromiumPort,
        farEndRtpPort: phoneAudioPort(
          packets,
          callId,
          lab.legacy.sipPort,
          call.direction === 'outgoing' ? '200 OK' : 'INVITE',
        ),
      },
      call.offered,
      call.until,
    );
    // Outgoing: from the 200 OK leaving the server for the gateway; incoming: from the answer click.
    const origin = call.direction === 'outgoing' ? stages.answered : call.since;
    if (origin === undefined) continue;
    const times = { ...stages, answerAtPage: call.answerAtPage, firstRtpAtPage: call.firstRtpAtPage };
    for (const { stage } of STAGES) {
      const time = times[stage];
      if (time === undefined || (call.direction === 'incoming' && time < origin)) continue;
      const list = stageSamples[call.direction].get(stage) ?? [];
      list.push(time - origin);
      stageSamples[call.direction].set(stage, list);
    }
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
    ...(['outgoing', 'incoming'] as const).flatMap((direction) =>
      STAGES.flatMap(({ stage, label }) => {
        const list = stageSamples[direction].get(stage);
        if (!list?.length) return [];
        const from = direction === 'outgoing' ? '200 OK from the server' : 'answer click';
        return [{ measurement: `stage: ${from} -> ${label}`, app: summarise(stage, list) }];
      }),
    ),
  ];
  const notes = [
    `${RUNS} runs each, ${new Date().toISOString()}, loopback only, load average ${loadavg()[0]?.toFixed(1) ?? '?'} at the end (${cpus().length} cores).`,
    'The app: SIP.js in Chromium -> the local gateway service (the code `npm run web` starts) -> UDP to Kamailio; media Chromium <-> bridge (werift) <-> baresip, plain RTP, no rtpengine. Native: baresip -> Kamailio -> baresip.',
    'Stage rows: each from the same origin (the 200 OK as the capture saw it leave Kamailio for the gateway, or the answer click), from a tcpdump capture of loopback (kernel times) unless they say page; STUN, DTLS and RTP told apart by their first byte (RFC 7983). Chromium is the DTLS client in both directions (the bridge answers its offers passive; it answers the bridge’s actpass active).',
    'The desk phone answers at once (auto-answer); "first inbound RTP" is polled from getStats every 5 ms inside the page; Chromium keeps a getStats report for 50 ms (RTCStatsCollector’s cache lifetime), so these rows read up to 50 ms after the packet came.',
  ];
  await mkdir(OUT, { recursive: true });
  await writeFile(
    join(OUT, 'direct-calls.json'),
    `${JSON.stringify(
      {
        runs: RUNS,
        comparisons,
        samples,
        stages: Object.fromEntries(
          Object.entries(stageSamples).map(([direction, map]) => [direction, Object.fromEntries(map)]),
        ),
      },
      null,
      2,
    )}\n`,
  );
  const report = markdownReport(comparisons, notes);
  await writeFile(join(OUT, 'direct-calls.md'), report);
  console.log(report);
});
