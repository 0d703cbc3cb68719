/**
 * `npm run bench`: call setup and registration figures for the app, beside the same measurements for
 * native SIP phones (baresip <-> baresip through the same Kamailio) in the same run.
 * Writes bench-results/<calls|history>.json and .md. Figures only; nothing here asserts a time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { AppPage } from '../e2e/app-page';
import { expect, test } from '../e2e/fixtures';
import type { Lab } from '../lab/lab';
import { addIceServer, newAccountForm, UNREACHABLE_STUN } from '../e2e/media-settings';
import { replyTime } from './kamailio-replies';
import { markdownReport, summarise, type Comparison } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const OUT = join(import.meta.dirname, '../../bench-results');

const HISTORY_ENTRIES = Number(process.env.BENCH_HISTORY_ENTRIES ?? 100_000);

test.describe.configure({ timeout: 15 * 60_000 });

test('call setup and registration, app vs native', async ({ lab, openApp }) => {
  const samples = {
    register: [] as number[],
    dialToInvite: [] as number[],
    inviteTo200: [] as number[],
    okToFirstRtp: [] as number[],
    answerToFirstRtp: [] as number[],
    inviteToRinging: [] as number[],
    nativeDialToInvite: [] as number[],
    nativeInviteTo200: [] as number[],
    nativeOkToEstablished: [] as number[],
  };

  for (let run = 0; run < RUNS; run++) {
    // A fresh copy of the app each time: WebSocket + TLS, REGISTER, 401 challenge, REGISTER, 200 OK.
    const fresh = await openApp();
    const form = await fresh.accountForm();
    await form.getByLabel('SIP address').fill(lab.users.carol.aor);
    await form.getByLabel('Password', { exact: true }).fill(lab.users.carol.password);
    await form.getByLabel('WebSocket server').fill(lab.wssUrl);
    const clicked = Date.now();
    await form.getByRole('button', { name: 'Save and register' }).click();
    await fresh.expectRegistered();
    samples.register.push(Date.now() - clicked);
    await fresh.context.close();
  }

  const app = await openApp();
  await app.addAccount(lab.users.alice, lab.wssUrl);
  await app.expectRegistered();

  for (let run = 0; run < RUNS; run++) {
    lab.legacy.clearEvents();
    const dialled = Date.now();
    await app.dial(lab.users.legacy.user);
    const invite = await lab.waitForSipRequest('INVITE', { to: lab.users.legacy.user, since: dialled });
    await expect
      .poll(async () => (await app.audioStats()).packetsReceived, { intervals: [5] })
      .toBeGreaterThan(0);
    const firstRtp = Date.now();
    const ok = await replyTime(lab.logsDir, invite.callId, 200);
    samples.dialToInvite.push(invite.time - dialled);
    if (ok !== undefined) {
      samples.inviteTo200.push(ok - invite.time);
      samples.okToFirstRtp.push(firstRtp - ok);
    }
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect(app.callCard()).toHaveCount(0);
  }

  // Incoming: the INVITE at the server to the call ringing in the app (the offer is checked first;
  // SIP.js's automatic 180 goes out before that, so the server's reply times do not show it), and the
  // click on Answer to the first inbound RTP packet at the app.
  for (let run = 0; run < RUNS; run++) {
    lab.legacy.clearEvents();
    const dialled = Date.now();
    await lab.legacy.dial(lab.users.alice.aor);
    const answer = app.incomingCall(lab.users.legacy.displayName).getByRole('button', { name: 'Answer' });
    await answer.waitFor();
    const shown = Date.now();
    const invite = await lab.waitForSipRequest('INVITE', {
      from: lab.users.legacy.user,
      to: lab.users.alice.user,
      since: dialled,
    });
    // The INVITE that was let through: after a 407 challenge the phone sends it again.
    const relayed = (await lab.sipRequests({ method: 'INVITE', callId: invite.callId })).at(-1) ?? invite;
    samples.inviteToRinging.push(shown - relayed.time);
    const clicked = Date.now();
    await answer.click();
    await expect
      .poll(async () => (await app.audioStats()).packetsReceived, { intervals: [5] })
      .toBeGreaterThan(0);
    samples.answerToFirstRtp.push(Date.now() - clicked);
    await lab.legacy.hangup();
    await expect(app.callCard()).toHaveCount(0);
  }

  // Native reference: one baresip calls another through the same Kamailio and rtpengine.
  const desk = await lab.startLegacyPhone(lab.users.legacy2, { toneHz: 880 });
  try {
    await lab.waitForRegistered(lab.users.legacy2.aor);
    for (let run = 0; run < RUNS; run++) {
      lab.legacy.clearEvents();
      desk.clearEvents();
      const dialled = Date.now();
      await desk.dial(lab.users.legacy.aor);
      const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.legacy2.user, since: dialled });
      await desk.waitForEvent('CALL_ESTABLISHED');
      const established = Date.now();
      const ok = await replyTime(lab.logsDir, invite.callId, 200);
      samples.nativeDialToInvite.push(invite.time - dialled);
      if (ok !== undefined) {
        samples.nativeInviteTo200.push(ok - invite.time);
        samples.nativeOkToEstablished.push(established - ok);
      }
      await desk.hangup();
      await lab.legacy.waitForEvent('CALL_CLOSED');
    }
  } finally {
    await desk.stop();
  }

  const comparisons: Comparison[] = [
    { measurement: 'connect + register (click -> Registered)', app: summarise('register', samples.register) },
    {
      measurement: 'dial -> INVITE at the server (host candidates only)',
      app: summarise('dialToInvite', samples.dialToInvite),
      native: summarise('nativeDialToInvite', samples.nativeDialToInvite),
    },
    {
      measurement: 'INVITE -> 200 OK at the server',
      app: summarise('inviteTo200', samples.inviteTo200),
      native: summarise('nativeInviteTo200', samples.nativeInviteTo200),
    },
    {
      measurement: '200 OK -> first inbound RTP at the caller (native: call established)',
      app: summarise('okToFirstRtp', samples.okToFirstRtp),
      native: summarise('nativeOkToEstablished', samples.nativeOkToEstablished),
    },
    {
      measurement: 'incoming INVITE at the server -> the call rings in the app (offer check included)',
      app: summarise('inviteToRinging', samples.inviteToRinging),
    },
    {
      measurement: 'answer click -> first inbound RTP at the callee',
      app: summarise('answerToFirstRtp', samples.answerToFirstRtp),
    },
  ];
  const notes = [
    `${RUNS} runs each, ${new Date().toISOString()}, Chromium ${app.context.browser()?.version() ?? '?'}, loopback only.`,
    'The app dials the desk phone through rtpengine (WebRTC -> plain RTP); native is baresip -> baresip (plain RTP).',
    'Times are taken from Kamailio log timestamps and the test process clock on the same machine; first RTP is polled every 5 ms from getStats.',
  ];
  await writeReport('calls', comparisons, notes, samples);
});

test('dial -> INVITE: host candidates only, and with an unreachable STUN server', async ({
  lab,
  openApp,
}) => {
  /** Dials the desk phone RUNS times; returns dial -> INVITE at Kamailio for each call. */
  const dialToInvite = async (stunUrl?: string): Promise<number[]> => {
    const app = await openApp();
    if (stunUrl) await addIceServer(await newAccountForm(app), stunUrl);
    await app.addAccount(lab.users.alice, lab.wssUrl);
    await app.expectRegistered();
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      lab.legacy.clearEvents();
      const dialled = Date.now();
      await app.dial(lab.users.legacy.user);
      const invite = await lab.waitForSipRequest('INVITE', { to: lab.users.legacy.user, since: dialled });
      samples.push(invite.time - dialled);
      await lab.legacy.waitForEvent('CALL_ESTABLISHED');
      await app.button('Hang up').click();
      await lab.legacy.waitForEvent('CALL_CLOSED');
      await expect(app.callCard()).toHaveCount(0);
    }
    await app.context.close();
    return samples;
  };
  const hostOnly = await dialToInvite();
  const unreachableStun = await dialToInvite(UNREACHABLE_STUN);
  const comparisons: Comparison[] = [
    { measurement: 'dial -> INVITE at the server, host-only', app: summarise('hostOnly', hostOnly) },
    {
      measurement: `dial -> INVITE at the server, with an unreachable STUN server (${UNREACHABLE_STUN})`,
      app: summarise('unreachableStun', unreachableStun),
    },
  ];
  const notes = [
    `${RUNS} runs each, ${new Date().toISOString()}, loopback only; the app calls the desk phone.`,
    'ICE gathering stops at the first host candidate without servers; with STUN it waits at most 500 ms after the host candidates for a reflexive one (Chromium alone waits ~40 s for an unreachable server).',
  ];
  await writeReport('ice-gathering', comparisons, notes, { hostOnly, unreachableStun });
});

