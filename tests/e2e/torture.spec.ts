/**
 * RFC 4475's torture messages at a registered app, over WSS (injected through a WebSocket proxy in
 * front of Kamailio) and over UDP (injected through a relay in front of Kamailio, into a direct
 * account's gateway socket): each message gets the answer a UA owes it (`tests/lab/rfc4475/corpus.ts`),
 * nothing rings, the account stays registered and a call to the desk phone still works after all 49.
 */
import {
  answerHeader,
  answers,
  callIdOf,
  statusOf,
  tortureCorpus,
  type TortureMessage,
} from '../lab/rfc4475/corpus';
import type { Lab, LabUser } from '../lab/lab';
import { startSipRelay } from '../lab/sip-relay';
import { startWsProxy } from '../lab/ws-proxy';
import type { AppPage } from './app-page';
import { expect, test } from './fixtures';
import { callDeskPhone } from './scenarios';

/** How one transport reaches the app: sending bytes to it, and every response it sent back so far. */
interface Injector {
  transport: string;
  send(bytes: Buffer): Promise<void>;
  responses(): string[];
}

const PROBE_CALL_ID = 'torture-probe';

/** A plain OPTIONS to the app, sent after the corpus: once answered, every message before it was read. */
function probe(lab: Lab): Buffer {
  const uri = `sip:${lab.users.alice.user}@${lab.domain}`;
  return Buffer.from(
    [
      `OPTIONS ${uri} SIP/2.0`,
      'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKtortureprobe',
      'Max-Forwards: 70',
      `From: <sip:probe@${lab.domain}>;tag=probe`,
      `To: <${uri}>`,
      `Call-ID: ${PROBE_CALL_ID}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

/** The final answers the app sent to `message`. */
function finalAnswers(responses: readonly string[], message: TortureMessage): string[] {
  return responses.filter((text) => (statusOf(text) ?? 0) >= 200 && answers(text, message));
}

/** What is wrong with the app's handling of `message`, or undefined. */
function judge(responses: readonly string[], message: TortureMessage): string | undefined {
  const all = responses.filter((text) => answers(text, message));
  const finals = finalAnswers(responses, message);
  const codes = finals.map((text) => statusOf(text));
  if (message.unanswered !== undefined) {
    const extra = responses.filter((text) => callIdOf(text) === message.unanswered);
    if (extra.length > 0) return `answered the trailing request with ${extra.map(statusOf).join(',')}`;
  }
  if ('drop' in message.expect)
    return all.length === 0 ? undefined : `expected no answer, got ${all.map(statusOf).join(',')}`;
  const { answer, headers } = message.expect;
  if (finals.length === 0) return `expected ${answer.join(' or ')}, got no final answer`;
  const wrong = codes.filter((code) => !answer.includes(code ?? 0));
  if (wrong.length > 0) return `expected ${answer.join(' or ')}, got ${codes.join(',')}`;
  for (const [name, value] of Object.entries(headers ?? {})) {
    const got = answerHeader(finals[0] ?? '', name);
    const matches = typeof value === 'string' ? got === value : got !== undefined && value.test(got);
    if (!matches) return `expected ${name}: ${String(value)}, got ${got ?? 'none'}`;
  }
  return undefined;
}

/** After the corpus: the account is still registered, and a call to the desk phone has sound. */
async function expectRegisteredAndCalling(lab: Lab, app: AppPage, user: LabUser): Promise<void> {
  await app.expectRegistered();
  expect(await lab.registeredAors()).toContain(user.aor);
  await callDeskPhone(app, lab);
  await app.button('Hang up').click();
  await lab.waitForSipRequest('BYE', { from: user.user });
}

/** Sends the whole corpus, then the probe, and waits for every answer due (bounded). */
async function deliverCorpus(lab: Lab, app: AppPage, injector: Injector, corpus: readonly TortureMessage[]) {
  for (const message of corpus) await injector.send(message.bytes);
  await injector.send(probe(lab));
  await expect
    .poll(
      () => injector.responses().some((text) => callIdOf(text) === PROBE_CALL_ID && statusOf(text) === 200),
      {
        message: `the app to answer the OPTIONS sent after the corpus over ${injector.transport}`,
      },
    )
    .toBe(true);
  // An INVITE's answer may come after the probe's (SIP.js answers an OPTIONS at once): wait for
  // every answer due, for a bounded time; the judge names any still missing.
  const due = corpus.filter((message) => 'answer' in message.expect);
  const until = Date.now() + 5_000;
  while (due.some((m) => finalAnswers(injector.responses(), m).length === 0) && Date.now() < until)
    await app.page.waitForTimeout(100);
}

/** Judges every message (one soft assertion each, named by the message) and prints what the app answered. */
function expectRfcAnswers(injector: Injector, corpus: readonly TortureMessage[]): void {
  const responses = injector.responses();
  const lines = corpus.map((message) => {
    const got = responses.filter((text) => answers(text, message)).map((text) => statusOf(text));
    return `${message.name.padEnd(10)} §${message.section.padEnd(8)} ${got.length ? got.join(',') : 'no answer'}`;
  });
  console.log(`RFC 4475 over ${injector.transport}, what the app answered:\n${lines.join('\n')}`);
  for (const message of corpus) {
    const why = 'why' in message.expect ? message.expect.why : message.expect.drop;
    expect
      .soft(judge(responses, message), `${message.name} (RFC 4475 §${message.section}: ${why})`)
      .toBeUndefined();
  }
}

async function expectNothingRang(app: AppPage): Promise<void> {
  await expect(app.incomingCall()).toHaveCount(0);
  expect(await app.notifications()).toEqual([]);
  await expect(app.button(/Recent calls/)).not.toContainText('missed');
}

function printRewrites(corpus: readonly TortureMessage[]): void {
  const rewritten = corpus.filter((message) => message.rewritten);
  console.log(rewritten.map((message) => `${message.name}: ${message.rewritten}`).join('\n'));
}

test.describe('RFC 4475 torture messages', () => {
  test('over WSS: each gets a UA’s answer, nothing rings, the app stays registered and still calls', async ({
    lab,
    openApp,
  }) => {
    const alice = lab.users.alice;
    const corpus = tortureCorpus(alice.user);
    printRewrites(corpus);
    const ours = (text: string) =>
      statusOf(text) !== undefined &&
      (callIdOf(text) === PROBE_CALL_ID || corpus.some((message) => answers(text, message)));
    const proxy = await startWsProxy({
      upstreamUrl: lab.wssUrl,
      certPath: lab.certPath,
      keyPath: lab.keyPath,
      // Kamailio knows nothing of the injected transactions: keep the app's answers to them.
      keepFromServer: ours,
    });
    try {
      await lab.forgetRegistrations(alice.aor);
      const app = await openApp();
      await app.addAccount(alice, proxy.url);
      await app.expectRegistered();
      const injector: Injector = {
        transport: 'WSS',
        // RFC 7118 §5: a text frame for UTF-8, a binary frame for the rest (mpart01's S/MIME body).
        send: (bytes) =>
          proxy.injectToClient(
            Buffer.from(bytes.toString('utf8')).equals(bytes) ? bytes.toString('utf8') : bytes,
          ),
        responses: () =>
          proxy
            .clientFrames()
            .map((frame) => frame.text)
            .filter(ours),
      };
      await deliverCorpus(lab, app, injector, corpus);
      expectRfcAnswers(injector, corpus);

      await expectNothingRang(app);
      expect(proxy.openClients()).toBe(1);
      await expectRegisteredAndCalling(lab, app, alice);
    } finally {
      await proxy.stop();
    }
  });

  test('over UDP to the gateway: each gets a UA’s answer, nothing rings, the account stays registered and still calls', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    const alice = lab.users.alice;
    const corpus = tortureCorpus(alice.user);
    // The relay is the account's server: what it slips in comes from the address the gateway expects.
    const relay = await startSipRelay(lab.udpPort);
    const errorsBefore = webApp.log.filter((line) => line.startsWith('error:')).length;
    const logBefore = webApp.log.length;
    try {
      await lab.forgetRegistrations(alice.aor);
      const app = await openGatewayApp();
      await app.addDirectAccount(alice, { transport: 'udp', server: `127.0.0.1:${relay.port}` });
      await app.expectRegistered();
      await lab.waitForRegistered(alice.aor);
      const injector: Injector = {
        transport: 'UDP',
        send: (bytes) => Promise.resolve(relay.injectUdp(bytes)),
        responses: () => relay.fromAppUdp.filter((text) => statusOf(text) !== undefined),
      };
      await deliverCorpus(lab, app, injector, corpus);
      expectRfcAnswers(injector, corpus);

      await expectNothingRang(app);
      expect(webApp.log.filter((line) => line.startsWith('error:')).slice(errorsBefore)).toEqual([]);
      // What the gateway cannot read is logged, not dropped silently: bigcode's status line is not
      // SIP (dropped), lwsruri's request line is broken (passed raw, so the guard answers 400).
      const logged = webApp.log.slice(logBefore);
      expect(logged).toContainEqual(expect.stringMatching(/^warn: .*dropped .*SIP\/2\.0 4294967301/));
      expect(logged).toContainEqual(
        expect.stringMatching(
          /^warn: .*malformed request .*INVITE sip:user@example\.com; lr SIP\/2\.0.*inbound guard/,
        ),
      );
      await expectRegisteredAndCalling(lab, app, alice);
    } finally {
      await relay.close();
    }
  });
});
