/**
 * A bare Chromium page with one RTCPeerConnection, standing where SIP.js's session description
 * handler stands in the app: it offers or answers, sends a tone (Web Audio, 660 Hz unless told) and
 * reports what it receives. The media bridge's tests drive it with hand-made SIP around it.
 */
import type { Page } from '@playwright/test';

/**
 * What Chromium learnt from the bridge's RTCP about the audio: its sender reports
 * (remote-outbound-rtp) and its receiver reports on Chromium's own stream (remote-inbound-rtp), next
 * to Chromium's own counts.
 */
export interface BridgeRtcp {
  packetsReceived: number;
  packetsSent: number;
  remoteOutbound?: { packetsSent: number; bytesSent: number };
  remoteInbound?: { packetsLost: number; roundTripTime?: number };
}

export interface InboundAudio {
  packetsReceived: number;
  totalAudioEnergy: number;
  codec?: string;
}

declare global {
  interface Window {
    __bridgePc?: RTCPeerConnection;
    __bridgeAnalyser?: AnalyserNode;
    __bridgeAudio?: AudioContext;
  }
}

export class BridgePage {
  private constructor(readonly page: Page) {}

  /**
   * Sets up the peer connection with a sine tone as its microphone. The page is an empty document of
   * the app's origin (a secure context), and microphone access is asked for once: only then does
   * Chromium show its real host candidates rather than mDNS names the bridge could not resolve.
   */
  static async open(page: Page, toneHz = 660): Promise<BridgePage> {
    await page.context().grantPermissions(['microphone']);
    await page.goto('/media-bridge-test.txt');
    await page.evaluate(async (hz) => {
      const capture = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const track of capture.getTracks()) track.stop();
      const audio = new AudioContext({ sampleRate: 48000 });
      await audio.resume();
      const oscillator = audio.createOscillator();
      oscillator.frequency.value = hz;
      const gain = audio.createGain();
      gain.gain.value = 0.5;
      const destination = audio.createMediaStreamDestination();
      oscillator.connect(gain).connect(destination);
      oscillator.start();
      const pc = new RTCPeerConnection({ iceServers: [] });
      const track = destination.stream.getAudioTracks()[0];
      if (track) pc.addTrack(track, destination.stream);
      pc.ontrack = (event) => {
        // Chromium plays remote WebRTC audio into Web Audio only while an element plays it too.
        const element = new Audio();
        element.srcObject = event.streams[0] ?? new MediaStream([event.track]);
        void element.play();
        const analyser = audio.createAnalyser();
        analyser.fftSize = 8192;
        audio.createMediaStreamSource(element.srcObject as MediaStream).connect(analyser);
        window.__bridgeAnalyser = analyser;
      };
      window.__bridgePc = pc;
      window.__bridgeAudio = audio;
    }, toneHz);
    return new BridgePage(page);
  }

  /** An offer with every candidate gathered, as SIP.js sends it. */
  offer(): Promise<string> {
    return this.page.evaluate(async () => {
      const pc = window.__bridgePc as RTCPeerConnection;
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      return pc.localDescription?.sdp ?? '';
      async function gathered(peer: RTCPeerConnection): Promise<void> {
        if (peer.iceGatheringState === 'complete') return;
        await new Promise<void>((resolve) =>
          peer.addEventListener('icegatheringstatechange', () => {
            if (peer.iceGatheringState === 'complete') resolve();
          }),
        );
      }
    });
  }

  /** Answers an offer (the bridge's WebRTC offer for a call from the far end), gathered. */
  answer(offer: string): Promise<string> {
    return this.page.evaluate(async (sdp) => {
      const pc = window.__bridgePc as RTCPeerConnection;
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      if (pc.iceGatheringState !== 'complete') {
        await new Promise<void>((resolve) =>
          pc.addEventListener('icegatheringstatechange', () => {
            if (pc.iceGatheringState === 'complete') resolve();
          }),
        );
      }
      return pc.localDescription?.sdp ?? '';
    }, offer);
  }

  acceptAnswer(answer: string): Promise<void> {
    return this.page.evaluate(async (sdp) => {
      await (window.__bridgePc as RTCPeerConnection).setRemoteDescription({ type: 'answer', sdp });
    }, answer);
  }

  /** Sets the audio transceiver's direction (hold: `sendonly`) and makes a new offer. */
  async reOffer(direction: RTCRtpTransceiverDirection): Promise<string> {
    await this.page.evaluate((value) => {
      const transceiver = (window.__bridgePc as RTCPeerConnection).getTransceivers()[0];
      if (transceiver) transceiver.direction = value;
    }, direction);
    return this.offer();
  }

  connectionState(): Promise<string> {
    return this.page.evaluate(() => (window.__bridgePc as RTCPeerConnection).connectionState);
  }

  inboundAudio(): Promise<InboundAudio> {
    return this.page.evaluate(async () => {
      const report = await (window.__bridgePc as RTCPeerConnection).getStats();
      const result: InboundAudio = { packetsReceived: 0, totalAudioEnergy: 0 };
      const codecs = new Map<string, string>();
      report.forEach((entry: RTCStats & Record<string, unknown>) => {
        if (entry.type === 'codec') codecs.set(entry.id, String(entry.mimeType));
      });
      report.forEach((entry: RTCStats & Record<string, unknown>) => {
        if (entry.type !== 'inbound-rtp' || entry.kind !== 'audio') return;
        result.packetsReceived += Number(entry.packetsReceived ?? 0);
        result.totalAudioEnergy += Number(entry.totalAudioEnergy ?? 0);
        const codec = codecs.get(String(entry.codecId));
        if (codec) result.codec = codec;
      });
      return result;
    });
  }

  rtcpFromBridge(): Promise<BridgeRtcp> {
    return this.page.evaluate(async () => {
      const report = await (window.__bridgePc as RTCPeerConnection).getStats();
      const result: BridgeRtcp = { packetsReceived: 0, packetsSent: 0 };
      report.forEach((entry: RTCStats & Record<string, unknown>) => {
        if (entry.kind !== 'audio') return;
        if (entry.type === 'inbound-rtp') result.packetsReceived += Number(entry.packetsReceived ?? 0);
        if (entry.type === 'outbound-rtp') result.packetsSent += Number(entry.packetsSent ?? 0);
        if (entry.type === 'remote-outbound-rtp')
          result.remoteOutbound = {
            packetsSent: Number(entry.packetsSent),
            bytesSent: Number(entry.bytesSent),
          };
        if (entry.type === 'remote-inbound-rtp')
          result.remoteInbound = {
            packetsLost: Number(entry.packetsLost),
            ...(entry.roundTripTime === undefined ? {} : { roundTripTime: Number(entry.roundTripTime) }),
          };
      });
      return result;
    });
  }

  /** The strongest frequency in what Chromium plays from the far end (FFT bins ~5.9 Hz wide). */
  dominantHz(): Promise<number> {
    return this.page.evaluate(() => {
      const analyser = window.__bridgeAnalyser;
      const audio = window.__bridgeAudio;
      if (!analyser || !audio) return 0;
      const bins = new Float32Array(analyser.frequencyBinCount);
      analyser.getFloatFrequencyData(bins);
      let best = 0;
      for (let i = 1; i < bins.length; i++) if ((bins[i] ?? -Infinity) > (bins[best] ?? -Infinity)) best = i;
      return (best * audio.sampleRate) / analyser.fftSize;
    });
  }

  /** RFC 4733 digits, as the app's keypad sends them. */
  sendDigits(digits: string): Promise<void> {
    return this.page.evaluate((tones) => {
      const sender = (window.__bridgePc as RTCPeerConnection).getSenders()[0];
      sender?.dtmf?.insertDTMF(tones, 100, 70);
    }, digits);
  }

  close(): Promise<void> {
    return this.page.evaluate(() => window.__bridgePc?.close());
  }
}
