import { afterEach, describe, expect, it } from 'vitest';
import {
  PresenceAgent,
  type LineSnapshot,
  type PresenceEvent,
} from '../../../renderer/src/presence/presence-agent';
import { userAgentOnTestTransport, type SentMessage, type TestSipTransport } from './test-sip-transport';

const WATCHER = 'sip:1001@127.0.0.1';
const COLLEAGUE = 'sip:1002@127.0.0.1';

const BUSY = `<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"
  xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="${COLLEAGUE}">
  <tuple id="t1"><status><basic>open</basic></status></tuple>
  <dm:person id="p1"><rpid:activities><rpid:busy/></rpid:activities><dm:note>In a meeting</dm:note></dm:person>
</presence>`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  // The presence agent first: it ends its subscriptions itself, as the app does.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A presence server for the watcher: it accepts every SUBSCRIBE (200, no challenge), NOTIFYs at once
 * as a notifier must (RFC 6665 §4.2.1.2: no state yet, or the end of an un-SUBSCRIBEd one) and then
 * what the test says within that subscription (§4.2.2).
 */
function presenceServer(transport: TestSipTransport): {
  subscribed(event: string): SentMessage | undefined;
  notify(subscribe: SentMessage, body: string, state?: string): void;
} {
  let cseq = 1;
  const notify = (subscribe: SentMessage, body: string, state = 'active;expires=600') => {
    cseq += 1;
    transport.notify(subscribe, cseq, state, body);
  };
  transport.onSent = (message) => {
    if (!message.firstLine.startsWith('SUBSCRIBE ')) return;
    const ending = message.headers.get('expires') === '0';
    transport.respond(message, '200 OK', ['Contact: <sip:127.0.0.1:5060>', `Expires: ${ending ? 0 : 600}`]);
    notify(message, '', ending ? 'terminated;reason=timeout' : undefined);
  };
  return {
    subscribed: (event) =>
      transport.sent.find(
        (message) =>
          message.firstLine.startsWith('SUBSCRIBE ') &&
          message.headers.get('event') === event &&
          !/;tag=/.test(message.headers.get('to') ?? ''),
      ),
    notify,
  };
}

/** The watcher's agent watching the colleague's line, its presence SUBSCRIBE accepted; every line event. */
async function watchingColleague(): Promise<{
  server: ReturnType<typeof presenceServer>;
  subscribe: SentMessage;
  lines: LineSnapshot[];
}> {
  const { userAgent, transport } = await userAgentOnTestTransport(WATCHER);
  cleanups.push(() => userAgent.stop());
  const server = presenceServer(transport);
  const lines: LineSnapshot[] = [];
  const agent = new PresenceAgent(userAgent, 'account', WATCHER, (event: PresenceEvent) => {
    if (event.kind === 'line') lines.push(event.line);
  });
  cleanups.push(() => agent.stop());
  agent.watchLines([COLLEAGUE]);
  await expect.poll(() => server.subscribed('presence')).toBeDefined();
  const subscribe = server.subscribed('presence');
  if (!subscribe) throw new Error('unreachable');
  return { server, subscribe, lines };
}

describe("PresenceAgent: a watched line's PIDF status", () => {
  it('shows what the colleague published, and no status once the server NOTIFYs that it holds none', async () => {
    const { server, subscribe, lines } = await watchingColleague();

    server.notify(subscribe, BUSY);
    await expect.poll(() => lines.at(-1)?.presence).toBe('busy');
    expect(lines.at(-1)?.note).toBe('In a meeting');

    // Withdrawn (RFC 3903 §4.5) and NOTIFYed without a document: neither the status nor its note stays.
    server.notify(subscribe, '');
    await expect.poll(() => lines.at(-1)?.presence ?? 'none').toBe('none');
    expect(lines.at(-1)).not.toHaveProperty('note');
    expect(lines.at(-1)?.uri).toBe(COLLEAGUE);
  });

  it('shows no status once the server ends the presence subscription: the last one is no longer known', async () => {
    const { server, subscribe, lines } = await watchingColleague();
    server.notify(subscribe, BUSY);
    await expect.poll(() => lines.at(-1)?.presence).toBe('busy');

    // RFC 6665 §4.2.2: the notifier ends the subscription (e.g. its presence service went away).
    server.notify(subscribe, BUSY, 'terminated;reason=noresource');
    await expect.poll(() => lines.at(-1)?.presence ?? 'none').toBe('none');
    expect(lines.at(-1)).not.toHaveProperty('note');
  });
});
