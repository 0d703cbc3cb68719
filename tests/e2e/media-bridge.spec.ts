/**
 * The gateway's media bridge with real media on both sides: Chromium's RTCPeerConnection (as SIP.js
 * drives it in the app) on the WebRTC leg and a baresip desk phone on the plain leg, with no SIP
 * server and no rtpengine between. The SIP around the media is hand-made here, through the bridge's
 * SipMediaHook as the gateway's transport calls it; the bridge runs in this Playwright worker.
 */
import type { MediaReport } from '../../electron/gateway/media-bridge/media-report';
import type { LegacyPhone } from '../lab/lab';
import { SipDialog } from '../unit/gateway/sip-dialog';
import { appCalls, closeRigs, rig, TLS, toTag, UDP, type Rig } from './bridge-call';
import { expect, test } from './fixtures';

test.afterEach(closeRigs);

/** A re-INVITE from the app (hold, resume) through the hook. */
async function appReInvites(
  r: Rig,
  dialog: SipDialog,
  direction: RTCRtpTransceiverDirection,
): Promise<string> {
  const reInvite = await r.hook.outbound(
    dialog.request('INVITE', 'local', await r.chromium.reOffer(direction)),
    UDP,
  );
  r.sip.send(reInvite, r.deskPeer);
  const ok = await r.sip.finalResponse(reInvite);
  expect(ok.status).toBe(200);
  const answer = await r.hook.inbound(ok, UDP);
  await r.chromium.acceptAnswer(answer.bodyText);
  r.sip.send(await r.hook.outbound(dialog.request('ACK', 'local'), UDP), r.deskPeer);
  return answer.bodyText;
}

/** Inbound packets and audio energy at Chromium both grow over `windowMs`. */
async function expectChromiumHears(r: Rig, windowMs = 1500): Promise<void> {
  await expect
    .poll(async () => (await r.chromium.inboundAudio()).packetsReceived, { timeout: 10_000 })
    .toBeGreaterThan(0);
  const before = await r.chromium.inboundAudio();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = await r.chromium.inboundAudio();
  expect(after.packetsReceived - before.packetsReceived, 'packets in the window').toBeGreaterThan(
    windowMs / 40,
  );
  expect(after.totalAudioEnergy - before.totalAudioEnergy, 'audio energy in the window').toBeGreaterThan(
    0.01,
  );
}

/** What the desk phone decoded: the app's 660 Hz tone. */
async function expectDeskHearsTheApp(desk: LegacyPhone): Promise<void> {
  await expect
    .poll(async () => (await desk.receivedAudio(0.5)).seconds, { timeout: 10_000 })
    .toBeGreaterThan(1.5);
  const heard = await desk.receivedAudio(0.5);
  expect(heard.rms).toBeGreaterThan(0.05);
  expect(heard.estimatedHz, "the app's 660 Hz tone").toBeGreaterThan(620);
  expect(heard.estimatedHz).toBeLessThan(700);
}

function streamReport(r: Rig): MediaReport['streams'][number] {
  const stream = r.bridge.reports()[0]?.streams[0];
  if (!stream) throw new Error('the bridge reports no stream');
  return stream;
}

