import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { CallQualityMonitor, type CallQualitySnapshot } from '../../../renderer/src/sip/call-quality';

/**
 * Two real peer connections in this page, connected to each other, each sending a 440 Hz tone:
 * the monitor reads Chromium's own statistics, as it does for a call.
 */
async function connectedPair(): Promise<{ a: RTCPeerConnection; b: RTCPeerConnection; close: () => void }> {
  const audio = new AudioContext();
  // Audio starts only after a user gesture (autoplay policy): a real click through Playwright.
  const start = document.createElement('button');
  start.textContent = 'Start audio';
  start.onclick = () => void audio.resume();
  document.body.append(start);
  await userEvent.click(start);
  start.remove();
  const tone = (pc: RTCPeerConnection) => {
    const oscillator = audio.createOscillator();
    const destination = audio.createMediaStreamDestination();
    oscillator.connect(destination);
    oscillator.start();
    for (const track of destination.stream.getTracks()) pc.addTrack(track, destination.stream);
  };
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
  tone(a);
  tone(b);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
  return {
    a,
    b,
    close: () => {
      a.close();
      b.close();
      void audio.close();
    },
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe('call quality monitor (real WebRTC in Chromium)', () => {
  it('samples codec, bitrate, loss and MOS once a period, and sums the call up when stopped', async () => {
    const { a, close } = await connectedPair();
    cleanups.push(close);
    const updates: CallQualitySnapshot[] = [];
    const monitor = new CallQualityMonitor(
      'call-1',
      () => a.getStats(),
      (q) => updates.push(q),
      250,
    );
    cleanups.push(() => monitor.stop());
    monitor.start();
    await expect
      .poll(
        () => updates.at(-1)?.samples.filter((s) => s.receiveKbps > 0 && s.mos !== undefined).length ?? 0,
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThanOrEqual(4);
    const latest = updates.at(-1);
    const sample = latest?.samples.at(-1);
    expect(latest?.callId).toBe('call-1');
    expect(sample?.codec?.toLowerCase()).toBe('opus');
    expect(sample?.clockRate).toBe(48_000);
    expect(sample?.sendKbps).toBeGreaterThan(5);
    expect(sample?.receiveKbps).toBeGreaterThan(5);
    expect(sample?.receiveLoss).toBe(0);
    expect(sample?.mos).toBeGreaterThan(4);
    expect(latest?.rating?.rating).toBe('good');
    const summary = monitor.stop();
    expect(summary?.codec?.toLowerCase()).toBe('opus');
    expect(summary?.averageMos).toBeGreaterThan(4);
    expect(summary?.worstLoss).toBe(0);
    expect(summary?.measuredSeconds).toBeGreaterThanOrEqual(1);
    const count = updates.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(updates.length, 'no samples after stop').toBe(count);
  });
});