test('call history at 100,000 entries: first paint and search', async ({ openApp }) => {
  const app = await openApp();
  await app.page.getByRole('button', { name: 'Recent calls' }).waitFor();
  // Fill IndexedDB directly (the app's own database, created by the app on start) with varied calls.
  const insertMs = await app.page.evaluate(async (count) => {
    const started = performance.now();
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('ringline-history');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const now = Date.now();
    const names = ['Alice Smith', '张伟', 'Bob Jones', 'Desk 12', 'Support line', 'Zoë Adams'];
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('calls', 'readwrite');
      const store = tx.objectStore('calls');
      for (let i = 0; i < count; i++) {
        const startedAt = now - i * 60_000;
        const missed = i % 7 === 0;
        store.put({
          id: `bench-${i}`,
          accountId: 'bench',
          direction: i % 3 === 0 ? 'outgoing' : 'incoming',
          remoteUri: `sip:${2015550000 + i}@pbx.example.com`,
          remoteDisplayName: i === count - 1 ? 'Needle Person' : (names[i % names.length] ?? ''),
          remoteNumber: String(2015550000 + i),
          startedAt,
          ...(missed ? {} : { answeredAt: startedAt + 5_000 }),
          endedAt: startedAt + 65_000,
          durationSeconds: missed ? 0 : 60,
          endReason: missed ? 'cancelled' : 'remote-hangup',
          outcome: missed ? 'missed' : 'answered',
          seen: 1,
        });
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return performance.now() - started;
  }, HISTORY_ENTRIES);

  const firstPaint: number[] = [];
  const search: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await app.page.reload();
    const open = app.page.getByRole('button', { name: 'Recent calls' });
    await open.waitFor();
    const clicked = Date.now();
    await open.click();
    await app.page.locator('.history-row').first().waitFor();
    firstPaint.push(Date.now() - clicked);
    // Search once the whole list is in memory (the first page shows before it is).
    await expect(app.page.locator('.history-scroller')).toHaveAttribute('aria-busy', 'false', {
      timeout: 60_000,
    });

    const typed = Date.now();
    await app.page.getByLabel('Search calls').fill('Needle');
    await expect(app.page.locator('.history-row').first()).toContainText('Needle Person');
    search.push(Date.now() - typed);
  }
  await app.page.getByLabel('Search calls').fill('');
  await app.page.locator('.history-row').nth(5).waitFor();
  const rendered = await app.page.locator('.history-row').count();
  const comparisons: Comparison[] = [
    {
      measurement: `history first paint at ${HISTORY_ENTRIES} entries (click -> first row)`,
      app: summarise('firstPaint', firstPaint),
    },
    {
      measurement: `history search at ${HISTORY_ENTRIES} entries (type -> result shown)`,
      app: summarise('search', search),
    },
  ];
  const notes = [
    `${HISTORY_ENTRIES} entries inserted in ${Math.round(insertMs)} ms (one IndexedDB transaction); ${RUNS} runs each.`,
    `Entry rows in the DOM showing the whole list: ${rendered} (the list is virtualised).`,
    'Search is timed once the whole list is in memory; right after opening, it waits for that read (several seconds at 100,000 on this 2-core machine).',
  ];
  await writeReport('history', comparisons, notes, { firstPaint, search, insertMs: [insertMs] });
});