test.describe('media bridge: Chromium <-> desk phone, no server and no rtpengine between', () => {
  test('the app calls the desk phone: audio both ways, DTMF remapped, hold and resume, BYE frees the call', async ({
    lab,
    browser,
    baseURL,
  }) => {
    const r = await rig(browser, baseURL, () => lab.startLegacyPhone(lab.users.legacy2, { direct: true }));
    const { dialog, plainOffer } = await appCalls(r, UDP);
    expect(plainOffer).toMatch(/^m=audio \d+ RTP\/AVP /m);
    expect(plainOffer).not.toMatch(/a=(candidate|fingerprint|ice-ufrag|ssrc)/);
    await r.desk.waitForEvent('CALL_ESTABLISHED');

    await expectChromiumHears(r);
    expect((await r.chromium.inboundAudio()).codec).toBe('audio/PCMU');
    await expect.poll(() => r.chromium.dominantHz(), { timeout: 5000 }).toBeGreaterThan(420);
    expect(await r.chromium.dominantHz(), "the desk phone's 440 Hz tone").toBeLessThan(460);
    await expectDeskHearsTheApp(r.desk);

    // The bridge relays RTP past werift, so the reports Chromium gets are the bridge's own: its SR
    // counts what it relayed to Chromium, its RR echoes Chromium's SR (a round trip) and its loss.
    await expect
      .poll(async () => (await r.chromium.rtcpFromBridge()).remoteInbound?.roundTripTime ?? 0, {
        timeout: 15_000,
        message: "a round trip from the bridge's receiver report",
      })
      .toBeGreaterThan(0);
    const rtcp = await r.chromium.rtcpFromBridge();
    expect(rtcp.remoteInbound?.packetsLost, 'loss the bridge reports on a loopback call').toBeLessThan(
      rtcp.packetsSent / 20,
    );
    expect(rtcp.remoteOutbound?.packetsSent, "the bridge's SR count").toBeGreaterThan(50);
    // The SR was sent before this read: it counts no more than Chromium received, give or take a
    // few packets the bridge sent in Chromium's first moments.
    expect(rtcp.remoteOutbound?.packetsSent).toBeLessThanOrEqual(rtcp.packetsReceived + 5);
    expect(rtcp.remoteOutbound?.bytesSent).toBe(160 * (rtcp.remoteOutbound?.packetsSent ?? 0));

    // Chromium sends telephone-event at its own payload type; the desk phone gets it at its own.
    await r.chromium.sendDigits('1234#');
    await expect.poll(() => r.desk.receivedDigits(), { timeout: 10_000 }).toBe('1234#');

    // Hold (a=sendonly from the app): the desk phone answers recvonly and stops sending.
    const held = await appReInvites(r, dialog, 'sendonly');
    expect(held).toMatch(/a=recvonly/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const onHold = (await r.chromium.inboundAudio()).packetsReceived;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await r.chromium.inboundAudio()).packetsReceived - onHold, 'packets while held').toBeLessThan(5);
    const resumed = await appReInvites(r, dialog, 'sendrecv');
    expect(resumed).toMatch(/a=sendrecv/);
    await expectChromiumHears(r);

    const stream = streamReport(r);
    expect(stream.codecs).toContain('PCMU/8000');
    expect(stream.plain.packetsOut).toBeGreaterThan(50);
    expect(stream.plain.packetsIn).toBeGreaterThan(50);
    expect(stream.addedLatency.toPlain?.medianMs).toBeGreaterThan(0);

    const bye = await r.hook.outbound(dialog.request('BYE', 'local'), UDP);
    r.sip.send(bye, r.deskPeer);
    expect((await r.sip.finalResponse(bye)).status).toBe(200);
    await r.desk.waitForEvent('CALL_CLOSED');
    expect(r.bridge.reports(), 'no call left in the bridge').toEqual([]);
  });

  test('the desk phone calls the app: the bridge offers Chromium its codecs, audio both ways, its BYE ends it', async ({
    lab,
    browser,
    baseURL,
  }) => {
    const r = await rig(browser, baseURL, () => lab.startLegacyPhone(lab.users.legacy2, { direct: true }));
    await r.desk.dial(`sip:app@127.0.0.1:${r.sip.port}`);
    const invite = await r.sip.next((m) => m.isRequest && m.method === 'INVITE', 'the desk phone INVITE');
    const dialog = new SipDialog('remote', {
      callId: invite.callId ?? '',
      remoteTag: /;tag=([^;>\s]+)/.exec(invite.header('from') ?? '')?.[1] ?? '',
      wire: {
        host: '127.0.0.1',
        port: r.sip.port,
        remoteUri: `sip:${r.desk.user.user}@127.0.0.1:${r.desk.sipPort}`,
      },
    });
    const toApp = await r.hook.inbound(invite, UDP);
    expect(toApp.bodyText).toContain('a=fingerprint:sha-256');
    const webrtcAnswer = await r.chromium.answer(toApp.bodyText);
    const ok = await r.hook.outbound(dialog.response(invite, 200, webrtcAnswer), UDP);
    expect(ok.bodyText).toMatch(/^m=audio \d+ RTP\/AVP 0/m);
    r.sip.send(ok, r.deskPeer);
    await r.hook.inbound(await r.sip.next((m) => m.isRequest && m.method === 'ACK', 'the ACK'), UDP);
    await r.desk.waitForEvent('CALL_ESTABLISHED');

    await expectChromiumHears(r);
    await expectDeskHearsTheApp(r.desk);

    await r.desk.hangup();
    const bye = await r.sip.next((m) => m.isRequest && m.method === 'BYE', 'the desk phone BYE');
    await r.hook.inbound(bye, UDP);
    r.sip.send(await r.hook.outbound(dialog.response(bye, 200), UDP), r.deskPeer);
    expect(r.bridge.reports()).toEqual([]);
  });

  test('SDES-SRTP towards a desk phone that requires it (RTP/SAVP), audio both ways', async ({
    lab,
    browser,
    baseURL,
  }) => {
    const r = await rig(browser, baseURL, () =>
      lab.startLegacyPhone(lab.users.legacy2, { direct: true, mediaEncryption: 'srtp-mand' }),
    );
    const { plainOffer } = await appCalls(r, TLS);
    expect(plainOffer).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    expect(plainOffer).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
    await r.desk.waitForEvent('CALL_ESTABLISHED');
    await expectChromiumHears(r);
    await expectDeskHearsTheApp(r.desk);
    const stream = streamReport(r);
    expect(stream.plain.srtp).toBe(true);
    expect(stream.plain.unauthenticated, 'packets that failed SRTP authentication').toBe(0);
    expect(stream.plain.packetsIn).toBeGreaterThan(50);
  });

  test('a peer whose DTLS certificate does not match the fingerprint gets no media, either way', async ({
    lab,
    browser,
    baseURL,
  }) => {
    const r = await rig(browser, baseURL, () => lab.startLegacyPhone(lab.users.legacy2, { direct: true }));
    const offer = await r.chromium.offer();
    // Another certificate's fingerprint: what an attacker who cannot present Chromium's key would send.
    const forged = offer.replace(
      /(a=fingerprint:sha-256 )([0-9A-F:]+)/,
      (_, prefix: string, hash: string) =>
        prefix + hash.replace(/^(.)/, (c: string) => (c === 'A' ? 'B' : 'A')),
    );
    expect(forged).not.toBe(offer);
    const dialog = new SipDialog('local', {
      wire: {
        host: '127.0.0.1',
        port: r.sip.port,
        remoteUri: `sip:${r.desk.user.user}@127.0.0.1:${r.desk.sipPort}`,
      },
    });
    const invite = await r.hook.outbound(dialog.request('INVITE', 'local', forged, { toTag: null }), UDP);
    r.sip.send(invite, r.deskPeer);
    const ok = await r.sip.finalResponse(invite);
    dialog.tags.remote = toTag(ok);
    await r.chromium.acceptAnswer((await r.hook.inbound(ok, UDP)).bodyText);
    r.sip.send(await r.hook.outbound(dialog.request('ACK', 'local'), UDP), r.deskPeer);
    await r.desk.waitForEvent('CALL_ESTABLISHED');

    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect((await r.chromium.inboundAudio()).packetsReceived, 'RTP at Chromium').toBe(0);
    const stream = streamReport(r);
    expect(stream.plain.packetsIn, 'the desk phone is sending to the bridge').toBeGreaterThan(50);
    expect(stream.webrtc.packetsIn, "Chromium's RTP accepted by the bridge").toBe(0);
    expect(stream.plain.packetsOut, 'RTP relayed to the desk phone').toBe(0);
  });
});
