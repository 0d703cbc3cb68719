/**
 * The media bridge driven through its SipMediaHook with hand-made SIP, a real WebRTC peer standing
 * in for Chromium (werift, the same DTLS-SRTP and ICE Chromium speaks) and a plain UDP socket for the
 * far end's phone. Chromium itself is driven in tests/e2e/media-bridge.spec.ts.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtcpPacketConverter,
  RtcpSrPacket,
  RtpHeader,
  RtpPacket,
  type RTCRtpTransceiver,
} from 'werift';
import { MediaBridge, MediaBridgeError } from '../../../electron/gateway/media-bridge/media-bridge';
import type { SipMediaContext, SipMediaHook } from '../../../electron/gateway/sip-media-hook';
import { SipDialog } from './sip-dialog';

const CONTEXT: SipMediaContext = { accountId: 'acc-1', transport: 'udp', localAddress: '127.0.0.1' };
const LOOPBACK_ONLY = {
  iceUseIpv4: false,
  iceUseIpv6: false,
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
};

/** The codecs Chromium offers for audio, in its order and numbering (the ones that matter here). */
function chromiumLikeCodecs(): RTCRtpCodecParameters[] {
  return [
    new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 }),
    new RTCRtpCodecParameters({ mimeType: 'audio/G722', clockRate: 8000, payloadType: 9 }),
    new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, payloadType: 0 }),
    new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, payloadType: 8 }),
    new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 48000, payloadType: 110 }),
    new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: 126 }),
  ];
}

/** A far-end phone: RTP and RTCP sockets, everything received kept with its source. */
class PlainPhone {
  readonly received: { packet: Buffer; port: number }[] = [];
  readonly rtcp: Buffer[] = [];
  private constructor(
    readonly rtp: Socket,
    readonly rtcpSocket: Socket,
  ) {
    rtp.on('message', (packet, info) => this.received.push({ packet, port: info.port }));
    rtcpSocket.on('message', (packet) => this.rtcp.push(packet));
  }

  static async start(): Promise<PlainPhone> {
    for (;;) {
      const rtp = createSocket('udp4');
      await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
      const port = rtp.address().port;
      if (port % 2 !== 0) {
        rtp.close();
        continue;
      }
      const rtcp = createSocket('udp4');
      const ok = await new Promise<boolean>((resolve) => {
        rtcp.once('error', () => resolve(false));
        rtcp.bind(port + 1, '127.0.0.1', () => resolve(true));
      });
      if (ok) return new PlainPhone(rtp, rtcp);
      rtp.close();
    }
  }

  get port(): number {
    return this.rtp.address().port;
  }

  sdp(
    options: {
      codecs?: string;
      rtpmap?: string[];
      direction?: string;
      address?: string;
      extra?: string[];
    } = {},
  ): string {
    return [
      'v=0',
      `o=phone 1 1 IN IP4 ${options.address ?? '127.0.0.1'}`,
      's=-',
      `c=IN IP4 ${options.address ?? '127.0.0.1'}`,
      't=0 0',
      `m=audio ${this.port} RTP/AVP ${options.codecs ?? '0 101'}`,
      ...(options.rtpmap ?? ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16']),
      ...(options.extra ?? []),
      `a=${options.direction ?? 'sendrecv'}`,
      '',
    ].join('\r\n');
  }

  /** Sends RTP to the bridge: PT, sequence, 160 bytes of payload. */
  send(to: number, payloadType: number, sequence: number, from: Socket = this.rtp): void {
    const header = new RtpHeader({
      payloadType,
      sequenceNumber: sequence,
      timestamp: sequence * 160,
      ssrc: 0x1234,
    });
    from.send(new RtpPacket(header, Buffer.alloc(160, 0x55)).serialize(), to, '127.0.0.1');
  }

  close(): void {
    this.rtp.close();
    this.rtcpSocket.close();
  }
}

/** The WebRTC side: werift with Chromium's codecs, offering or answering through the hook. */
class Browser {
  readonly pc = new RTCPeerConnection({ ...LOOPBACK_ONLY, codecs: { audio: chromiumLikeCodecs() } });
  readonly received: RtpPacket[] = [];

