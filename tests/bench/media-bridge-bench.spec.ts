/**
 * `npm run bench`: what the gateway's media bridge costs per call: the time it adds to each packet
 * (RTP in -> RTP out, timestamps at the sockets, per direction) and the CPU of one bridged call
 * (Chromium <-> bridge <-> baresip desk phone, 50 packets a second each way, G.711 20 ms), in the
 * Playwright worker that runs the bridge. The product runs the bridge in a process of its own (Electron
 * main, or the local gateway service of `npm run web`), which media-bridge-service-bench.spec.ts
 * measures; this worker's figures are kept beside it for one session so the change of method shows.
 * Set BENCH_CPU_PROFILE=1 to also write a V8 CPU profile of
 * one call (bench-results/media-bridge.cpuprofile, opens in Chrome DevTools).
 *
 * The CPU is read in two windows of each call. The first 10 s after the answer carry what a call
 * costs once (the end of ICE and DTLS, collecting the set-up's garbage) and, in a fresh process, the
 * JIT's warm-up: V8 optimises a function only once it has run for a while, and a profile of the
 * first call showed most of the bridge's code still unoptimised 10 s after the answer. The next
 * 20 s are the call in progress, what each further minute of a call costs. The first window keeps
 * the row name of earlier reports, so runs compare like with like.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { appCalls, closeRigs, rig, UDP } from '../e2e/bridge-call';
import { expect, test } from '../e2e/fixtures';
import { relayFloorCpu } from './process-cpu';
import { markdownReport, summarise, type Comparison } from './stats';

const PROFILE = process.env.BENCH_CPU_PROFILE === '1';
/** One more call when profiling: the profiled one gives no CPU figure. */
const RUNS = Number(process.env.BENCH_BRIDGE_RUNS ?? 3) + (PROFILE ? 1 : 0);
const WINDOW_MS = 10_000;
const STEADY_WINDOW_MS = 20_000;
const OUT = join(import.meta.dirname, '../../bench-results');

/** Share of one core this process used over `ms`, in all and in the kernel (socket calls). */
async function cpuShare(ms: number): Promise<{ total: number; system: number }> {
  const start = process.cpuUsage();
  const started = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const used = process.cpuUsage(start);
  const elapsedUs = Number(process.hrtime.bigint() - started) / 1000;
  return { total: ((used.user + used.system) / elapsedUs) * 100, system: (used.system / elapsedUs) * 100 };
}

test.afterEach(closeRigs);

