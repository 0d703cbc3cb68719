/**
 * The bridge's WebRTC leg against a real werift peer standing in for Chromium, with a ClientHello sent
 * before either side's ICE is up, as Chromium sends it (early-dtls.ts). The werift peer's own DTLS
 * client waits 100 ms after its ICE connects before its ClientHello, so the bridge's answer to the
 * early one, if any, reaches the peer first.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { WebRtcLeg } from '../../../electron/gateway/media-bridge/webrtc-leg';

const LOOPBACK_ONLY = {
  iceUseIpv4: false,
  iceUseIpv6: false,
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
};

/** werift's ICE connection of a peer: its UDP sockets (not public API). */
interface IceSockets {
  protocols: { transport?: { socket?: Socket } }[];
}

const HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const HELLO_VERIFY_REQUEST = 3;

/** The handshake type of an unencrypted DTLS handshake record (RFC 6347 §4.1, §4.2.2), if it is one. */
function handshakeType(datagram: Buffer): number | undefined {
  if (datagram.length < 14 || datagram[0] !== HANDSHAKE || datagram.readUInt16BE(3) !== 0) return undefined;
  return datagram[13];
}

function extension(type: number, data: number[]): number[] {
  return [type >> 8, type & 0xff, data.length >> 8, data.length & 0xff, ...data];
}

/**
 * A DTLS 1.2 ClientHello as a WebRTC endpoint sends it first (no cookie): ECDHE-ECDSA-AES128-GCM,
 * P-256, ECDSA with SHA-256, SRTP_AES128_CM_HMAC_SHA1_80 and the extended master secret.
 */
function clientHello(): Buffer {
  const extensions = [
    ...extension(10, [0x00, 0x02, 0x00, 0x17]),
    ...extension(13, [0x00, 0x02, 0x04, 0x03]),
    ...extension(14, [0x00, 0x02, 0x00, 0x01, 0x00]),
    ...extension(23, []),
  ];
  const body = Buffer.from([
    0xfe,
    0xfd,
    ...Array.from({ length: 32 }, (_, i) => i),
    0, // session id
    0, // cookie
    0x00,
    0x02,
    0xc0,
    0x2b,
    1,
    0, // no compression
    extensions.length >> 8,
    extensions.length & 0xff,
    ...extensions,
  ]);
  const length = [0, body.length >> 8, body.length & 0xff];
  const handshake = Buffer.concat([Buffer.from([CLIENT_HELLO, ...length, 0, 0, 0, 0, 0, ...length]), body]);
  return Buffer.concat([
    Buffer.from([
      HANDSHAKE,
      0xfe,
      0xfd,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      handshake.length >> 8,
      handshake.length & 0xff,
    ]),
    handshake,
  ]);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A werift peer offering audio, the bridge's leg answering it; nothing connected yet. */
async function answered(): Promise<{ leg: WebRtcLeg; peer: RTCPeerConnection; answer: string }> {
  const leg = new WebRtcLeg(
    { audio: [{ payloadType: 0, name: 'PCMU', clockRate: 8000, rtcpFeedback: [] }] },
    { hostAddress: '127.0.0.1' },
  );
  const peer = new RTCPeerConnection({
    ...LOOPBACK_ONLY,
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, payloadType: 0 })],
    },
  });
  cleanups.push(
    () => peer.close(),
    () => leg.close(),
  );
  peer.addTransceiver('audio', { direction: 'sendrecv' });
  await peer.setLocalDescription(await peer.createOffer());
  if (peer.iceGatheringState !== 'complete')
    await peer.iceGatheringStateChange.watch((state) => state === 'complete', 5000);
  const answer = await leg.answer(peer.localDescription?.sdp ?? '', new Map([['0', 'sendrecv']]));
  return { leg, peer, answer };
}

/** What the peer's ICE socket saw of DTLS, in order: the bridge's HelloVerifyRequests and its own ClientHellos. */
function watchDtls(peer: RTCPeerConnection): {
  sendUnwatched: (data: Buffer, port: number) => void;
  seen: string[];
} {
  const connection = peer.getTransceivers()[0]?.dtlsTransport.iceTransport
    .connection as unknown as IceSockets;
  const socket = connection.protocols.find((p) => p.transport?.socket)?.transport?.socket;
  if (!socket) throw new Error('the peer has no ICE socket');
  const seen: string[] = [];
  socket.prependListener('message', (data: Buffer) => {
    if (handshakeType(data) === HELLO_VERIFY_REQUEST) seen.push('HelloVerifyRequest from the bridge');
  });
  const send = socket.send.bind(socket) as (...args: unknown[]) => void;
  Object.assign(socket, {
    send: (...args: unknown[]) => {
      const data = args[0];
      if (Buffer.isBuffer(data) && handshakeType(data) === CLIENT_HELLO)
        seen.push('ClientHello from the peer');
      send(...args);
    },
  });
  return { sendUnwatched: (data, port) => send(data, port, '127.0.0.1'), seen };
}

function bridgePort(answer: string): number {
  const port = /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(answer)?.[1];
  if (!port) throw new Error(`no host candidate in ${answer}`);
  return Number(port);
}

async function bothConnected(leg: WebRtcLeg, peer: RTCPeerConnection): Promise<void> {
  await Promise.all(
    [leg.pc, peer].map(async (pc) => {
      if (pc.connectionState !== 'connected')
        await pc.connectionStateChange.watch((state) => state === 'connected', 10_000);
    }),
  );
}

describe("the bridge's DTLS server and a ClientHello that comes before it", () => {
  it('answers a ClientHello that came before its ICE was up, once it is, from the address ICE selected', async () => {
    const { leg, peer, answer } = await answered();
    const { sendUnwatched, seen } = watchDtls(peer);
    sendUnwatched(clientHello(), bridgePort(answer));
    await peer.setRemoteDescription({ type: 'answer', sdp: answer });
    await bothConnected(leg, peer);
    // The bridge answered the early ClientHello before the peer's own (werift's client waits 100 ms),
    // and the handshake that followed still checked out against the fingerprints: both connected.
    expect(seen[0]).toBe('HelloVerifyRequest from the bridge');
    expect(seen).toContain('ClientHello from the peer');
  }, 20_000);

  it('hands werift nothing that came from an address ICE did not select: the handshake is the peer’s own', async () => {
    const { leg, peer, answer } = await answered();
    const { seen } = watchDtls(peer);
    const stray = createSocket('udp4');
    cleanups.push(() => {
      stray.close();
    });
    const strayReceived: Buffer[] = [];
    stray.on('message', (data) => strayReceived.push(data));
    await new Promise<void>((resolve) => stray.bind(0, '127.0.0.1', resolve));
    stray.send(clientHello(), bridgePort(answer), '127.0.0.1');
    await peer.setRemoteDescription({ type: 'answer', sdp: answer });
    await bothConnected(leg, peer);
    expect(seen[0]).toBe('ClientHello from the peer');
    expect(strayReceived.filter((data) => handshakeType(data) !== undefined)).toEqual([]);
  }, 20_000);
});
