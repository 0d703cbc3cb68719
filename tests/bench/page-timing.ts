/**
 * Times taken inside the app's page rather than in the test process, so that Playwright's own round
 * trips (tens of ms on a loaded machine) are not counted as the app's: the click as the page saw it,
 * and the first RTP packet as the page's peer connections report it. The page's clock is the
 * machine's, like Kamailio's log timestamps and the packet capture's.
 */
import type { Locator, Page } from '@playwright/test';

declare global {
  interface Window {
    __benchClickedAt?: number;
    /** When the page received each final response to an INVITE, by Call-ID (see {@link recordInviteAnswers}). */
    __benchInviteAnswers?: Record<string, number>;
  }
}

/** Clicks `target`; resolves with the click event's own time stamp (ms since the epoch). */
export async function clickAt(target: Locator): Promise<number> {
  await target.evaluate((element) => {
    window.__benchClickedAt = undefined;
    element.addEventListener(
      'click',
      (event) => {
        window.__benchClickedAt = performance.timeOrigin + event.timeStamp;
      },
      { once: true, capture: true },
    );
  });
  await target.click();
  const at = await target.page().evaluate(() => window.__benchClickedAt);
  if (at === undefined) throw new Error('the page saw no click');
  return at;
}

/**
 * Resolves with when the first inbound RTP packet arrived on any open peer connection of the page
 * (`inbound-rtp` `packetsReceived` above 0), polled in the page every 5 ms. Start it before the
 * action that brings the packet; connections closed by then (earlier calls) do not count.
 */
export function firstInboundRtpAt(page: Page, timeoutMs = 15_000): Promise<number> {
  return page.evaluate(async (timeout) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const pc of window.__ringlineTestPeerConnections ?? []) {
        if (pc.connectionState === 'closed') continue;
        let packets = 0;
        (await pc.getStats()).forEach((entry: RTCStats & Record<string, unknown>) => {
          if (entry.type === 'inbound-rtp' && entry.kind === 'audio')
            packets += Number(entry.packetsReceived ?? 0);
        });
        if (packets > 0) return Date.now();
      }
      if (Date.now() > deadline) throw new Error('no inbound RTP packet');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }, timeoutMs);
}

/**
 * An init script: records when the page receives each 2xx to an INVITE over its WebSocket (the
 * message event's own time stamp, ms since the epoch), by Call-ID. Between Kamailio's log line for a
 * 200 OK and the app lie rtpengine's answer and the relay over WSS, which a native phone's call
 * does not cross: this is where the app's own part of "200 OK -> first RTP" starts. On the direct
 * path the SIP message comes inside the local gateway service's JSON event (`{ kind: 'event',
 * event: { kind: 'message', message } }`), after the bridge rewrote its SDP.
 */
export function recordInviteAnswers(): void {
  const answers: Record<string, number> = {};
  window.__benchInviteAnswers = answers;
  const sipText = (data: unknown): string | undefined => {
    if (typeof data !== 'string') return undefined;
    if (!data.startsWith('{')) return data;
    const parsed = JSON.parse(data) as { event?: { message?: unknown } };
    return typeof parsed.event?.message === 'string' ? parsed.event.message : undefined;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        const text = sipText(event.data);
        if (!text?.startsWith('SIP/2.0 2')) return;
        if (!/^CSeq:\s*\d+\s+INVITE\s*$/im.test(text)) return;
        const callId = /^(?:Call-ID|i):\s*(\S+)\s*$/im.exec(text)?.[1];
        if (callId && answers[callId] === undefined)
          answers[callId] = performance.timeOrigin + event.timeStamp;
      });
    }
  };
}

/** When the page received the first 2xx to the INVITE of `callId` (needs {@link recordInviteAnswers}). */
export async function inviteAnswerAt(page: Page, callId: string): Promise<number | undefined> {
  return page.evaluate((id) => window.__benchInviteAnswers?.[id], callId);
}