const MEMORY_CALLS = Number(process.env.BENCH_MEMORY_CALLS ?? 200);
const MEMORY_WARMUP_CALLS = 5;

/** The page's live JS heap after a full garbage collection (Chromium DevTools protocol). */
async function heapAfterGc(app: AppPage): Promise<{ usedBytes: number; listeners: number; nodes: number }> {
  const cdp = await app.context.newCDPSession(app.page);
  try {
    // Twice: objects freed by the first pass (finalizers, weak maps) go in the second.
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? 0;
    return { usedBytes: usedSize, listeners: metric('JSEventListeners'), nodes: metric('Nodes') };
  } finally {
    await cdp.detach();
  }
}

/** One short call to the desk phone: up with media, then hung up and gone from the screen. */
async function shortCall(app: AppPage, lab: Lab): Promise<void> {
  lab.legacy.clearEvents();
  await app.dial(lab.users.legacy.user);
  await expect(app.callState()).toContainText('In call');
  await expect
    .poll(async () => (await app.audioStats()).packetsReceived, { intervals: [20] })
    .toBeGreaterThan(0);
  await app.button('Hang up').click();
  await lab.legacy.waitForEvent('CALL_CLOSED');
  await expect(app.callCard()).toHaveCount(0);
  // The app must close every peer connection it opened; the test's own record of them (app-page.ts)
  // is emptied so that it is not what keeps them in memory.
  const open = await app.page.evaluate(() => {
    const recorded = window.__ringlineTestPeerConnections ?? [];
    const stillOpen = recorded.filter((pc) => pc.connectionState !== 'closed').length;
    recorded.length = 0;
    return stillOpen;
  });
  expect(open, 'peer connections left open after the call').toBe(0);
}

