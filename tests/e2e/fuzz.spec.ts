import { FUZZ_BRANCH_PREFIX, generateFuzzMessages, probeRequest, type FuzzMessage } from '../lab/sip-fuzz';
import { expect, test } from './fixtures';
import { callDeskPhone } from './scenarios';
import { injectionTarget, repliesByBranch, startInjectingProxy, type InjectedReply } from './sip-injection';

const FUZZ_COUNT = 1_000;

/** The seed comes from FUZZ_SEED to replay a failure, otherwise it is new for every run. */
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

function methodOf(message: FuzzMessage): string | undefined {
  return typeof message.frame === 'string' ? /^(\S+) /.exec(message.frame)?.[1] : undefined;
}

/** What is wrong with the client's answer to one message, or undefined when it is right. */
function judge(message: FuzzMessage, replies: Map<string, InjectedReply[]>): string | undefined {
  if (message.expect.reply === 'unchecked' || !message.branch) return undefined;
  const method = methodOf(message);
  // A CANCEL shares its INVITE's branch (RFC 3261 §9.1): tell the two apart by CSeq.
  const finals = (replies.get(message.branch) ?? []).filter(
    (reply) => reply.statusCode >= 200 && (reply.cseqMethod === undefined || reply.cseqMethod === method),
  );
  if (message.expect.reply === 'none')
    return finals.length === 0
      ? undefined
      : `expected no reply, got ${finals.map((r) => r.statusCode).join(',')}`;
  const codes = message.expect.codes;
  if (finals.length === 0) return `expected ${codes.join('/')}, got no reply`;
  const wrong = finals.filter((reply) => !codes.includes(reply.statusCode));
  return wrong.length === 0
    ? undefined
    : `expected ${codes.join('/')}, got ${wrong.map((r) => r.statusCode).join(',')}`;
}

test('a thousand malformed SIP messages: answered or dropped, the app stays registered and still calls', async ({
  lab,
  openApp,
}) => {
  // A thousand messages take the page a few seconds alone, far longer on a loaded machine; every
  // wait below is for a real event (the probe's answer), this only bounds them.
  test.setTimeout(180_000);
  console.log(`fuzz seed: ${seed} (replay with FUZZ_SEED=${seed})`);
  test.info().annotations.push({ type: 'fuzz seed', description: String(seed) });
  const proxy = await startInjectingProxy(lab);
  try {
    const alice = lab.users.alice;
    const app = await openApp();
    const pageErrors: string[] = [];
    app.page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    const warnings: string[] = [];
    app.page.on('console', (message) => {
      if (message.type() === 'warning' || message.type() === 'error') warnings.push(message.text());
    });

    await app.addAccount(alice, proxy.url);
    await app.expectRegistered();
    await lab.waitForRegistered(alice.aor);
    const target = injectionTarget(lab, proxy);
    // SIP.js puts a random `<token>.invalid` host in its Via (RFC 7118 §5); the guard answers to it.
    expect(target.clientViaHost, 'the Via host of the app (from its REGISTER)').toMatch(
      /^[A-Za-z0-9]+\.invalid$/,
    );
    const messages = generateFuzzMessages(seed, FUZZ_COUNT, target);
    expect(messages).toHaveLength(FUZZ_COUNT);
    const started = Date.now();
    // Back to back, as fast as the socket takes them: the flood bursts are part of the stream.
    for (const message of messages)
      await proxy.injectToClient(
        typeof message.frame === 'string' ? message.frame : Buffer.from(message.frame),
      );

    // The app handles its WebSocket's messages in order: once a well-formed OPTIONS sent last is
    // answered, every message before it has been dealt with.
    const probeBranch = `${FUZZ_BRANCH_PREFIX}${seed}xprobe`;
    await proxy.injectToClient(probeRequest(target, probeBranch));
    await expect
      .poll(() => repliesByBranch(proxy).get(probeBranch)?.[0]?.statusCode, {
        timeout: 120_000,
        message: 'the app to answer the OPTIONS sent after the fuzz',
      })
      .toBe(200);
    // SIP.js answers an OPTIONS at once, but an INVITE's offer is refused only after the browser has
    // tried it, so a final answer may come after the probe's. Wait for those (bounded); the judge
    // below names any still missing.
    const unanswered = () => {
      const sofar = repliesByBranch(proxy);
      return messages.filter((message) => judge(message, sofar)?.endsWith('got no reply')).length;
    };
    const answersDue = Date.now() + 30_000;
    while (unanswered() > 0 && Date.now() < answersDue) await app.page.waitForTimeout(200);
    const elapsed = Date.now() - started;

    const replies = repliesByBranch(proxy);
    const problems = messages.flatMap((message) => {
      const problem = judge(message, replies);
      return problem ? [`#${message.index} ${message.family}: ${message.description}: ${problem}`] : [];
    });
    const families = new Map<string, number>();
    for (const message of messages) families.set(message.family, (families.get(message.family) ?? 0) + 1);
    console.log(
      `fuzz: ${messages.length} messages in ${elapsed} ms (${[...families].map(([f, n]) => `${f} ${n}`).join(', ')}); ` +
        `${[...replies.values()].flat().length} replies; ${warnings.length} warnings logged by the app`,
    );

    if (problems.length > 0)
      console.log(`fuzz problems (seed ${seed}):\n${problems.slice(0, 60).join('\n')}`);
    if (problems.length > 0)
      console.log(
        `app warnings (last 20 of ${warnings.length}):\n${warnings.slice(-20).join('\n').slice(0, 6000)}`,
      );
    if (pageErrors.length > 0) console.log(`page errors:\n${pageErrors.slice(0, 5).join('\n')}`);
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    expect(problems, `wrong answers (seed ${seed})`).toEqual([]);
    // The bad input was logged, not swallowed silently.
    expect(warnings.some((line) => line.includes('[sip]'))).toBe(true);

    // Still on the same connection, still registered, nothing left ringing.
    expect(proxy.openClients()).toBe(1);
    await app.expectRegistered();
    expect(await lab.registeredAors()).toContain(alice.aor);
    await expect(app.incomingCall()).toHaveCount(0);

    // And it still does its job: a normal call through the same proxy, with sound both ways.
    await callDeskPhone(app, lab);
    await app.button('Hang up').click();
    await lab.waitForSipRequest('BYE', { from: alice.user });
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  } finally {
    await proxy.stop();
  }
});