  constructor() {
    this.pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => this.received.push(rtp)));
  }

  async offer(): Promise<string> {
    this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await this.gathered();
    return this.pc.localDescription?.sdp ?? '';
  }

  async answer(offer: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer });
    for (const t of this.pc.getTransceivers()) t.setDirection('sendrecv');
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.gathered();
    return this.pc.localDescription?.sdp ?? '';
  }

  get transceiver(): RTCRtpTransceiver {
    const transceiver = this.pc.getTransceivers()[0];
    if (!transceiver) throw new Error('no transceiver');
    return transceiver;
  }

  async connected(): Promise<void> {
    if (this.pc.connectionState === 'connected') return;
    await this.pc.connectionStateChange.watch((state) => state === 'connected', 10_000);
  }

  /** Sends through the DTLS transport with the given PT, as Chromium sends audio and DTMF. */
  send(payloadType: number, sequence: number): void {
    const header = new RtpHeader({
      payloadType,
      sequenceNumber: sequence,
      timestamp: sequence * 160,
      ssrc: this.transceiver.sender.ssrc,
    });
    void this.transceiver.dtlsTransport.sendRtp(Buffer.alloc(160, 0x33), header);
  }

  private async gathered(): Promise<void> {
    if (this.pc.iceGatheringState === 'complete') return;
    await this.pc.iceGatheringStateChange.watch((state) => state === 'complete', 5000);
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(): Promise<{
  hook: SipMediaHook;
  bridge: MediaBridge;
  phone: PlainPhone;
  browser: Browser;
}> {
  const bridge = new MediaBridge({ portRange: { min: 20000, max: 29999 } });
  const hook = bridge.createHook();
  const phone = await PlainPhone.start();
  const browser = new Browser();
  cleanups.push(
    () => phone.close(),
    () => browser.pc.close(),
    () => hook.close(),
  );
  return { hook, bridge, phone, browser };
}

/** The bridge's plain address and port from the SDP it sent the far end. */
function plainPort(sdp: string): number {
  const port = /^m=audio (\d+) /m.exec(sdp)?.[1];
  if (!port) throw new Error(`no audio port in ${sdp}`);
  return Number(port);
}

describe('media bridge: a call the app makes', () => {
  it('offers the far end a plain SDP, answers Chromium with werift, and relays both ways with DTMF remapped', async () => {
    const { hook, phone, browser } = await setUp();
    const dialog = new SipDialog('local');
    const invite = dialog.request('INVITE', 'local', await browser.offer(), { toTag: null });
    const out = await hook.outbound(invite, CONTEXT);

    const plain = out.bodyText;
    expect(out.contentType).toBe('application/sdp');
    expect(plain).toMatch(/^m=audio \d+ RTP\/AVP 111 9 0 8 110 126\r$/m);
    expect(plain).toContain('a=rtpmap:126 telephone-event/8000');
    expect(plain).toContain('c=IN IP4 127.0.0.1');
    expect(plain).not.toMatch(/a=(candidate|fingerprint|ice-|ssrc|msid|setup|extmap)/);
    expect(plainPort(plain) % 2).toBe(0);
    expect(out.toBuffer().length).toBeLessThan(1300);

    // The phone takes PCMU and puts telephone-event at its own number, as providers do.
    const ok = dialog.response(invite, 200, phone.sdp());
    const answer = await hook.inbound(ok, CONTEXT);
    expect(answer.bodyText).toMatch(/^m=audio 9 UDP\/TLS\/RTP\/SAVPF 0 126\r$/m);
    expect(answer.bodyText).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    // The bridge is the DTLS server, so Chromium's ClientHello starts the handshake (webrtc-leg.ts).
    expect(answer.bodyText).toMatch(/^a=setup:passive\r$/m);
    await browser.pc.setRemoteDescription({ type: 'answer', sdp: answer.bodyText });
    await hook.outbound(dialog.request('ACK', 'local'), CONTEXT);
    await browser.connected();

    const bridgePort = plainPort(plain);
    // Far end -> Chromium: PCMU stays 0, telephone-event 101 becomes Chromium's 126.
    await until(() => {
      phone.send(bridgePort, 0, 1000 + browser.received.length);
      return browser.received.length >= 3;
    }, 'PCMU at the browser');
    phone.send(bridgePort, 101, 2000);
    await until(() => browser.received.some((p) => p.header.payloadType === 126), 'DTMF at the browser');
    expect(browser.received.every((p) => [0, 126].includes(p.header.payloadType))).toBe(true);

    // Chromium -> far end: PCMU 0 and telephone-event 126 -> 101, one bridge SSRC, from the RTP port.
    for (let i = 0; i < 5; i++) browser.send(0, 500 + i);
    browser.send(126, 505);
    await until(() => phone.received.some((r) => r.packet.readUInt8(1) % 128 === 101), 'DTMF at the phone');
    const packets = phone.received.map(
      (r) => new RtpPacket(RtpHeader.deSerialize(r.packet), Buffer.alloc(0)),
    );
    expect(new Set(packets.map((p) => p.header.payloadType))).toEqual(new Set([0, 101]));
    expect(new Set(packets.map((p) => p.header.ssrc)).size).toBe(1);
    expect(packets.map((p) => p.header.sequenceNumber)).toEqual([500, 501, 502, 503, 504, 505]);
    expect(new Set(phone.received.map((r) => r.port))).toEqual(new Set([bridgePort]));

    // BYE ends the media: the ports are free again.
    await hook.outbound(dialog.request('BYE', 'local'), CONTEXT);
    const again = createSocket('udp4');
    cleanups.push(() => {
      again.close();
    });
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(bridgePort, '127.0.0.1', resolve);
    });
  }, 20_000);

  it('refuses to send anywhere the far end did not name: not where the renderer says, not to a stray source', async () => {
    const { hook, phone, browser } = await setUp();
    const stray = await PlainPhone.start();
    cleanups.push(() => stray.close());
    const dialog = new SipDialog('local');
    // A compromised renderer puts the stray address in its own SDP: it is read as WebRTC, never as a destination.
    const renderer = (await browser.offer()).replace(
      /^(a=candidate:.*)$/m,
      `$1\na=candidate:9 1 udp 1 127.0.0.1 ${stray.port} typ host\r`,
    );
    expect(renderer).toContain(`127.0.0.1 ${stray.port} typ host`);
    const invite = dialog.request('INVITE', 'local', renderer, { toTag: null });
    const bridgePort = plainPort((await hook.outbound(invite, CONTEXT)).bodyText);
    const answer = await hook.inbound(dialog.response(invite, 200, phone.sdp()), CONTEXT);
    await browser.pc.setRemoteDescription({ type: 'answer', sdp: answer.bodyText });
    await browser.connected();

    // Three in-sequence packets from the stray source are not enough to move the stream.
    for (let seq = 1; seq <= 3; seq++) phone.send(bridgePort, 0, seq, stray.rtp);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(browser.received).toHaveLength(0);
    for (let i = 0; i < 3; i++) browser.send(0, 10 + i);
    await until(() => phone.received.length >= 3, 'RTP at the phone');
    expect(stray.received).toHaveLength(0);
  }, 20_000);

  it('follows the far end to where its packets come from after four in-sequence packets (NAT)', async () => {
    const { hook, phone, browser } = await setUp();
    const natted = await PlainPhone.start();
    cleanups.push(() => natted.close());
    const dialog = new SipDialog('local');
    const invite = dialog.request('INVITE', 'local', await browser.offer(), { toTag: null });
    const bridgePort = plainPort((await hook.outbound(invite, CONTEXT)).bodyText);
    // The SDP names the phone's socket; its packets come from another port (a NAT binding).
    const answer = await hook.inbound(dialog.response(invite, 200, phone.sdp()), CONTEXT);
    await browser.pc.setRemoteDescription({ type: 'answer', sdp: answer.bodyText });
    await browser.connected();

    for (let seq = 1; seq <= 4; seq++) natted.send(bridgePort, 0, seq);
    await until(() => browser.received.length >= 1, 'the latched stream at the browser');
    expect(browser.received.map((p) => p.header.sequenceNumber)).toEqual([4]);
    browser.send(0, 77);
    await until(() => natted.received.length >= 1, 'RTP at the latched source');
    expect(phone.received).toHaveLength(0);
  }, 20_000);
});

