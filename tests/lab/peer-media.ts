/**
 * Plain RTP media for the lab's scriptable SIP peer (`sip-peer.ts`): G.711 μ-law (PT 0) in 20 ms
 * packets carrying a sine tone, sent to where the far end's SDP says, and what arrives counted and
 * measured (level and pitch), so a test can prove that sound flows each way. RTCP is not sent; the
 * relay (rtpengine) does not need it.
 */
import { createSocket, type Socket } from 'node:dgram';

const SAMPLE_RATE = 8000;
const SAMPLES_PER_PACKET = 160;
const PACKET_MS = 20;
/**
 * Packets a late timer may send at once (0.5 s of sound). A phone's sound card keeps its clock while
 * the phone is busy, and what it captured goes out together when the phone gets to it; this peer
 * runs in Playwright's worker, whose event loop a loaded machine can stall for hundreds of
 * milliseconds. Beyond this, the rest of the stall is skipped, as a phone whose capture buffer
 * overflowed loses it.
 */
const MAX_CATCH_UP_PACKETS = 25;

/** ITU-T G.711 μ-law encoding of one 16-bit linear sample. */
function linearToMulaw(sample: number): number {
  const BIAS = 0x84;
  const CLIP = 32635;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return magnitude;
}

/** ITU-T G.711 μ-law decoding to a 16-bit linear sample. */
function mulawToLinear(byte: number): number {
  const value = ~byte & 0xff;
  const sign = value & 0x80;
  const exponent = (value >> 4) & 0x07;
  const mantissa = value & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

/** Where the far end wants media, from its SDP (`c=` and the first `m=audio`). */
export interface RemoteMedia {
  address: string;
  port: number;
  /** The first payload type it lists (what we send). */
  payloadType: number;
  /** `a=sendonly` / `a=inactive` in the audio section: it does not want to hear us. */
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

/** Reads the audio destination out of an SDP; undefined when there is no usable audio stream. */
export function remoteMediaOf(sdp: string): RemoteMedia | undefined {
  const lines = sdp.split(/\r?\n/);
  const audioIndex = lines.findIndex((line) => /^m=audio [1-9]\d* /.test(line));
  if (audioIndex === -1) return undefined;
  const media = /^m=audio (\d+) \S+ (\d+)/.exec(lines[audioIndex] ?? '');
  const section = lines.slice(audioIndex + 1);
  const end = section.findIndex((line) => line.startsWith('m='));
  const audioLines = end === -1 ? section : section.slice(0, end);
  const connection =
    audioLines.find((line) => line.startsWith('c=')) ??
    lines.slice(0, audioIndex).find((line) => line.startsWith('c='));
  const address = /^c=IN IP4 (\S+)/.exec(connection ?? '')?.[1];
  const directionLine = audioLines.find((line) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line));
  if (!media?.[1] || !media[2] || !address) return undefined;
  return {
    address,
    port: Number(media[1]),
    payloadType: Number(media[2]),
    direction: (directionLine?.slice(2) as RemoteMedia['direction'] | undefined) ?? 'sendrecv',
  };
}

/** What arrived over a stretch of time. */
export interface ReceivedAudio {
  packets: number;
  /** RMS of the decoded samples, 0..1 (a 0.5 sine gives ~0.35). */
  rms: number;
  /** Pitch from the zero-crossing rate; 0 for silence. */
  estimatedHz: number;
}

/** A telephone-event format of the peer's SDP: RFC 4733 events at this payload type and RTP clock rate. */
export interface TelephoneEventFormat {
  payloadType: number;
  clockRate: number;
}

/** One RFC 4733 event as it arrived: its packets share the RTP timestamp of the event's start. */
export interface ReceivedEvent {
  /** 0-9, *, #, A-D. */
  digit: string;
  /** Which of our telephone-event payload types it came at. */
  payloadType: number;
  timestamp: number;
  /** The longest duration any of its packets stated, in units of the event's RTP clock. */
  duration: number;
  ended: boolean;
}

const EVENT_DIGITS = '0123456789*#ABCD';

/** One RTP endpoint: a UDP socket, a tone sender and a receiver that keeps the decoded samples. */
export class PeerMedia {
  private readonly socket: Socket;
  private timer: NodeJS.Timeout | undefined;
  /** When the next packet is due by the audio clock (performance.now() ms). */
  private nextPacketAt: number | undefined;
  private remote: RemoteMedia | undefined;
  private sequence = Math.floor(Math.random() * 0xffff);
  private timestamp = Math.floor(Math.random() * 0xffffffff);
  private readonly ssrc = Math.floor(Math.random() * 0xffffffff);
  private phase = 0;
  private received: { at: number; samples: Int16Array }[] = [];
  private sentPackets = 0;
  private sdpVersion = 1;
  private direction: 'sendrecv' | 'sendonly' | 'inactive' = 'sendrecv';
  private closed = false;
  private readonly events: ReceivedEvent[] = [];
  /** Payload types that arrived and are neither PCMU nor our telephone-event. */
  readonly unexpectedPayloadTypes = new Set<number>();

  private constructor(
    socket: Socket,
    readonly port: number,
    private readonly toneHz: number,
    private readonly telephoneEvents: readonly TelephoneEventFormat[],
  ) {
    this.socket = socket;
    socket.on('message', (data) => this.onPacket(data));
  }

  static async open(
    toneHz: number,
    telephoneEvents: readonly TelephoneEventFormat[] = [{ payloadType: 101, clockRate: 8000 }],
  ): Promise<PeerMedia> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new PeerMedia(socket, socket.address().port, toneHz, telephoneEvents);
  }

  /** Our SDP (offer or answer): PCMU and telephone-event on our port, plain RTP/AVP. */
  sdp(): string {
    const version = this.sdpVersion++;
    return [
      'v=0',
      `o=peer 4242 ${version} IN IP4 127.0.0.1`,
      's=lab peer',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${this.port} RTP/AVP 0 ${this.telephoneEvents.map((event) => event.payloadType).join(' ')}`,
      'a=rtpmap:0 PCMU/8000',
      ...this.telephoneEvents.flatMap(({ payloadType, clockRate }) => [
        `a=rtpmap:${payloadType} telephone-event/${clockRate}`,
        `a=fmtp:${payloadType} 0-15`,
      ]),
      'a=ptime:20',
      `a=${this.direction}`,
      '',
    ].join('\r\n');
  }

  /** Sets where to send (from the far end's SDP) and starts sending, if not already. */
  setRemote(sdp: string): void {
    const remote = remoteMediaOf(sdp);
    if (!remote) throw new Error(`no usable audio in the far end's SDP:\n${sdp}`);
    this.remote = remote;
    this.timer ??= setInterval(() => this.sendDuePackets(), PACKET_MS);
  }

  /** Holds (a=sendonly in our next SDP, and no more packets) or resumes. */
  setDirection(direction: 'sendrecv' | 'sendonly' | 'inactive'): void {
    this.direction = direction;
  }

  get packetsSent(): number {
    return this.sentPackets;
  }

  /** Everything received so far, and within the last `windowMs` when given. */
  audio(windowMs?: number): ReceivedAudio {
    const since = windowMs === undefined ? 0 : Date.now() - windowMs;
    const chunks = this.received.filter((chunk) => chunk.at >= since);
    let sumSquares = 0;
    let count = 0;
    let crossings = 0;
    let previous = 0;
    for (const { samples } of chunks)
      for (const sample of samples) {
        sumSquares += (sample / 32768) ** 2;
        if (sample >= 0 !== previous >= 0) crossings += 1;
        previous = sample;
        count += 1;
      }
    const rms = count ? Math.sqrt(sumSquares / count) : 0;
    return {
      packets: chunks.length,
      rms,
      estimatedHz: count && rms > 0.01 ? (crossings / 2) * (SAMPLE_RATE / count) : 0,
    };
  }

  /** The RFC 4733 events received at our telephone-event payload type, in the order they began. */
  receivedEvents(): ReceivedEvent[] {
    return this.events.map((event) => ({ ...event }));
  }

  /** The digits of {@link receivedEvents}: one per event, however many packets carried it. */
  receivedDigits(): string {
    return this.events.map((event) => event.digit).join('');
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  /** Every packet the audio clock says is due (see {@link MAX_CATCH_UP_PACKETS}). */
  private sendDuePackets(): void {
    const now = performance.now();
    this.nextPacketAt ??= now;
    const due = Math.floor((now - this.nextPacketAt) / PACKET_MS) + 1;
    if (due <= 0) return;
    const skipped = Math.max(0, due - MAX_CATCH_UP_PACKETS);
    // The clock ran on through the part skipped: its samples are gone, not delayed.
    this.timestamp += skipped * SAMPLES_PER_PACKET;
    for (let i = 0; i < due - skipped; i += 1) this.sendPacket();
    this.nextPacketAt += due * PACKET_MS;
  }

  private sendPacket(): void {
    const remote = this.remote;
    if (!remote || this.closed || this.direction === 'inactive') return;
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = 0; // PCMU
    header.writeUInt16BE(this.sequence & 0xffff, 2);
    header.writeUInt32BE(this.timestamp >>> 0, 4);
    header.writeUInt32BE(this.ssrc >>> 0, 8);
    const payload = Buffer.alloc(SAMPLES_PER_PACKET);
    for (let i = 0; i < SAMPLES_PER_PACKET; i += 1) {
      payload[i] = linearToMulaw(Math.round(Math.sin(this.phase) * 0.5 * 32767));
      this.phase += (2 * Math.PI * this.toneHz) / SAMPLE_RATE;
    }
    this.phase %= 2 * Math.PI;
    this.sequence += 1;
    this.timestamp += SAMPLES_PER_PACKET;
    this.sentPackets += 1;
    this.socket.send(Buffer.concat([header, payload]), remote.port, remote.address);
  }

  private onPacket(data: Buffer): void {
    if (data.length < 12 || (data[0] ?? 0) >> 6 !== 2) return;
    const payloadType = (data[1] ?? 0) & 0x7f;
    const csrcCount = (data[0] ?? 0) & 0x0f;
    const extension = ((data[0] ?? 0) & 0x10) !== 0;
    let offset = 12 + csrcCount * 4;
    if (extension && data.length >= offset + 4) offset += 4 + data.readUInt16BE(offset + 2) * 4;
    const payload = data.subarray(offset);
    if (this.telephoneEvents.some((event) => event.payloadType === payloadType)) {
      this.onEvent(payloadType, data.readUInt32BE(4), payload);
      return;
    }
    if (payloadType !== 0) {
      // RTCP arriving on the RTP port (PT 200-204 with the marker bit) is not media.
      if (payloadType < 72 || payloadType > 76) this.unexpectedPayloadTypes.add(payloadType);
      return;
    }
    const samples = new Int16Array(payload.length);
    for (let i = 0; i < payload.length; i += 1) samples[i] = mulawToLinear(payload[i] ?? 0xff);
    this.received.push({ at: Date.now(), samples });
    // Keep a minute of audio at most.
    if (this.received.length > 3000) this.received.splice(0, this.received.length - 3000);
  }

  /**
   * An RFC 4733 §2.3 payload: event, E bit, volume, duration. Every packet of one event carries the
   * event's start timestamp (§2.5.1.1), so packets are grouped by it, whatever order they came in.
   */
  private onEvent(payloadType: number, timestamp: number, payload: Buffer): void {
    if (payload.length < 4) return;
    const digit = EVENT_DIGITS[payload[0] ?? 0xff];
    if (digit === undefined) return;
    const ended = ((payload[1] ?? 0) & 0x80) !== 0;
    const duration = payload.readUInt16BE(2);
    const known = this.events.find((event) => event.timestamp === timestamp && event.digit === digit);
    if (known) {
      known.duration = Math.max(known.duration, duration);
      known.ended ||= ended;
      return;
    }
    this.events.push({ digit, payloadType, timestamp, duration, ended });
  }
}
