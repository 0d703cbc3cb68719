import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from 'vue';
import { HOST_KEY } from '../../../renderer/src/host/host';
import { createWebHost } from '../../../renderer/src/host/web-host';
import { WebStorage } from '../../../renderer/src/host/web-storage';
import type { CapturedSipMessage } from '../../../renderer/src/sip/sip-capture';
import { useAccountsStore } from '../../../renderer/src/stores/accounts';
import { useDiagnosticsStore } from '../../../renderer/src/stores/diagnostics';
import { useRegistrationStore } from '../../../renderer/src/stores/registration';
import { useSipLogStore } from '../../../renderer/src/stores/sip-log';

let n = 0;
function options(path: string): CapturedSipMessage {
  n += 1;
  return { id: `a#${n}`, accountId: 'a', direction: 'sent', at: n, text: `OPTIONS ${path} SIP/2.0\r\n\r\n` };
}

describe('sip-log store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('pausing freezes what is shown while capture goes on, and resuming shows everything', () => {
    const log = useSipLogStore();
    log.add(options('sip:1@h'));
    log.setPaused(true);
    log.add(options('sip:2@h'));
    log.add(options('sip:3@h'));
    expect(log.shown.map((e) => e.head.requestUri)).toEqual(['sip:1@h']);
    expect(log.all).toHaveLength(3);
    expect(log.arrivedWhilePaused).toBe(2);
    log.setPaused(false);
    expect(log.shown.map((e) => e.head.requestUri)).toEqual(['sip:1@h', 'sip:2@h', 'sip:3@h']);
    expect(log.arrivedWhilePaused).toBe(0);
    log.clear();
    expect(log.shown).toEqual([]);
    expect(log.stats).toEqual({ size: 0, capacity: 2000, textBytes: 0, textBudget: 1_048_576, dropped: 0 });
  });
});

describe('diagnostics store', () => {
  const PASSWORD = 'alice-account-pw';
  const TURN_USER = 'turn-user-1700000000';
  const TURN_SECRET = 'turn-secret-credential';
  let app: App | undefined;
  let storage: WebStorage | undefined;

  afterEach(async () => {
    app = undefined;
    await storage?.delete();
  });

  /** The stores as the app has them: a real web host, provided to a real (unmounted) app. */
  function stores() {
    storage = new WebStorage(`ringline-test-${crypto.randomUUID()}`);
    const host = createWebHost(storage);
    app = createApp({ render: () => null });
    app.provide(HOST_KEY, host);
    const pinia = createPinia();
    app.use(pinia);
    return app.runWithContext(() => ({
      accounts: useAccountsStore(),
      registration: useRegistrationStore(),
      diagnostics: useDiagnosticsStore(),
    }));
  }

  it('keeps registration failures and SIP warnings, a repeated one counted, not listed again', async () => {
    const { registration, diagnostics } = stores();
    const failed = (since: number) =>
      registration.apply({
        accountId: 'a',
        state: 'reconnecting',
        since,
        server: 'wss://pbx.example.com/ws',
        error: { kind: 'unreachable', detail: 'WebSocket closed' },
      });
    failed(1);
    await Promise.resolve();
    failed(2);
    await Promise.resolve();
    registration.apply({ accountId: 'a', state: 'registered', since: 3 });
    await Promise.resolve();
    diagnostics.noteLog('info', 'not a problem');
    diagnostics.noteLog('warn', 'refused a call whose offer cannot be used (488)');
    expect(diagnostics.problems).toEqual([
      {
        at: 2,
        source: 'registration',
        accountId: 'a',
        text: 'registration reconnecting, unreachable: WebSocket closed (server wss://pbx.example.com/ws)',
        count: 2,
      },
      expect.objectContaining({
        source: 'sip',
        text: 'warn: refused a call whose offer cannot be used (488)',
      }),
    ]);
  });

  it('reports the stored accounts without their password or TURN credentials', async () => {
    const { accounts, registration, diagnostics } = stores();
    await accounts.save({
      displayName: 'Alice',
      sipUri: 'sip:1001@pbx.example.com',
      authUser: '1001',
      password: PASSWORD,
      wssUrl: 'wss://pbx.example.com:8089/ws',
      media: {
        audioCodecs: ['PCMU'],
        videoCodecs: ['VP8'],
        iceServers: [{ url: 'turn:turn.example.com', username: TURN_USER }],
        iceTransportPolicy: 'all',
      },
      turnCredentials: [TURN_SECRET],
    });
    const id = accounts.accounts[0]?.id ?? '';
    registration.apply({
      accountId: id,
      state: 'failed',
      since: 5,
      error: { kind: 'wrong-password', statusCode: 401 },
    });
    const text = await diagnostics.report('zh-CN');
    expect(text).toContain('App: Ringline test (browser)');
    expect(text).toMatch(/Browser engine: Chromium \d+\.\d+\.\d+\.\d+/);
    expect(text).toContain('Language: zh-CN; log level: warn; passwords kept: session-only');
    expect(text).toContain(`- Alice (${id})`);
    expect(text).toContain('  Servers: wss://pbx.example.com:8089/ws');
    expect(text).toContain('  STUN/TURN: turn:turn.example.com; media: all');
    expect(text).toContain('  Registration: failed (wrong-password 401)');
    for (const secret of [PASSWORD, TURN_USER, TURN_SECRET]) expect(text).not.toContain(secret);
  });
});