describe('media bridge: the WebRTC leg past werift (relay with the DTLS-SRTP keys)', () => {
  /** A call the app made, answered by the phone with PCMU, DTLS up: the bridge's plain port. */
  async function connectedCall(hook: SipMediaHook, phone: PlainPhone, browser: Browser): Promise<number> {
    const dialog = new SipDialog('local');
    const invite = dialog.request('INVITE', 'local', await browser.offer(), { toTag: null });
    const bridgePort = plainPort((await hook.outbound(invite, CONTEXT)).bodyText);
    const answer = await hook.inbound(dialog.response(invite, 200, phone.sdp()), CONTEXT);
    await browser.pc.setRemoteDescription({ type: 'answer', sdp: answer.bodyText });
    await browser.connected();
    return bridgePort;
  }

  it('drops and counts a forged packet and a replayed one from the WebRTC side; relays the genuine one once', async () => {
    const { hook, bridge, phone, browser } = await setUp();
    await connectedCall(hook, phone, browser);
    // The bridge's DTLS may finish a moment after the browser's: wait until its relay takes packets.
    let sequence = 100;
    await until(() => {
      browser.send(0, sequence++);
      return phone.received.length >= 1;
    }, 'the first packet at the phone');
    await until(() => phone.received.length >= sequence - 100, 'every packet sent so far at the phone');
    const before = phone.received.length;

    const transport = browser.transceiver.dtlsTransport;
    const header = new RtpHeader({
      payloadType: 0,
      sequenceNumber: sequence,
      timestamp: sequence * 160,
      ssrc: browser.transceiver.sender.ssrc,
    });
    const genuine = transport.srtp.encrypt(Buffer.alloc(160, 0x44), header);
    const forged = Buffer.from(genuine);
    forged[30] = (forged[30] ?? 0) ^ 0xff;
    const connection = transport.iceTransport.connection;
    await connection.send(forged);
    await connection.send(genuine);
    await connection.send(genuine);
    browser.send(0, sequence + 1);
    await until(() => phone.received.length >= before + 2, 'the genuine packet and the next at the phone');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const relayed = phone.received.slice(before).map((r) => r.packet.readUInt16BE(2));
    expect(relayed).toEqual([sequence, sequence + 1]);
    const report = bridge.reports()[0]?.streams[0]?.webrtc;
    expect(report?.unauthenticated).toBe(1);
    expect(report?.replayed).toBe(1);
    // werift offers GCM first, as Chromium does; the bridge, as the DTLS server, took AES-CM.
    expect(report?.srtp).toBe('AES_CM_128_HMAC_SHA1_80');
  }, 20_000);

  it("sends Chromium the sender and receiver reports werift no longer can: counts from the relay's own traffic", async () => {
    const { hook, phone, browser } = await setUp();
    const bridgePort = await connectedCall(hook, phone, browser);
    const reports: RtcpSrPacket[] = [];
    browser.transceiver.dtlsTransport.onRtcp.subscribe((rtcp) => {
      if (rtcp instanceof RtcpSrPacket) reports.push(rtcp);
    });
    let toBrowser = 1000;
    let toPhone = 500;
    await until(() => {
      phone.send(bridgePort, 0, toBrowser++);
      browser.send(0, toPhone++);
      return browser.received.length >= 10 && phone.received.length >= 10;
    }, 'RTP both ways');
    // Three of the browser's packets never reach the bridge: its receiver report must say so.
    toPhone += 3;
    for (let i = 0; i < 10; i++) browser.send(0, toPhone++);
    for (let i = 0; i < 10; i++) phone.send(bridgePort, 0, toBrowser++);
    const phoneSent = toBrowser - 1000;
    await until(() => browser.received.length >= phoneSent, 'every packet the phone sent at the browser');
    // RTCP goes out every 0.5-1.5 s: wait for a sender report that counts everything relayed.
    await until(
      () => (reports.at(-1)?.senderInfo.packetCount ?? 0) >= phoneSent,
      "the bridge's sender report about the packets relayed to the browser",
    );
    const report = reports.at(-1) as RtcpSrPacket;
    expect(report.ssrc).toBe(browser.transceiver.receiver.tracks[0]?.ssrc);
    expect(report.senderInfo.packetCount).toBe(phoneSent);
    expect(report.senderInfo.octetCount).toBe(phoneSent * 160);
    const block = report.reports.find((r) => r.ssrc === browser.transceiver.sender.ssrc);
    expect(block?.packetsLost).toBe(3);
    expect(block?.highestSequence).toBe(toPhone - 1);
    // werift's getStats reads the same SR as Chromium's remote-outbound-rtp does.
    const stats = [...(await browser.pc.getStats()).values()] as unknown as Record<string, unknown>[];
    const remoteOutbound = stats.find((entry) => entry.type === 'remote-outbound-rtp');
    expect(Number(remoteOutbound?.packetsSent)).toBeGreaterThanOrEqual(phoneSent);

    // The plain far end gets reports too, on RTP + 1 (it offered no a=rtcp-mux): a sender report that
    // counts what was relayed to it, with a block about its own stream and nothing lost.
    const relayedToPhone = phone.received.length;
    const phoneReports = () =>
      phone.rtcp
        .flatMap((packet) => RtcpPacketConverter.deSerialize(packet))
        .filter((p) => p instanceof RtcpSrPacket);
    await until(
      () => (phoneReports().at(-1)?.senderInfo.packetCount ?? 0) >= relayedToPhone,
      "the bridge's sender report to the plain far end",
    );
    const toFarEnd = phoneReports().at(-1) as RtcpSrPacket;
    expect(toFarEnd.senderInfo.octetCount).toBe(toFarEnd.senderInfo.packetCount * 160);
    const aboutPhone = toFarEnd.reports.find((r) => r.ssrc === 0x1234);
    expect(aboutPhone?.packetsLost).toBe(0);
    expect(aboutPhone?.highestSequence).toBe(toBrowser - 1);
  }, 20_000);
});

