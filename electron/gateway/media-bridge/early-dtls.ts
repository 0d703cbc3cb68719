/**
 * Chromium's first DTLS flight, kept until werift listens for it.
 *
 * werift 0.25.2 makes its DTLS server only once its own ICE agent reports "connected"
 * (`RTCPeerConnection.connect` -> `RTCDtlsTransport.start`), and until then drops every DTLS record
 * that reaches the ICE socket. Chromium, the DTLS client in both call directions here, sends its
 * ClientHello as soon as its own check succeeds: when Chromium answers, before the bridge even has
 * the answer; when it offers, in the same breath as its nominating check. werift lost that first
 * ClientHello on most calls, and the handshake waited for Chromium's retransmission timer (measured
 * 55-65 ms on loopback) on the path between the answer and the first packet.
 *
 * This keeps the DTLS records that arrive while werift's transport has no DTLS server yet and, once
 * it has one, hands werift those that came from the address its ICE agent selected, as if they had
 * just arrived. Nothing is answered or trusted here: werift's handshake, its check of the peer's
 * certificate against the SDP fingerprint, and ICE consent run as they would have for a
 * retransmission. Nothing in node_modules is patched: this sits on werift's UDP transport's
 * `onData` at run time, as dtls-srtp-relay.ts does (not public API; werift is pinned at 0.25.2).
 */
import type { RTCDtlsTransport } from 'werift';

type Address = [string, number];

/** werift's UDP transport: its socket's 'message' listener calls `onData` (as in dtls-srtp-relay.ts). */
interface UdpTransportInternals {
  socket?: unknown;
  onData: (data: Buffer, address: Address) => void;
}

/** The parts of werift's ICE connection read here (not public API). */
interface IceConnectionInternals {
  protocols?: { transport?: UdpTransportInternals }[];
  nominated?: { remoteAddr: Address };
}

/** A ClientHello is one datagram; a few more cover Chromium's retransmissions. */
const MAX_KEPT = 4;

/** RFC 7983 §7: a first byte of 20-63 is DTLS. */
function isDtls(data: Buffer): boolean {
  const first = data[0] ?? 0;
  return first >= 20 && first <= 63;
}

/**
 * Keeps `transport`'s early DTLS records until werift's DTLS server starts, then replays them to it.
 * Call once werift has gathered (its sockets exist) and before the peer can have our description.
 * Does nothing for a transport already past "new" (a re-negotiation) or werift objects not as expected.
 */
export function keepEarlyDtls(transport: RTCDtlsTransport): void {
  const connection = transport.iceTransport.connection as unknown as IceConnectionInternals;
  if (transport.state !== 'new' || !Array.isArray(connection.protocols)) return;
  const kept: { data: Buffer; address: Address; werift: UdpTransportInternals['onData'] }[] = [];
  const restores: (() => void)[] = [];
  for (const protocol of connection.protocols) {
    const udp = protocol.transport;
    if (!udp?.socket || typeof udp.onData !== 'function') continue;
    const werift = udp.onData;
    const keeping = (data: Buffer, address: Address) => {
      if (!transport.dtls && kept.length < MAX_KEPT && isDtls(data)) kept.push({ data, address, werift });
      werift(data, address);
    };
    udp.onData = keeping;
    restores.push(() => {
      // Whoever wrapped it since (the relay starts only after DTLS connects) keeps their wrapper.
      if (udp.onData === keeping) udp.onData = werift;
    });
  }
  if (restores.length === 0) return;
  const { unSubscribe } = transport.onStateChange.subscribe((state) => {
    if (state === 'new') return;
    unSubscribe();
    for (const restore of restores) restore();
    if (state !== 'connecting') return;
    // werift sets "connecting" just before it makes its DTLS server, in the same synchronous step.
    queueMicrotask(() => {
      const selected = connection.nominated?.remoteAddr;
      if (!transport.dtls || transport.role !== 'server' || !selected) return;
      for (const { data, address, werift } of kept.splice(0)) {
        if (address[0] === selected[0] && address[1] === selected[1]) werift(data, address);
      }
    });
  });
}
