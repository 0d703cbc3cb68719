/**
 * `npm run bench`: call setup and registration figures for the app, beside the same measurements for
 * native SIP phones (baresip <-> baresip through the same Kamailio) in the same run.
 * Writes bench-results/<calls|history>.json and .md. Figures only; nothing here asserts a time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../e2e/fixtures';
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
    nativeDialToInvite: [] as number[],
    nativeInviteTo200: [] as number[],
    nativeOkToEstablished: [] as number[],
  };

  for (let run = 0; run < RUNS; run++) {
    // A fresh copy of the app each time: WebSocket + TLS, REGISTER, 401 challenge, REGISTER, 200 OK.
    const fresh = await openApp();
    const form = fresh.page.getByRole('form', { name: 'Add account' });
    await form.getByLabel('SIP address').fill(lab.users.carol.aor);
    await form.getByLabel('Password').fill(lab.users.carol.password);
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

  // Incoming: from the click on Answer to the first inbound RTP packet at the app.
  for (let run = 0; run < RUNS; run++) {
    lab.legacy.clearEvents();
    await lab.legacy.dial(lab.users.alice.aor);
    const answer = app.incomingCall(lab.users.legacy.displayName).getByRole('button', { name: 'Answer' });
    await answer.waitFor();
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
    if (stunUrl) await addIceServer(newAccountForm(app), stunUrl);
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