describe('media bridge: a call the far end makes', () => {
  it('offers Chromium the far end codecs in its numbering and answers it with what Chromium took', async () => {
    const { hook, phone, browser } = await setUp();
    const dialog = new SipDialog('remote');
    const offer = phone.sdp({
      codecs: '8 0 18 96',
      rtpmap: [
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:18 G729/8000',
        'a=rtpmap:96 telephone-event/8000',
      ],
      extra: ['a=rtcp-mux'],
    });
    const invite = dialog.request('INVITE', 'remote', offer, { toTag: null });
    const toApp = await hook.inbound(invite, CONTEXT);
    expect(toApp.bodyText).toMatch(/^m=audio 9 UDP\/TLS\/RTP\/SAVPF 8 0 96\r$/m);
    expect(toApp.bodyText).toContain('a=fingerprint:sha-256');

    const webrtcAnswer = await browser.answer(toApp.bodyText);
    const ok = await hook.outbound(dialog.response(invite, 200, webrtcAnswer), CONTEXT);
    expect(ok.bodyText).toMatch(/^m=audio \d+ RTP\/AVP 8 0 96\r$/m);
    expect(ok.bodyText).toContain('a=rtcp-mux');
    expect(ok.bodyText).not.toMatch(/a=(candidate|fingerprint|ice-|ssrc)/);
    await hook.inbound(dialog.request('ACK', 'remote'), CONTEXT);
    await browser.connected();

    const bridgePort = plainPort(ok.bodyText);
    await until(() => {
      phone.send(bridgePort, 8, 300 + browser.received.length);
      return browser.received.length >= 2;
    }, 'PCMA at the browser');
    expect(browser.received[0]?.header.payloadType).toBe(8);

    // Remote BYE ends it; a retransmitted INVITE afterwards does not bring anything back.
    await hook.inbound(dialog.request('BYE', 'remote'), CONTEXT);
  }, 20_000);

  it('leaves an offer it cannot relay for SIP.js to refuse, and frees everything on the 488', async () => {
    const { hook, phone } = await setUp();
    const dialog = new SipDialog('remote');
    const offer = phone.sdp({ codecs: '18', rtpmap: ['a=rtpmap:18 G729/8000'] });
    const invite = dialog.request('INVITE', 'remote', offer, { toTag: null });
    const toApp = await hook.inbound(invite, CONTEXT);
    expect(toApp.bodyText).toBe(offer);
    await hook.outbound(dialog.response(invite, 488), CONTEXT);
  });
});

describe('media bridge: what SIP.js sends that cannot go out', () => {
  it('throws rather than send Chromium description to the far end', async () => {
    const { hook } = await setUp();
    const dialog = new SipDialog('local');
    const videoOnly = [
      'v=0',
      'o=- 1 1 IN IP4 0.0.0.0',
      's=-',
      't=0 0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 103',
      'c=IN IP4 0.0.0.0',
      'a=mid:0',
      'a=rtpmap:103 ISAC/16000',
      '',
    ].join('\r\n');
    await expect(
      hook.outbound(dialog.request('INVITE', 'local', videoOnly, { toTag: null }), CONTEXT),
    ).rejects.toThrow(MediaBridgeError);
  });
});
