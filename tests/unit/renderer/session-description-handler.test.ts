import { Inviter, UserAgent } from 'sip.js';
import { LoggerFactory } from 'sip.js/lib/core';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { dtlsCertificate, prepareDtlsCertificate } from '../../../renderer/src/sip/dtls-certificate';
import { iceGatheringPlan } from '../../../renderer/src/sip/ice-gathering';
import {
  RinglineSessionDescriptionHandler,
  RinglineSessionDescriptionHandlerFactory,
  type MediaNegotiation,
} from '../../../renderer/src/sip/session-description-handler';

const AUDIO_ONLY = { constraints: { audio: true, video: false } };

/** A 440 Hz tone as a capture device would give it, for the handler's `capture`. */
class ToneDevice {
  private static audio: AudioContext | undefined;
  readonly opened: MediaStreamConstraints[] = [];
  readonly tracks: MediaStreamTrack[] = [];
  private release: (() => void) | undefined;
  private refuse: ((error: Error) => void) | undefined;

  /** Capture resolves only when {@link finishOpening} is called, as a slow device would. */
  readonly capture = (constraints: MediaStreamConstraints): Promise<MediaStream> => {
    this.opened.push(constraints);
    return new Promise<MediaStream>((resolve, reject) => {
      this.refuse = reject;
      this.release = () => {
        const audio = ToneDevice.context();
        const oscillator = audio.createOscillator();
        const destination = audio.createMediaStreamDestination();
        oscillator.connect(destination);
        oscillator.start();
        this.tracks.push(...destination.stream.getTracks());
        resolve(destination.stream);
      };
    });
  };

  finishOpening(): void {
    if (!this.release) throw new Error('nothing is being captured');
    this.release();
  }

  fail(error: Error): void {
    this.refuse?.(error);
  }

  static context(): AudioContext {
    ToneDevice.audio ??= new AudioContext();
    return ToneDevice.audio;
  }
}

/** Audio plays only after a user gesture (autoplay policy): a real click through Playwright. */
async function allowAudio(): Promise<void> {
  const start = document.createElement('button');
  start.textContent = 'Start audio';
  start.onclick = () => void ToneDevice.context().resume();
  document.body.append(start);
  await userEvent.click(start);
  start.remove();
}

const loggers = new LoggerFactory();
loggers.builtinEnabled = false;
const logger = loggers.getLogger('test');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function handler(
  device: ToneDevice,
  captureMayAsk = false,
  policy: RTCIceTransportPolicy = 'all',
): RinglineSessionDescriptionHandler {
  const negotiation: MediaNegotiation = {
    iceServers: [],
    iceTransportPolicy: policy,
    codecs: { audio: ['PCMU'], video: [] },
    captureConstraints: (requested) => requested,
    capture: device.capture,
    captureMayAsk: () => captureMayAsk,
  };
  const sdh = new RinglineSessionDescriptionHandler(logger, negotiation, iceGatheringPlan([], policy));
  cleanups.push(() => sdh.close());
  return sdh;
}

/** The far end: a plain peer connection that sends its own tone and answers or offers whole SDPs. */
async function farEnd(): Promise<RTCPeerConnection> {
  const far = new RTCPeerConnection({ iceServers: [] });
  cleanups.push(() => far.close());
  const audio = ToneDevice.context();
  const oscillator = audio.createOscillator();
  const destination = audio.createMediaStreamDestination();
  oscillator.connect(destination);
  oscillator.start();
  for (const track of destination.stream.getTracks()) far.addTrack(track, destination.stream);
  return far;
}

/** Sets a description and waits for its candidates, as SIP (no trickle) carries them. */
async function setLocalAndGather(
  pc: RTCPeerConnection,
  description: RTCSessionDescriptionInit,
): Promise<string> {
  await pc.setLocalDescription(description);
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) =>
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()),
    );
  }
  return pc.localDescription?.sdp ?? '';
}

/** Plays what `pc` receives: Chromium measures received audio energy as it plays it out. */
function play(pc: RTCPeerConnection): void {
  const element = new Audio();
  element.srcObject = new MediaStream(pc.getReceivers().map((receiver) => receiver.track));
  void element.play();
  cleanups.push(() => (element.srcObject = null));
}

async function inbound(pc: RTCPeerConnection): Promise<{ packets: number; energy: number }> {
  const totals = { packets: 0, energy: 0 };
  (await pc.getStats()).forEach((entry: RTCStats & Record<string, unknown>) => {
    if (entry.type !== 'inbound-rtp' || entry.kind !== 'audio') return;
    totals.packets += Number(entry.packetsReceived ?? 0);
    totals.energy += Number(entry.totalAudioEnergy ?? 0);
  });
  return totals;
}

