/**
 * `npm run bench`: what the gateway's media bridge costs per call where the product bridges it: the
 * time it adds to each packet (RTP in -> RTP out, timestamps at the sockets, per direction, SRTP
 * included) and the CPU of one bridged call. The app (Chromium) has a UDP account through the local
 * gateway service, which runs in a Node process of its own as `npm run web` starts it
 * (gateway-process.mjs), and calls the lab's desk phone (baresip) through Kamailio with no
 * rtpengine: Chromium <-> the service's bridge <-> baresip, G.711 20 ms, 50 packets a second each
 * way. That process's CPU is read from /proc (utime + stime), so none of Playwright's
 * work, the page's or the lab's counts. The service also carries the account's SIP (registration,
 * keep-alives) as it does for a user; the idle window before each call holds the same.
 *
 * The CPU is read in two windows of each call: the first 10 s after the desk phone answers (end of
 * ICE and DTLS, the set-up's garbage, and the JIT's warm-up in the first call: V8 optimises a
 * function only once it has run for a while), then 20 s of the call in progress, what each further
 * minute of a call costs. Set BENCH_CPU_PROFILE=1 to also write a V8 CPU profile of the service over
 * the in-progress window of one more call (bench-results/media-bridge-service.cpuprofile).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { MediaReport } from '../../electron/gateway/media-bridge/media-report';
import { expect, test } from '../e2e/fixtures';
import { processCpuShare, relayFloorCpu } from './process-cpu';
import { markdownReport, summarise, type Comparison } from './stats';

const PROFILE = process.env.BENCH_CPU_PROFILE === '1';
const RUNS = Number(process.env.BENCH_BRIDGE_RUNS ?? 3);
const WINDOW_MS = 10_000;
const STEADY_WINDOW_MS = 20_000;
const ROOT = join(import.meta.dirname, '../..');
const OUT = join(ROOT, 'bench-results');

interface ServiceMessage {
  kind: string;
  url?: string;
  reports?: MediaReport[];
}

/** The gateway service's process, and the requests the bench makes of it over IPC. */
class ServiceProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<ServiceProcess> {
    const child = fork(join(import.meta.dirname, 'gateway-process.mjs'), { cwd: ROOT, stdio: 'inherit' });
    const [ready] = (await once(child, 'message')) as [ServiceMessage];
    if (ready.kind !== 'ready' || !ready.url) throw new Error(`gateway process: unexpected ${ready.kind}`);
    return new ServiceProcess(child, ready.url);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('gateway process has no pid');
    return this.child.pid;
  }

  private async ask(request: object, answer: string): Promise<ServiceMessage> {
    const reply = new Promise<ServiceMessage>((resolve) => {
      const listen = (message: ServiceMessage) => {
        if (message.kind !== answer) return;
        this.child.off('message', listen);
        resolve(message);
      };
      this.child.on('message', listen);
    });
    this.child.send(request);
    return reply;
  }

  async reports(): Promise<MediaReport[]> {
    return (await this.ask({ kind: 'reports' }, 'reports')).reports ?? [];
  }

  async profile(path: string, ms: number): Promise<void> {
    await this.ask({ kind: 'profile-start' }, 'profiling');
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.ask({ kind: 'profile-stop', path }, 'profiled');
  }

  async stop(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await exited;
  }
}