test('renderer memory idle and after 200 consecutive calls', async ({ lab, openApp }) => {
  // 200 calls take minutes on an idle machine and far longer on a loaded one; nothing here is timed.
  test.setTimeout(60 * 60_000);
  const app = await openApp();
  await app.addAccount(lab.users.alice, lab.wssUrl);
  await app.expectRegistered();
  const idle = await heapAfterGc(app);
  // The first calls load code paths and media devices once; growth is measured after them.
  for (let call = 0; call < MEMORY_WARMUP_CALLS; call++) await shortCall(app, lab);
  const warm = await heapAfterGc(app);
  const started = Date.now();
  for (let call = 0; call < MEMORY_CALLS; call++) await shortCall(app, lab);
  const seconds = (Date.now() - started) / 1000;
  const after = await heapAfterGc(app);

  const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 100) / 100;
  const perCall = Math.round((after.usedBytes - warm.usedBytes) / MEMORY_CALLS);
  const figures = {
    idleMiB: mib(idle.usedBytes),
    afterWarmupMiB: mib(warm.usedBytes),
    afterCallsMiB: mib(after.usedBytes),
    deltaMiB: mib(after.usedBytes - warm.usedBytes),
    bytesPerCall: perCall,
    listeners: [idle.listeners, warm.listeners, after.listeners],
    domNodes: [idle.nodes, warm.nodes, after.nodes],
  };
  const report = [
    '## Renderer memory (JS heap after a full GC)',
    '',
    '| | JS heap | event listeners | DOM nodes |',
    '| --- | --- | --- | --- |',
    `| idle, registered | ${figures.idleMiB} MiB | ${idle.listeners} | ${idle.nodes} |`,
    `| after ${MEMORY_WARMUP_CALLS} warm-up calls | ${figures.afterWarmupMiB} MiB | ${warm.listeners} | ${warm.nodes} |`,
    `| after ${MEMORY_CALLS} more calls | ${figures.afterCallsMiB} MiB | ${after.listeners} | ${after.nodes} |`,
    '',
    `Growth over the ${MEMORY_CALLS} calls: ${figures.deltaMiB} MiB (${perCall} bytes per call). ` +
      `${MEMORY_CALLS} calls took ${Math.round(seconds)} s. Call history is read from IndexedDB only while its view is open.`,
    '',
  ].join('\n');
  await mkdir(OUT, { recursive: true });
  await writeFile(
    join(OUT, 'memory.json'),
    `${JSON.stringify({ calls: MEMORY_CALLS, ...figures }, null, 2)}\n`,
  );
  await writeFile(join(OUT, 'memory.md'), report);
  console.log(report);
});

