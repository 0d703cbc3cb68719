/**
 * The app answers what a broken or unusual peer sends as RFC 3261 §8.2 says, on its own (stateless,
 * before SIP.js), and a call that cannot be taken never rings, at the caller's end or on screen.
 * Each request is injected towards the app through a WebSocket proxy; its reply is read back there.
 */
import type { FuzzTarget } from '../lab/sip-fuzz';
import type { AppPage } from './app-page';
import { expect, test } from './fixtures';
import {
  INJECTED_BRANCH_PREFIX,
  injectionTarget,
  replyHeader,
  repliesByBranch,
  startInjectingProxy,
  type InjectedReply,
} from './sip-injection';
import type { WsProxy } from '../lab/ws-proxy';

const SDP_OFFER_PLAIN_RTP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
  'm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

interface RequestParts {
  method: string;
  /** Replaces the request line (e.g. another SIP version). */
  requestLine?: string;
  cseqMethod?: string;
  extra?: string[];
  body?: string;
  contentType?: string;
  /** Content-Length lines to send instead of the right one. */
  contentLengths?: string[];
  /** Call-ID and From tag, to address the request's CANCEL. */
  callId?: string;
}

/** A request from a made-up caller to the app's user, through the proxy. */
function sipRequest(target: FuzzTarget, branch: string, parts: RequestParts): string {
  const uri = `sip:${target.user}@${target.domain}`;
  const body = parts.body ?? '';
  const lines = [
    parts.requestLine ?? `${parts.method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/WSS ${target.sentBy};branch=${branch}`,
    'Max-Forwards: 70',
    `From: "Odd Phone" <sip:odd@${target.domain}>;tag=odd-${branch}`,
    `To: <${uri}>`,
    `Call-ID: ${parts.callId ?? `guard-${branch}`}`,
    `CSeq: 1 ${parts.cseqMethod ?? parts.method}`,
    `Contact: <sip:odd@${target.sentBy};transport=ws>`,
    ...(parts.extra ?? []),
    ...(body ? [`Content-Type: ${parts.contentType ?? 'application/sdp'}`] : []),
    ...(parts.contentLengths ?? [`Content-Length: ${new TextEncoder().encode(body).length}`]).map((line) =>
      line.includes(':') ? line : `Content-Length: ${line}`,
    ),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Waits for the app's final reply to the request with `branch` and `method`. */
async function finalReply(proxy: WsProxy, branch: string, method: string): Promise<InjectedReply> {
  let reply: InjectedReply | undefined;
  await expect
    .poll(
      () =>
        (reply = repliesByBranch(proxy)
          .get(branch)
          ?.find((r) => r.statusCode >= 200 && (r.cseqMethod ?? method) === method)),
      { message: `a final reply to ${method} ${branch}` },
    )
    .toBeDefined();
  return reply as InjectedReply;
}

/** Status codes the app sent for the INVITE of `branch`, in order. */
function inviteStatuses(proxy: WsProxy, branch: string): number[] {
  return (repliesByBranch(proxy).get(branch) ?? [])
    .filter((reply) => reply.cseqMethod === 'INVITE')
    .map((reply) => reply.statusCode);
}

async function registeredThroughProxy(
  openApp: () => Promise<AppPage>,
  proxy: WsProxy,
  alice: Parameters<AppPage['addAccount']>[0],
): Promise<AppPage> {
  const app = await openApp();
  await app.addAccount(alice, proxy.url);
  await app.expectRegistered();
  return app;
}

async function expectNothingRang(app: AppPage): Promise<void> {
  await expect(app.incomingCall()).toHaveCount(0);
  expect(await app.notifications()).toEqual([]);
  await expect(app.button(/Recent calls/)).not.toContainText('missed');
}

test('requests SIP.js would take wrongly get RFC 3261’s answer, with the headers it asks for, and nothing rings', async ({
  lab,
  openApp,
}) => {
  const proxy = await startInjectingProxy(lab);
  try {
    const app = await registeredThroughProxy(openApp, proxy, lab.users.alice);
    const target = injectionTarget(lab, proxy);
    const cases: {
      name: string;
      parts: RequestParts;
      status: number;
      headers?: Record<string, string>;
    }[] = [
      {
        name: 'an INVITE whose body is not SDP (§8.2.3, §21.4.13)',
        parts: { method: 'INVITE', body: 'ring ring', contentType: 'text/plain' },
        status: 415,
        headers: { Accept: 'application/sdp' },
      },
      {
        name: 'an INVITE requiring an unknown extension (§8.2.2.3)',
        parts: {
          method: 'INVITE',
          body: SDP_OFFER_PLAIN_RTP,
          extra: ['Require: 100rel, nothingSupportsThis'],
        },
        status: 420,
        headers: { Unsupported: 'nothingSupportsThis' },
      },
      {
        name: 'an OPTIONS requiring two unknown extensions (RFC 4475 "bext01")',
        parts: {
          method: 'OPTIONS',
          extra: ['Require: nothingSupportsThis, nothingSupportsThisEither'],
        },
        status: 420,
        headers: { Unsupported: 'nothingSupportsThis, nothingSupportsThisEither' },
      },
      {
        name: 'SIP/7.0 (§8.2.2, §21.5.6)',
        parts: { method: 'OPTIONS', requestLine: `OPTIONS sip:${target.user}@${target.domain} SIP/7.0` },
        status: 505,
      },
      {
        name: 'a CSeq method other than the request’s (§8.1.1.5)',
        parts: { method: 'OPTIONS', cseqMethod: 'INVITE' },
        status: 400,
      },
      {
        name: 'two different Content-Length values (RFC 4475 "mcl01")',
        parts: {
          method: 'OPTIONS',
          body: 'hello',
          contentType: 'text/plain',
          contentLengths: ['5', 'l: 3'],
        },
        status: 400,
      },
      {
        name: 'an INVITE whose Accept takes no SDP (§21.4.7)',
        parts: { method: 'INVITE', body: SDP_OFFER_PLAIN_RTP, extra: ['Accept: text/nobodyKnowsThis'] },
        status: 406,
      },
    ];
    for (const [index, { parts }] of cases.entries())
      await proxy.injectToClient(sipRequest(target, `${INJECTED_BRANCH_PREFIX}guard${index}`, parts));
    for (const [index, { name, parts, status, headers }] of cases.entries()) {
      const branch = `${INJECTED_BRANCH_PREFIX}guard${index}`;
      const reply = await finalReply(proxy, branch, parts.cseqMethod ?? parts.method);
      expect(reply.statusCode, name).toBe(status);
      for (const [header, value] of Object.entries(headers ?? {}))
        expect(replyHeader(reply, header), `${name}: ${header}`).toBe(value);
      // Answered before SIP.js saw it: no 100 Trying, no 180 for any of them.
      expect(
        (repliesByBranch(proxy).get(branch) ?? []).filter((r) => r.statusCode < 200),
        `${name}: provisional replies`,
      ).toEqual([]);
    }
    await expectNothingRang(app);
  } finally {
    await proxy.stop();
  }
});

test('a call whose offer cannot be used is refused with 488 before any 180 and never rings', async ({
  lab,
  openApp,
}) => {
  const proxy = await startInjectingProxy(lab);
  try {
    const alice = lab.users.alice;
    const app = await registeredThroughProxy(openApp, proxy, alice);
    const target = injectionTarget(lab, proxy);

    // Plain RTP with no DTLS fingerprint: a WebRTC phone can never answer it.
    const branch = `${INJECTED_BRANCH_PREFIX}offer`;
    await proxy.injectToClient(sipRequest(target, branch, { method: 'INVITE', body: SDP_OFFER_PLAIN_RTP }));
    expect((await finalReply(proxy, branch, 'INVITE')).statusCode).toBe(488);
    // Decide before 180: the caller heard nothing but "trying" before the refusal.
    expect(inviteStatuses(proxy, branch)).toEqual([100, 488]);
    await expectNothingRang(app);

    // A real call still rings and is answered, sound and all.
    await lab.legacy.dial(alice.aor);
    await app.incomingCall(lab.users.legacy.displayName).getByRole('button', { name: 'Answer' }).click();
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  } finally {
    await proxy.stop();
  }
});

test('a call that can be taken rings: 100 Trying at once, 180 once the offer passed, 487 when cancelled', async ({
  lab,
  openApp,
}) => {
  const proxy = await startInjectingProxy(lab);
  try {
    const app = await registeredThroughProxy(openApp, proxy, lab.users.alice);
    const target = injectionTarget(lab, proxy);
    // An offer Chromium itself made (no candidates needed to try it).
    const offer = await app.page.evaluate(async () => {
      const pc = new RTCPeerConnection();
      pc.addTransceiver('audio');
      const description = await pc.createOffer();
      pc.close();
      return description.sdp ?? '';
    });
    const branch = `${INJECTED_BRANCH_PREFIX}rings`;
    const callId = `guard-rings-${Date.now()}`;
    await proxy.injectToClient(sipRequest(target, branch, { method: 'INVITE', body: offer, callId }));
    await expect(app.incomingCall('Odd Phone')).toBeVisible();
    await expect.poll(() => inviteStatuses(proxy, branch)).toEqual([100, 180]);

    await proxy.injectToClient(sipRequest(target, branch, { method: 'CANCEL', callId }));
    expect((await finalReply(proxy, branch, 'CANCEL')).statusCode).toBe(200);
    expect((await finalReply(proxy, branch, 'INVITE')).statusCode).toBe(487);
    expect(inviteStatuses(proxy, branch)).toEqual([100, 180, 487]);
    await expect(app.incomingCall()).toHaveCount(0);
  } finally {
    await proxy.stop();
  }
});
