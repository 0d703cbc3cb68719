import {
  GenericNack,
  PictureLossIndication,
  RtcpPacketConverter,
  RtcpPayloadSpecificFeedback,
  RtcpRrPacket,
  RtcpTransportLayerFeedback,
} from 'werift';
import { describe, expect, it } from 'vitest';
import {
  asksForKeyFrame,
  holdsLegacyFullIntraRequest,
} from '../../../electron/gateway/media-bridge/key-frame-request';

const OURS = 0x11111111;
const CHROMIUM_VIDEO = 0x22222222;

/** As it arrives: serialized by Chromium, parsed by werift's transport. */
function received(packet: { serialize(): Buffer }) {
  const [parsed] = RtcpPacketConverter.deSerialize(packet.serialize());
  if (!parsed) throw new Error('unparsed RTCP');
  return parsed;
}

describe('asksForKeyFrame', () => {
  it('takes a PLI naming our sender as the media source, whatever SSRC signs it', () => {
    const pli = new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({ senderSsrc: CHROMIUM_VIDEO, mediaSsrc: OURS }),
    });
    expect(asksForKeyFrame(received(pli), OURS)).toBe(true);
    expect(asksForKeyFrame(received(pli), 0x33333333)).toBe(false);
  });

  it('takes a FIR with an entry for our sender (RFC 5104: the media SSRC field is 0)', () => {
    // V=2, FMT=4, PT=206 (PSFB), length 4; sender; media 0; FCI: SSRC, sequence number, reserved.
    const fir = Buffer.alloc(20);
    fir.writeUInt8(0x84, 0);
    fir.writeUInt8(206, 1);
    fir.writeUInt16BE(4, 2);
    fir.writeUInt32BE(CHROMIUM_VIDEO, 4);
    fir.writeUInt32BE(OURS, 12);
    fir.writeUInt8(1, 16);
    expect(asksForKeyFrame(received({ serialize: () => fir }), OURS)).toBe(true);
    expect(asksForKeyFrame(received({ serialize: () => fir }), CHROMIUM_VIDEO)).toBe(false);
  });

  it('ignores reports and NACKs', () => {
    const rr = new RtcpRrPacket({ ssrc: CHROMIUM_VIDEO, reports: [] });
    const nack = new RtcpTransportLayerFeedback({
      feedback: new GenericNack({ senderSsrc: CHROMIUM_VIDEO, mediaSourceSsrc: OURS, lost: [5] }),
    });
    expect(asksForKeyFrame(received(rr), OURS)).toBe(false);
    expect(asksForKeyFrame(received(nack), OURS)).toBe(false);
  });
});

describe('holdsLegacyFullIntraRequest (RFC 2032 FIR, packet type 192)', () => {
  const PHONE = 0x44444444;
  /** RFC 2032 §5.2.1: V=2, PT=192, length 1, the SSRC of the stream whose decoder needs a key frame. */
  function rfc2032Fir(ssrc: number): Buffer {
    const fir = Buffer.alloc(8);
    fir.writeUInt8(0x80, 0);
    fir.writeUInt8(192, 1);
    fir.writeUInt16BE(1, 2);
    fir.writeUInt32BE(ssrc, 4);
    return fir;
  }
  const receiverReport = () => new RtcpRrPacket({ ssrc: PHONE, reports: [] }).serialize();

  it('finds one alone and one after a receiver report in a compound packet', () => {
    expect(holdsLegacyFullIntraRequest(rfc2032Fir(OURS))).toBe(true);
    expect(holdsLegacyFullIntraRequest(Buffer.concat([receiverReport(), rfc2032Fir(OURS)]))).toBe(true);
  });

  it('is not fooled by reports, RFC 4585 feedback, or bytes that are not RTCP', () => {
    const pli = new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({ senderSsrc: PHONE, mediaSsrc: OURS }),
    }).serialize();
    expect(holdsLegacyFullIntraRequest(Buffer.concat([receiverReport(), pli]))).toBe(false);
    expect(holdsLegacyFullIntraRequest(Buffer.from([0x00, 192, 0, 1, 0, 0, 0, 0]))).toBe(false);
    expect(holdsLegacyFullIntraRequest(Buffer.alloc(3))).toBe(false);
    // A length running past the end stops the walk without reading beyond it.
    const truncated = receiverReport();
    truncated.writeUInt16BE(200, 2);
    expect(holdsLegacyFullIntraRequest(Buffer.concat([truncated, rfc2032Fir(OURS)]))).toBe(false);
  });
});