test('reconnection: app start -> registered, SIP server restart -> re-registered', async ({
  lab,
  openApp,
}) => {
  const user = lab.users.bob;
  const samples = {
    startToForm: [] as number[],
    startToRegistered: [] as number[],
    restartToRegistered: [] as number[],
  };
  for (let run = 0; run < RUNS; run++) {
    // The browser build keeps passwords only in memory, so every start enters the account: the figure
    // includes the form being filled by the test (tens of ms), as a first start does.
    const started = Date.now();
    const app = await openApp();
    await app.assistant().waitFor();
    samples.startToForm.push(Date.now() - started);
    await app.addAccount(user, lab.wssUrl);
    await app.expectRegistered();
    samples.startToRegistered.push(Date.now() - started);

    await lab.stopSipServer();
    await expect(app.registrationStatus()).toContainText('Reconnecting…');
    await lab.startSipServer();
    const back = Date.now();
    await lab.waitForRegistered(user.aor, 60_000);
    samples.restartToRegistered.push(Date.now() - back);
    await app.expectRegistered();
    await app.context.close();
  }
  const comparisons: Comparison[] = [
    { measurement: 'app start -> account form shown', app: summarise('startToForm', samples.startToForm) },
    {
      measurement: 'app start -> Registered (account entered at start)',
      app: summarise('startToRegistered', samples.startToRegistered),
    },
    {
      measurement: 'SIP server back -> registered again at the server (backoff wait included)',
      app: summarise('restartToRegistered', samples.restartToRegistered),
    },
  ];
  const notes = [
    `${RUNS} runs each, ${new Date().toISOString()}, loopback only, load average ${loadavg()[0]?.toFixed(1) ?? '?'} at the end (${cpus().length} cores).`,
    'Restart: Kamailio stopped, the app shows "Reconnecting…", Kamailio started on the same ports; the clock starts when it answers and stops when `ul.dump` lists the AoR (polled every 50 ms).',
    'The app retries with full-jitter exponential backoff (ceiling 1 s, doubling, at most 30 s), so this figure is mostly the random wait left when the server came back.',
  ];
  await writeReport('reconnect', comparisons, notes, samples);
});

/** Writes bench-results/<name>.json and .md, and prints the table. */
async function writeReport(
  name: string,
  comparisons: Comparison[],
  notes: string[],
  samples: Record<string, number[]>,
): Promise<void> {
  await mkdir(OUT, { recursive: true });
  await writeFile(
    join(OUT, `${name}.json`),
    `${JSON.stringify({ runs: RUNS, comparisons, samples }, null, 2)}\n`,
  );
  const report = markdownReport(comparisons, notes);
  await writeFile(join(OUT, `${name}.md`), report);
  console.log(report);
}