test('media bridge: added latency per packet and CPU of one bridged call', async ({
  lab,
  browser,
  baseURL,
}) => {
  test.setTimeout(15 * 60_000);
  const samples = {
    idleCpuPercent: [] as number[],
    callCpuPercent: [] as number[],
    callSystemCpuPercent: [] as number[],
    steadyCpuPercent: [] as number[],
    steadySystemCpuPercent: [] as number[],
    floorCpuPercent: [] as number[],
    toPlainMedianMs: [] as number[],
    toPlainP99Ms: [] as number[],
    toWebrtcMedianMs: [] as number[],
    toWebrtcP99Ms: [] as number[],
  };
  for (let run = 0; run < RUNS; run++) {
    const r = await rig(browser, baseURL, () => lab.startLegacyPhone(lab.users.legacy2, { direct: true }));
    samples.idleCpuPercent.push((await cpuShare(WINDOW_MS)).total);
    const { dialog } = await appCalls(r, UDP);
    await r.desk.waitForEvent('CALL_ESTABLISHED');
    await expect.poll(async () => (await r.chromium.inboundAudio()).packetsReceived).toBeGreaterThan(50);
    const profile = PROFILE && run === 0 ? new Session() : undefined;
    if (profile) {
      profile.connect();
      await profile.post('Profiler.enable');
      await profile.post('Profiler.start');
    }
    const callCpu = await cpuShare(WINDOW_MS);
    // The profiler's own work would count as the bridge's: a profiled call is not a CPU sample.
    if (profile) {
      const { profile: data } = await profile.post('Profiler.stop');
      await mkdir(OUT, { recursive: true });
      await writeFile(join(OUT, 'media-bridge.cpuprofile'), JSON.stringify(data));
      profile.disconnect();
    } else {
      samples.callCpuPercent.push(callCpu.total);
      samples.callSystemCpuPercent.push(callCpu.system);
      const steadyCpu = await cpuShare(STEADY_WINDOW_MS);
      samples.steadyCpuPercent.push(steadyCpu.total);
      samples.steadySystemCpuPercent.push(steadyCpu.system);
    }
    const stream = r.bridge.reports()[0]?.streams[0];
    const { toPlain, toWebrtc } = stream?.addedLatency ?? {};
    if (!toPlain || !toWebrtc) throw new Error('the bridge measured no packets');
    samples.toPlainMedianMs.push(toPlain.medianMs);
    samples.toPlainP99Ms.push(toPlain.p99Ms);
    samples.toWebrtcMedianMs.push(toWebrtc.medianMs);
    samples.toWebrtcP99Ms.push(toWebrtc.p99Ms);
    const bye = await r.hook.outbound(dialog.request('BYE', 'local'), UDP);
    r.sip.send(bye, r.deskPeer);
    await r.sip.finalResponse(bye);
    await closeRigs();
    // Alternated with the calls, so that both see the same machine.
    samples.floorCpuPercent.push((await relayFloorCpu(WINDOW_MS, STEADY_WINDOW_MS)).cpuPercent);
  }
  const idleOffset = PROFILE ? 1 : 0;
  const lessIdle = (values: number[]) =>
    values.map((value, index) => value - (samples.idleCpuPercent[index + idleOffset] ?? 0));
  const comparisons: Comparison[] = [
    {
      measurement: 'bridge: Chromium -> plain RTP, added per packet, median (ms)',
      app: summarise('a', samples.toPlainMedianMs),
    },
    {
      measurement: 'bridge: Chromium -> plain RTP, added per packet, p99 (ms)',
      app: summarise('b', samples.toPlainP99Ms),
    },
    {
      measurement: 'bridge: plain RTP -> Chromium, added per packet, median (ms)',
      app: summarise('c', samples.toWebrtcMedianMs),
    },
    {
      measurement: 'bridge: plain RTP -> Chromium, added per packet, p99 (ms)',
      app: summarise('d', samples.toWebrtcP99Ms),
    },
    {
      measurement:
        'bridge in the Playwright worker: CPU of one bridged call in progress (10-30 s after the answer), % of one core (idle subtracted)',
      app: summarise('e', lessIdle(samples.steadyCpuPercent)),
      native: summarise('floor', samples.floorCpuPercent),
    },
    {
      measurement:
        'bridge in the Playwright worker: CPU of one bridged call, first 10 s, % of one core (idle subtracted)',
      app: summarise('f', lessIdle(samples.callCpuPercent)),
    },
  ];
  const notes = [
    `${RUNS} calls, one worker process; CPU windows of ${WINDOW_MS / 1000} s (from the answer) and ${STEADY_WINDOW_MS / 1000} s (right after it) each, ${new Date().toISOString()}, load average ${loadavg()[0]?.toFixed(1) ?? '?'} (${cpus().length} cores).`,
    'Latency: from the datagram reaching the bridge socket (werift ICE socket or plain RTP socket) to the send call on the other leg, SRTP included; figures are medians over the call of each run.',
    `Idle worker (lab up, Chromium page open, no call): ${samples.idleCpuPercent.map((v) => v.toFixed(2)).join(', ')} % of one core.`,
    `CPU per call before idle is subtracted, in progress: ${samples.steadyCpuPercent.map((v) => v.toFixed(2)).join(', ')} %, of which in the kernel (socket calls): ${samples.steadySystemCpuPercent.map((v) => v.toFixed(2)).join(', ')} %; first 10 s: ${samples.callCpuPercent.map((v) => v.toFixed(2)).join(', ')} %, kernel ${samples.callSystemCpuPercent.map((v) => v.toFixed(2)).join(', ')} %.`,
    `The CPU row's "native" column is the floor of Node on this machine in the same run: relay-floor.mjs, two UDP sockets relaying the same traffic with one AES-128-GCM operation per packet and nothing else, 10 s of warm-up then 20 s measured, its process alone, after each call: ${samples.floorCpuPercent.map((v) => v.toFixed(2)).join(', ')} %.`,
    'Prototype (shared/gateway.md): 0.28-0.45 ms median, 6-9 % of one core per call. Targets: < 1 ms median, < 3 %.',
  ];
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'media-bridge.json'), `${JSON.stringify({ runs: RUNS, samples }, null, 2)}\n`);
  const report = markdownReport(comparisons, notes);
  await writeFile(join(OUT, 'media-bridge.md'), report);
  console.log(report);
});
