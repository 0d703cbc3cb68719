import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, type Locator } from '@playwright/test';
import type { Lab, LabUser, TurnServer } from '../lab/lab';
import type { AppPage } from './app-page';

/** A STUN server nobody answers inside the loopback-only namespace (the discard port, closed). */
export const UNREACHABLE_STUN = 'stun:127.0.0.1:9';

/** In the account form: adds a STUN or TURN server by URL. */
export async function addIceServer(form: Locator, url: string): Promise<void> {
  await form.getByRole('button', { name: 'Add server' }).click();
  const fields = form.getByRole('textbox', { name: /^Server \d+ URL$/ });
  await fields.last().fill(url);
}

/** In the account form: adds a TURN server with its credential, optionally as the only way for media. */
export async function addTurnServer(form: Locator, turn: TurnServer, relayOnly: boolean): Promise<void> {
  await addIceServer(form, turn.url);
  const index = await form.getByRole('textbox', { name: /^Server \d+ URL$/ }).count();
  await form.getByLabel(`Server ${index} TURN user name`).fill(turn.username);
  await form.getByLabel(`Server ${index} TURN password`).fill(turn.credential);
  if (relayOnly) await form.getByLabel('Send media only through the TURN server (relay only)').check();
}

/**
 * Fills in and saves the account form as `AppPage.addAccount` does, with exact labels: with a TURN
 * server in the form, "Server 1 TURN password" also contains "Password".
 */
export async function saveAccount(form: Locator, user: LabUser, wssUrl: string): Promise<void> {
  await form.getByLabel('Display name', { exact: true }).fill(user.displayName);
  await form.getByLabel('SIP address', { exact: true }).fill(user.aor);
  await form.getByLabel('Authentication user', { exact: true }).fill(user.user);
  await form.getByLabel('Password', { exact: true }).fill(user.password);
  await form.getByLabel('WebSocket server', { exact: true }).fill(wssUrl);
  await form.getByRole('button', { name: 'Save and register' }).click();
}

/** In the account form: moves a codec (audio or video) to the top of its preference list. */
export async function preferCodec(form: Locator, codec: string): Promise<void> {
  const up = form.getByRole('button', { name: `Move ${codec} up`, exact: true });
  while (await up.isEnabled()) await up.click();
}

/** The account page of a new account, set up by hand (the assistant's "Set up manually"). */
export function newAccountForm(app: AppPage): Promise<Locator> {
  return app.accountForm();
}

/** The SDP the app's newest peer connection sent (SIP.js sends the local description as is). */
export async function sentSdp(app: AppPage): Promise<string> {
  return app.page.evaluate(() => {
    const connections = window.__ringlineTestPeerConnections ?? [];
    return connections.at(-1)?.localDescription?.sdp ?? '';
  });
}

/** The codecs the newest peer connection uses, from getStats (`audio/PCMU`…), by direction. */
export async function negotiatedAudioCodecs(app: AppPage): Promise<{ inbound?: string; outbound?: string }> {
  return app.page.evaluate(async () => {
    const pc = (window.__ringlineTestPeerConnections ?? []).at(-1);
    if (!pc) return {};
    const report = await pc.getStats();
    const mime = new Map<string, string>();
    const ids: { inbound?: string; outbound?: string } = {};
    report.forEach((entry: RTCStats & Record<string, unknown>) => {
      if (entry.type === 'codec') mime.set(entry.id, String(entry.mimeType));
      if (entry.kind !== 'audio' || typeof entry.codecId !== 'string') return;
      if (entry.type === 'inbound-rtp') ids.inbound = entry.codecId;
      if (entry.type === 'outbound-rtp') ids.outbound = entry.codecId;
    });
    return {
      ...(ids.inbound ? { inbound: mime.get(ids.inbound) } : {}),
      ...(ids.outbound ? { outbound: mime.get(ids.outbound) } : {}),
    };
  });
}

/** The label of the microphone track the newest call sends. */
export async function sentMicrophoneLabel(app: AppPage): Promise<string> {
  return app.page.evaluate(() => {
    const pc = (window.__ringlineTestPeerConnections ?? []).at(-1);
    const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio');
    return sender?.track?.label ?? '';
  });
}

/** The payload type names of the first `m=audio` line of an SDP, in order (`opus`, `PCMU`…). */
export function audioCodecOrder(sdp: string): string[] {
  const media = /^m=audio \d+ [^ ]+ ([\d ]+)$/m.exec(sdp)?.[1]?.split(' ') ?? [];
  return media.map((pt) => new RegExp(`^a=rtpmap:${pt} ([^/]+)/`, 'm').exec(sdp)?.[1] ?? pt);
}

export async function expectCallUp(app: AppPage): Promise<void> {
  await expect(app.callState()).toContainText('In call');
}

/**
 * The audio codec rtpengine relays on the desk phone's plain RTP leg of the latest call, from its
 * own log: what the server side saw, independent of the browser.
 */
export async function deskPhoneCodec(lab: Lab): Promise<string | undefined> {
  const log = await readFile(join(lab.logsDir, 'rtpengine.log'), 'utf8');
  const used = [...log.matchAll(/Media #1 \(audio over RTP\/AVP\) using (\w+)\//g)];
  return used.at(-1)?.[1];
}

/** The local UDP port Chromium's call media uses (the selected ICE pair's local candidate). */
export async function mediaPort(app: AppPage): Promise<number> {
  return app.page.evaluate(async () => {
    for (const pc of window.__ringlineTestPeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      const entries = [...report.values()] as (RTCStats & Record<string, unknown>)[];
      const transport = entries.find((e) => e.type === 'transport' && e.selectedCandidatePairId);
      const pair = entries.find((e) => e.id === transport?.selectedCandidatePairId);
      const local = entries.find((e) => e.id === pair?.localCandidateId);
      if (typeof local?.port === 'number') return local.port;
    }
    throw new Error('no connected peer connection with a selected candidate pair');
  });
}