test('media bridge in the gateway service process: added latency per packet and CPU of one bridged call', async ({
  lab,
  openApp,
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
    codecs: [] as string[],
    srtpProfiles: [] as string[],
  };
  const service = await ServiceProcess.start();
  try {
    const app = await openApp(service.url);
    await app.addDirectAccount(lab.users.alice, { transport: 'udp', server: `127.0.0.1:${lab.udpPort}` });
    await app.expectRegistered();
    // The profiled call comes first and gives no figure: the profiler's work would count as the bridge's.
    for (let run = PROFILE ? -1 : 0; run < RUNS; run++) {
      lab.legacy.clearEvents();
      const idle = await processCpuShare(service.pid, WINDOW_MS);
      await app.dial(lab.users.legacy.user);
      await lab.legacy.waitForEvent('CALL_ESTABLISHED');
      // Media both ways before the windows start.
      await expect
        .poll(async () => {
          const stream = (await service.reports())[0]?.streams[0];
          return Math.min(stream?.webrtc.packetsIn ?? 0, stream?.plain.packetsIn ?? 0);
        })
        .toBeGreaterThan(50);
      if (run < 0) {
        await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
        await mkdir(OUT, { recursive: true });
        await service.profile(join(OUT, 'media-bridge-service.cpuprofile'), STEADY_WINDOW_MS);
      } else {
        samples.idleCpuPercent.push(idle.total);
        const first = await processCpuShare(service.pid, WINDOW_MS);
        samples.callCpuPercent.push(first.total);
        samples.callSystemCpuPercent.push(first.system);
        const steady = await processCpuShare(service.pid, STEADY_WINDOW_MS);
        samples.steadyCpuPercent.push(steady.total);
        samples.steadySystemCpuPercent.push(steady.system);
        const stream = (await service.reports())[0]?.streams[0];
        samples.codecs.push(stream?.codecs.join(' + ') ?? '?');
        samples.srtpProfiles.push(stream?.webrtc.srtp ?? 'werift (not relayed)');
        const { toPlain, toWebrtc } = stream?.addedLatency ?? {};
        if (!toPlain || !toWebrtc) throw new Error('the bridge measured no packets');
        samples.toPlainMedianMs.push(toPlain.medianMs);
        samples.toPlainP99Ms.push(toPlain.p99Ms);
        samples.toWebrtcMedianMs.push(toWebrtc.medianMs);
        samples.toWebrtcP99Ms.push(toWebrtc.p99Ms);
      }
      await app.button('Hang up').click();
      await lab.legacy.waitForEvent('CALL_CLOSED');
      await expect(app.callCard()).toHaveCount(0);
      // Alternated with the calls, so that both see the same machine.
      if (run >= 0)
        samples.floorCpuPercent.push((await relayFloorCpu(WINDOW_MS, STEADY_WINDOW_MS)).cpuPercent);
    }
  } finally {
    await service.stop();
  }
  const lessIdle = (values: number[]) =>
    values.map((value, index) => value - (samples.idleCpuPercent[index] ?? 0));
  const list = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
  const comparisons: Comparison[] = [
    {
      measurement: 'bridge: Chromium -> plain RTP, added per packet, median (ms)',
      app: summarise('to plain median', samples.toPlainMedianMs),
    },
    {
      measurement: 'bridge: Chromium -> plain RTP, added per packet, p99 (ms)',
      app: summarise('to plain p99', samples.toPlainP99Ms),
    },
    {
      measurement: 'bridge: plain RTP -> Chromium, added per packet, median (ms)',
      app: summarise('to Chromium median', samples.toWebrtcMedianMs),
    },
    {
      measurement: 'bridge: plain RTP -> Chromium, added per packet, p99 (ms)',
      app: summarise('to Chromium p99', samples.toWebrtcP99Ms),
    },
    {
      measurement:
        'bridge in the gateway service process: CPU of one bridged call in progress (10-30 s after the answer), % of one core (idle subtracted)',
      app: summarise('steady', lessIdle(samples.steadyCpuPercent)),
      native: summarise('floor', samples.floorCpuPercent),
    },
    {
      measurement:
        'bridge in the gateway service process: CPU of one bridged call, first 10 s, % of one core (idle subtracted)',
      app: summarise('first', lessIdle(samples.callCpuPercent)),
    },
  ];
  const notes = [
    `${RUNS} calls, app -> Kamailio -> desk phone over UDP through the gateway service in its own process (pid read through /proc); CPU windows of ${WINDOW_MS / 1000} s (from the answer) and ${STEADY_WINDOW_MS / 1000} s (right after it) each, ${new Date().toISOString()}, load average ${loadavg()[0]?.toFixed(1) ?? '?'} (${cpus().length} cores).`,
    `Idle service (account registered, page open, no call), ${WINDOW_MS / 1000} s before each call: ${list(samples.idleCpuPercent)} % of one core.`,
    `Service CPU per call before idle is subtracted, in progress: ${list(samples.steadyCpuPercent)} %, of which in the kernel (socket calls): ${list(samples.steadySystemCpuPercent)} %; first 10 s: ${list(samples.callCpuPercent)} %, kernel ${list(samples.callSystemCpuPercent)} %.`,
    `Codecs of each call: ${samples.codecs.join('; ')}; SRTP profile of the Chromium leg: ${samples.srtpProfiles.join('; ')}.`,
    `Added per packet, from the datagram reaching the bridge's socket to the send call on the other leg (SRTP included), one packet in four, the last 4096 of each call (ms): Chromium -> plain median ${list(samples.toPlainMedianMs)}, p99 ${list(samples.toPlainP99Ms)}; plain -> Chromium median ${list(samples.toWebrtcMedianMs)}, p99 ${list(samples.toWebrtcP99Ms)}.`,
    `The CPU row's "native" column is the floor of Node on this machine in the same run: relay-floor.mjs, two UDP sockets relaying the same traffic between two peers in another process (as the bridge relays between Chromium and the phone) with one AES-128-GCM operation per packet (a cipher built per packet, as SRTP with Chromium's default profile needs) and nothing else, 10 s of warm-up then 20 s measured, its process alone, after each call: ${list(samples.floorCpuPercent)} %.`,
    'Targets (issue 12): < 1 ms added per packet (median), < 3 % of one core per call.',
  ];
  await mkdir(OUT, { recursive: true });
  await writeFile(
    join(OUT, 'media-bridge-service.json'),
    `${JSON.stringify({ runs: RUNS, samples }, null, 2)}\n`,
  );
  const report = markdownReport(comparisons, notes);
  await writeFile(join(OUT, 'media-bridge-service.md'), report);
  console.log(report);
});