describe('session description handler: capture beside negotiation (real WebRTC in Chromium)', () => {
  it('offers before the microphone is open, sends nothing until it is, then our audio with no renegotiation', async () => {
    await allowAudio();
    const device = new ToneDevice();
    const sdh = handler(device);
    const far = await farEnd();

    const { body: offer } = await sdh.getDescription(AUDIO_ONLY);
    expect(device.tracks, 'the offer did not wait for capture').toHaveLength(0);
    expect(device.opened).toHaveLength(1);
    expect(offer).toMatch(/^m=audio /m);
    expect(offer, 'offered to send and receive, track or not').toMatch(/^a=sendrecv/m);
    expect(offer).toMatch(/^a=candidate:.* typ host/m);

    await far.setRemoteDescription({ type: 'offer', sdp: offer });
    const answer = await setLocalAndGather(far, await far.createAnswer());
    await sdh.setDescription(answer, AUDIO_ONLY);
    const pc = sdh.peerConnection;
    if (!pc) throw new Error('no peer connection');
    await expect.poll(() => pc.connectionState, { timeout: 10_000 }).toBe('connected');
    // Media path up, microphone still opening: Chromium sends no RTP from a sender without a track.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await inbound(far)).packets, 'packets before the microphone was on the call').toBe(0);

    play(far);
    play(pc);
    device.finishOpening();
    await sdh.localMedia;
    const [sender] = pc.getSenders();
    expect(sender?.track).toBe(device.tracks[0]);
    expect(sdh.localMediaStream.getAudioTracks()).toEqual(device.tracks);
    await expect.poll(async () => (await inbound(far)).energy, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(pc.getTransceivers(), 'the offered transceiver carries it').toHaveLength(1);
    expect(pc.signalingState).toBe('stable');
    // And we hear the far end.
    await expect.poll(async () => (await inbound(pc)).energy, { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('negotiates an incoming call while it rings, checks nothing and captures nothing; answering sends that answer', async () => {
    await allowAudio();
    const device = new ToneDevice();
    const sdh = handler(device);
    const far = await farEnd();
    const offer = await setLocalAndGather(far, await far.createOffer());
    expect(offer, 'the caller offers candidates').toMatch(/^a=candidate:/m);

    const pc = sdh.peerConnection;
    if (!pc) throw new Error('no peer connection');
    let answersCreated = 0;
    const createAnswer = pc.createAnswer.bind(pc);
    pc.createAnswer = (() => {
      answersCreated += 1;
      return createAnswer();
    }) as typeof pc.createAnswer;
    await sdh.prepareRemoteOffer(offer);
    await expect
      .poll(() => pc.signalingState, { message: 'the answer is made and set while it rings' })
      .toBe('stable');
    await expect
      .poll(() => pc.localDescription?.sdp, { message: 'our candidates are gathered while it rings' })
      .toMatch(/^a=candidate:.* typ host/m);
    expect(device.opened, 'the microphone stays off while the call rings').toHaveLength(0);
    expect(pc.remoteDescription?.sdp, "the caller's candidates are held back").not.toMatch(/^a=candidate:/m);
    const pairs = [...(await pc.getStats()).values()].filter((stats) => stats.type === 'candidate-pair');
    expect(pairs, 'no candidate pair, so no connectivity check before the answer').toEqual([]);
    expect(pc.iceConnectionState).toBe('new');

    // Answering, as SIP.js does it: the same offer is set again, then the answer is asked for.
    await sdh.setDescription(offer, AUDIO_ONLY);
    const { body: answer } = await sdh.getDescription(AUDIO_ONLY);
    expect(answersCreated, 'answering used the answer made while it rang').toBe(1);
    expect(device.opened).toHaveLength(1);
    expect(answer).toMatch(/^a=sendrecv/m);
    expect(answer).toMatch(/^a=candidate:.* typ host/m);
    await far.setRemoteDescription({ type: 'answer', sdp: answer });
    play(far);
    play(pc);
    device.finishOpening();
    await expect.poll(async () => (await inbound(far)).energy, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await inbound(pc)).energy, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(pc.getTransceivers()).toHaveLength(1);
  });

  it('an offer made while the number is entered is the one the call sends; the microphone opens only when it is placed', async () => {
    await allowAudio();
    const device = new ToneDevice();
    const sdh = handler(device);
    const far = await farEnd();
    expect(await sdh.prepareLocalOffer()).toBe(true);
    const pc = sdh.peerConnection;
    if (!pc) throw new Error('no peer connection');
    const prepared = pc.localDescription?.sdp;
    expect(pc.signalingState).toBe('have-local-offer');
    expect(device.opened, 'nothing captured before the call is placed').toHaveLength(0);

    const { body: offer } = await sdh.getDescription(AUDIO_ONLY);
    expect(device.opened).toHaveLength(1);
    expect(
      offer.split('\r\n').filter((line) => !line.startsWith('a=candidate')),
      'the same offer',
    ).toEqual((prepared ?? '').split('\r\n').filter((line) => !line.startsWith('a=candidate')));
    expect(offer).toMatch(/^a=candidate:.* typ host/m);
    await far.setRemoteDescription({ type: 'offer', sdp: offer });
    await sdh.setDescription(await setLocalAndGather(far, await far.createAnswer()), AUDIO_ONLY);
    play(far);
    device.finishOpening();
    await expect.poll(async () => (await inbound(far)).energy, { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('a video call does not take an audio offer made ahead: it is withdrawn and a new one made', async () => {
    const device = new ToneDevice();
    const sdh = handler(device);
    await sdh.prepareLocalOffer();
    const pc = sdh.peerConnection;
    if (!pc) throw new Error('no peer connection');
    pc.addTransceiver('video', { direction: 'sendrecv' });
    const { body: offer } = await sdh.getDescription(AUDIO_ONLY);
    expect(offer).toMatch(/^m=audio /m);
    expect(offer).toMatch(/^m=video /m);
  });

  it('a call that ends while the microphone opens turns it off as soon as it opens', async () => {
    const device = new ToneDevice();
    const sdh = handler(device);
    await sdh.getDescription(AUDIO_ONLY);
    const media = sdh.localMedia;
    sdh.close();
    device.finishOpening();
    await expect(media).rejects.toThrow(/ended before its media was captured/);
    await expect.poll(() => device.tracks[0]?.readyState).toBe('ended');
    expect(sdh.peerConnection).toBeUndefined();
  });

  it('capture that may ask the user comes first, and a refusal fails the offer', async () => {
    const device = new ToneDevice();
    const sdh = handler(device, true);
    const offering = sdh.getDescription(AUDIO_ONLY);
    await expect.poll(() => device.opened.length).toBe(1);
    const failure = new DOMException('Permission denied', 'NotAllowedError');
    device.fail(failure);
    await expect(offering).rejects.toBe(failure);
    await expect(sdh.localMedia).rejects.toBe(failure);
  });

  it('sends no SDP without a candidate: when nothing can be gathered, the offer fails with the reason', async () => {
    // Relay only without a TURN server: the browser gathers no candidate at all, as on a machine
    // without a network. An offer with Chromium's placeholder address could carry no media.
    const sdh = handler(new ToneDevice(), false, 'relay');
    await expect(sdh.getDescription(AUDIO_ONLY)).rejects.toThrow(/no ICE candidate was gathered/);
    expect(sdh.peerConnection?.localDescription?.sdp).not.toMatch(/^a=candidate/m);
  });

  it('capture failing after the offer went out is reported, so the call can end', async () => {
    const device = new ToneDevice();
    const sdh = handler(device);
    await sdh.getDescription(AUDIO_ONLY);
    const failure = new DOMException('Could not start audio source', 'NotReadableError');
    device.fail(failure);
    await expect(sdh.localMedia).rejects.toBe(failure);
  });
});

describe('DTLS certificate', () => {
  it('is made once ahead, and every call offers with it', async () => {
    prepareDtlsCertificate();
    await expect.poll(() => dtlsCertificate()).toBeDefined();
    const certificate = dtlsCertificate();
    const [fingerprint] = certificate?.getFingerprints() ?? [];
    expect(certificate?.expires).toBeGreaterThan(Date.now() + 24 * 60 * 60 * 1000);
    const offers = await Promise.all(
      [handler(new ToneDevice()), handler(new ToneDevice())].map(
        async (sdh) => (await sdh.getDescription(AUDIO_ONLY)).body,
      ),
    );
    for (const offer of offers)
      expect(offer.toLowerCase()).toContain(
        `a=fingerprint:${fingerprint?.algorithm} ${fingerprint?.value}`.toLowerCase(),
      );
  });
});

describe('session description handler factory', () => {
  const negotiation: MediaNegotiation = {
    iceServers: [],
    iceTransportPolicy: 'all',
    codecs: { audio: [], video: [] },
    captureConstraints: (requested) => requested,
  };

  function session(): Inviter {
    const target = UserAgent.makeURI('sip:bob@example.com');
    if (!target) throw new Error('bad URI');
    // Never started: nothing connects.
    const userAgent = new UserAgent({
      logBuiltinEnabled: false,
      transportOptions: { server: 'wss://127.0.0.1:9' },
    });
    return new Inviter(userAgent, target);
  }

  it('hands SIP.js the handler prepared for a session once, and a new one otherwise', () => {
    const factory = new RinglineSessionDescriptionHandlerFactory(negotiation);
    const ringing = session();
    const prepared = factory.prepare(ringing);
    cleanups.push(() => prepared.close());
    expect(factory.isPrepared(ringing)).toBe(true);
    expect(factory.create(ringing, undefined)).toBe(prepared);
    expect(factory.isPrepared(ringing)).toBe(false);
    const other = factory.create(ringing, undefined);
    cleanups.push(() => other.close());
    expect(other).not.toBe(prepared);
  });

  it('closes a prepared handler SIP.js never took', () => {
    const factory = new RinglineSessionDescriptionHandlerFactory(negotiation);
    const ringing = session();
    const prepared = factory.prepare(ringing);
    const pc = prepared.peerConnection;
    factory.discard(ringing);
    expect(pc?.connectionState).toBe('closed');
    expect(pc?.signalingState).toBe('closed');
    expect(factory.isPrepared(ringing)).toBe(false);
  });
});
